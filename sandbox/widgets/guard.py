"""Callbacks that show their tracebacks: ipywidgets swallows an exception raised in a callback
(it only reaches the kernel log), so every callback of ours runs under :func:`guarded`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets


def guarded(output: widgets.Output) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a callback so an exception it raises is shown in ``output`` (and re-raised
    nowhere): the user sees what went wrong, and the widget stays usable."""

    def decorate(callback: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(callback)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return callback(*args, **kwargs)
            except Exception:
                output.clear_output()
                with output:
                    import traceback

                    traceback.print_exc()
                return None

        return run

    return decorate
