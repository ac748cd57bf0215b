"""The exercises of the guided notebooks: :func:`check` tells a learner whether an answer is right.

    answer = ...  # your turn: the account with id 1
    check(answer, lambda e: e.status == 200 and e.data["id"] == "1",
          hint="send a GET for accounts/1")

``check`` never raises: an unanswered exercise (``answer`` still ``...``), a wrong answer and an
answer the test cannot even look at (an exception) each get a one-line message instead, so that a
notebook runs top to bottom as committed. In a notebook the message is displayed as HTML (with
``text/plain`` beside it); elsewhere it is printed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

__all__ = ["UNANSWERED", "check", "feedback"]

UNANSWERED = "✋ Replace the ... with your answer, then run this cell again."
_COLORS = {"✋": "#b26a00", "✔": "#2e7d32", "✘": "#c62828"}
_CODE = re.compile(r"`([^`]+)`")


def feedback(answer: Any, test: Callable[[Any], Any], *, hint: str, success: str) -> str:
    """The message :func:`check` shows (pure: no display)."""
    if answer is ...:
        return UNANSWERED
    try:
        passed = bool(test(answer))
    except Exception as error:  # the learner's answer may be anything: say what went wrong
        return f"✘ Not yet: {hint} ({_one_line(error)})"
    return f"✔ {success}" if passed else f"✘ Not yet: {hint}"


def check(answer: Any, test: Callable[[Any], Any], *, hint: str, success: str = "Correct!") -> bool:
    """Show whether ``test(answer)`` holds, and return it; ``hint`` is shown when it does not.

    ``answer is ...`` (the exercise is not done yet) shows how to start and returns False.
    """
    message = feedback(answer, test, hint=hint, success=success)
    _show(message)
    return message.startswith("✔")


def _one_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def _html(message: str) -> str:
    color = _COLORS.get(message[:1], "inherit")
    text = _CODE.sub(r"<code>\1</code>", html.escape(message, quote=False))
    return f'<p style="color: {color}; font-weight: 600">{text}</p>'


def _show(message: str) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # no IPython at all: a plain script
        print(message)
        return
    if get_ipython() is None:  # IPython installed, but not running it
        print(message)
        return
    display({"text/plain": message, "text/html": _html(message)}, raw=True)  # type: ignore[no-untyped-call]
