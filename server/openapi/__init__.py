"""The OpenAPI 3.1 document of the API, generated from the resource metadata only.

``build_openapi(registry)`` returns the document as a dict (``/api/doc/openapi.json`` and
``oro-sandbox openapi`` serve it); ``to_yaml(document)`` renders it as YAML. Modules: ``names``
(operationIds, component names), ``parameters``, ``schemas`` (JSON:API documents), ``paths``
(routes per action, responses) and ``document`` (the assembly).
"""

from server.openapi.document import build_openapi, to_yaml

__all__ = ["build_openapi", "to_yaml"]
