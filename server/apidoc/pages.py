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

# Oro's documentation views that this server has (Oro also has ext_id_rest_json_api, rest_plain);
# the storefront's also has "JSON:API (SKU)" (its name here is this sandbox's)
VIEWS = {"rest_json_api": "JSON:API"}
STOREFRONT_VIEWS = VIEWS | {"rest_json_api_sku": "JSON:API (SKU)"}
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
        self.views = STOREFRONT_VIEWS if api == "storefront" else VIEWS

        def build(view: str) -> Site:
            return build_site(
                registry,
                prefix=prefix,
                default_page_size=default_page_size,
                auth=auth,
                view=(view, self.views[view]),
                sandbox_url=sandbox_url,
                api=api,
            )

        self._build: Callable[[str], Site] = build
        self._sites: dict[str, Site] = {}
        self._pages: dict[tuple[str, str, int], str] = {}  # by (view, type or "", depth)
        self._lock = threading.Lock()

    @property
    def site(self) -> Site:
        """The default view's site."""
        return self.site_of(DEFAULT_VIEW)

    def site_of(self, view: str) -> Site:
        with self._lock:
            if view not in self._sites:
                others = tuple((name, label) for name, label in self.views.items() if name != view)
                self._sites[view] = replace(self._build(view), other_views=others)
            return self._sites[view]

    def page(self, view: str, resource: str | None = None, *, depth: int = 1) -> Page:
        """The page of ``view`` (one ``resource``'s, or all); ``depth`` is where its URL is
        (see ``BASES``), for the relative links."""
        if view not in self.views:
            site = replace(self.site, base=BASES[depth])
            known = ", ".join(self.views)
            return Page(404, render_not_found(site, f'Unknown API view "{view}" (known: {known}).'))
        site = replace(self.site_of(view), base=BASES[depth])
        if resource is not None and site.resource(resource) is None:
            return Page(404, render_not_found(site, f'Unknown resource type "{resource}".'))
        key = (view, resource or "", depth)
        with self._lock:
            if key not in self._pages:
                self._pages[key] = render_site(site, resource)
            return Page(200, self._pages[key])
