"""Jupyter server settings for Binder (postBuild copies this file to ~/.jupyter/).

jupyter-server-proxy routes ``<notebook server>/oro-api/…`` to the Oro API server that
``binder/start`` runs on 127.0.0.1 (``/oro-api/api/doc`` is the API documentation). The entry has
no ``command``: the server is already running, so the proxy only forwards to its port. A
"Oro API docs" tile in JupyterLab's launcher opens it.
"""

import os

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)

c.ServerProxy.servers = {
    "oro-api": {
        "port": int(os.environ.get("ORO_SANDBOX_PORT", "8765")),  # binder/start's
        "launcher_entry": {
            "title": "Oro API docs",
            "path_info": "oro-api/api/doc",
            "category": "Other",
        },
        "new_browser_tab": True,
    },
}
