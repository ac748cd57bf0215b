"""HTML from the view model: Jinja2 templates in ``templates/``, autoescaped, self-contained.

Descriptions in the metadata use a sliver of Markdown (`` `code` ``, blank-line paragraphs and
``- `` lists, as the OpenAPI document does); :func:`inline` and :func:`blocks` render just that.
"""

from __future__ import annotations

import re

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from server.apidoc.model import Site

CODE = re.compile(r"`([^`]+)`")


def inline(text: str) -> Markup:
    """Escaped text with `` `code` `` spans."""
    return Markup(CODE.sub(r"<code>\1</code>", str(escape(text))))


def blocks(text: str) -> Markup:
    """Paragraphs separated by blank lines, each optionally followed by a ``- `` list."""
    html = []
    for block in re.split(r"\n\s*\n", text.strip()):
        paragraph: list[str] = []
        items: list[str] = []
        for line in block.splitlines():
            if line.startswith("- "):
                items.append(line[2:].strip())
            elif items:
                items[-1] += " " + line.strip()  # a list item's continuation line
            else:
                paragraph.append(line.strip())
        if paragraph:
            html.append(f"<p>{inline(' '.join(paragraph))}</p>")
        if items:
            html.append("<ul>" + "".join(f"<li>{inline(item)}</li>" for item in items) + "</ul>")
    return Markup("\n".join(html))


ENVIRONMENT = Environment(
    loader=PackageLoader("server.apidoc", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.filters |= {"inline": inline, "blocks": blocks}


def render_site(site: Site, only: str | None = None) -> str:
    """Every resource with an index, or only the resource of type ``only``."""
    resources = site.resources if only is None else (site.resource(only),)

    def link(type_: str, section: str = "") -> str:
        """Where a resource (or one of its sections) is: on this page, or on its own page."""
        fragment = f"#{type_}-{section}" if section else f"#{type_}"
        if only is None or type_ == only:
            return fragment
        return site.doc_url(type_) + (fragment if section else "")

    template = ENVIRONMENT.get_template("page.html")
    return template.render(site=site, resources=resources, single=only is not None, link=link)


def render_not_found(site: Site, message: str) -> str:
    """A 404 page that says what is unknown and links to what exists."""
    return ENVIRONMENT.get_template("not_found.html").render(site=site, message=message)
