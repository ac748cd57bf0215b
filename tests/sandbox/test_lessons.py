"""``sandbox.lessons.check``: the message for each kind of answer, never an exception."""

from __future__ import annotations

from typing import Any

import IPython
import IPython.display
import pytest

from sandbox.lessons import UNANSWERED, check, feedback


def _raises(answer: Any) -> bool:
    raise KeyError("data")


def _raises_multiline(answer: Any) -> bool:
    raise ValueError("first line\nsecond line")


def _raises_empty(answer: Any) -> bool:
    raise RuntimeError()


class _Ambiguous:
    def __bool__(self) -> bool:
        raise ValueError("The truth value of a Series is ambiguous.")


CASES = [
    pytest.param(..., bool, "hint", "Correct!", UNANSWERED, False, id="unanswered"),
    pytest.param(..., _raises, "hint", "Correct!", UNANSWERED, False, id="unanswered-not-tested"),
    pytest.param(1, lambda a: a == 1, "hint", "Correct!", "✔ Correct!", True, id="right"),
    pytest.param(1, lambda a: a == 1, "h", "Well done.", "✔ Well done.", True, id="own-success"),
    pytest.param(2, lambda a: a == 1, "use 1", "Correct!", "✘ Not yet: use 1", False, id="wrong"),
    pytest.param(None, lambda a: a, "h", "Correct!", "✘ Not yet: h", False, id="none-is-an-answer"),
    pytest.param(0, lambda a: [a], "h", "Correct!", "✔ Correct!", True, id="truthy-result"),
    pytest.param(
        {},
        _raises,
        "send a GET",
        "Correct!",
        "✘ Not yet: send a GET (KeyError: 'data')",
        False,
        id="exception",
    ),
    pytest.param(
        1,
        _raises_multiline,
        "h",
        "Correct!",
        "✘ Not yet: h (ValueError: first line)",
        False,
        id="exception-first-line",
    ),
    pytest.param(
        1,
        _raises_empty,
        "h",
        "Correct!",
        "✘ Not yet: h (RuntimeError)",
        False,
        id="exception-without-message",
    ),
    pytest.param(
        1,
        lambda a: _Ambiguous(),
        "h",
        "Correct!",
        "✘ Not yet: h (ValueError: The truth value of a Series is ambiguous.)",
        False,
        id="result-without-truth-value",
    ),
]


@pytest.mark.parametrize(("answer", "test", "hint", "success", "message", "passed"), CASES)
def test_feedback(
    answer: Any, test: Any, hint: str, success: str, message: str, passed: bool
) -> None:
    assert feedback(answer, test, hint=hint, success=success) == message


@pytest.mark.parametrize(("answer", "test", "hint", "success", "message", "passed"), CASES)
def test_check_prints_outside_ipython(
    answer: Any,
    test: Any,
    hint: str,
    success: str,
    message: str,
    passed: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert check(answer, test, hint=hint, success=success) is passed
    assert capsys.readouterr() == (message + "\n", "")


def test_unanswered_message() -> None:
    assert UNANSWERED == "✋ Replace the ... with your answer, then run this cell again."


@pytest.mark.parametrize(
    ("answer", "test", "hint", "html"),
    [
        pytest.param(
            ...,
            bool,
            "h",
            '<p style="color: #b26a00; font-weight: 600">✋ Replace the ... with your answer,'
            " then run this cell again.</p>",
            id="unanswered",
        ),
        pytest.param(
            1, bool, "h", '<p style="color: #2e7d32; font-weight: 600">✔ Correct!</p>', id="right"
        ),
        pytest.param(
            0,
            bool,
            'use `client.get("users")` & <b>',
            '<p style="color: #c62828; font-weight: 600">✘ Not yet: use'
            ' <code>client.get("users")</code> &amp; &lt;b&gt;</p>',
            id="wrong-code-and-escaping",
        ),
    ],
)
def test_check_displays_html_and_text_in_ipython(
    answer: Any, test: Any, hint: str, html: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.append((objs, kw)))
    check(answer, test, hint=hint)
    text = feedback(answer, test, hint=hint, success="Correct!")
    assert shown == [(({"text/plain": text, "text/html": html},), {"raw": True})]
