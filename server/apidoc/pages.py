"""Which page a URL asks for, rendered on first use and kept: the metadata never changes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from server.apidoc.model import Site, build_site
from server.apidoc.render import render_not_found, render_site
from server.metadata.model import Registry

# a page's depth under {root}/doc (0: doc itself, 1: doc/view, 2: doc/view/type) → its way back
BASES = {0: "doc/", 1: "", 2: "../"}

# Oro's documentation views that this server has (Oro also has ext_id_rest_json_api, rest_plain)
VIEWS = {"rest_json_api": "JSON:API"}
DEFAULT_VIEW = "rest_json_api"


@dataclass(frozen=True)
class Page:
    status: int
    html: str


class ApiDoc:
    """The documentation pages of one app: all resources, or one, of a known view."""

    def __init__(
        self,
        registry: Registry,
        *,
        prefix: str,
        default_page_size: int,
        auth: bool,
        sandbox_url: str = "",
        api: str = "backoffice",
    ) -> None:
        self._build: Callable[[], Site] = lambda: build_site(
            registry,
            prefix=prefix,
            default_page_size=default_page_size,
            auth=auth,
            view=(DEFAULT_VIEW, VIEWS[DEFAULT_VIEW]),
            sandbox_url=sandbox_url,
            api=api,
        )
        self._site: Site | None = None
        self._pages: dict[tuple[str, int], str] = {}  # by (type or "" for all, depth)
        self._lock = threading.Lock()

    @property
    def site(self) -> Site:
        with self._lock:
            if self._site is None:
                self._site = self._build()
            return self._site

    def page(self, view: str, resource: str | None = None, *, depth: int = 1) -> Page:
        """The page of ``view`` (one ``resource``'s, or all); ``depth`` is where its URL is
        (see ``BASES``), for the relative links."""
        site = replace(self.site, base=BASES[depth])
        if view not in VIEWS:
            known = ", ".join(VIEWS)
            return Page(404, render_not_found(site, f'Unknown API view "{view}" (known: {known}).'))
        if resource is not None and site.resource(resource) is None:
            return Page(404, render_not_found(site, f'Unknown resource type "{resource}".'))
        key = (resource or "", depth)
        with self._lock:
            if key not in self._pages:
                self._pages[key] = render_site(site, resource)
            return Page(200, self._pages[key])
