"""``/api/doc``: the HTML documentation of the API, Oro's sandbox page without the "Try!" half.

``ApiDoc(registry, ...).page(view, resource)`` answers a :class:`Page` (status and HTML), rendered
once and kept. Modules: ``model`` (the view model, read from the OpenAPI document and the metadata),
``render`` (Jinja2 templates in ``templates/``) and ``pages`` (views, resources, caching).
"""

from server.apidoc.model import Site, build_site
from server.apidoc.pages import DEFAULT_VIEW, VIEWS, ApiDoc, Page
from server.apidoc.render import render_site

__all__ = ["DEFAULT_VIEW", "VIEWS", "ApiDoc", "Page", "Site", "build_site", "render_site"]
