"""An upload button that shows its label only: ipywidgets' ``FileUpload`` writes its label and the
count of files it holds as one text ("Upload (0)"); the stylesheet hides that text and shows the
label (the button's tooltip) after the icon instead."""

from __future__ import annotations

import ipywidgets as widgets

STYLE = """<style>
.oro-upload { font-size: 0 !important; }
.oro-upload > i.fa,
.oro-upload::after { font-size: var(--jp-widgets-font-size, 13px); }
.oro-upload::after { content: attr(title); margin-left: 4px; }
</style>"""


def upload_button(label: str, accept: str) -> widgets.FileUpload:
    """A one-file upload button reading ``label`` (with ``STYLE`` on the page)."""
    button = widgets.FileUpload(
        accept=accept, multiple=False, description=label, tooltip=label, icon="upload"
    )
    button.add_class("oro-upload")
    return button
