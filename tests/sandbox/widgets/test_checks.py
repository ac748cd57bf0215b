"""What the metadata refuses before sending: a table of requests and the controls marked."""

from __future__ import annotations

import pytest

from sandbox.spec import RequestSpec
from sandbox.widgets.checks import body_problem, metadata_problems
from tests.sandbox.widgets.test_builder import metadata


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param(RequestSpec("accounts"), [], id="fine"),
        pytest.param(
            RequestSpec("acounts"),
            [
                (
                    "type",
                    "The server's metadata has no resource type 'acounts'."
                    " Did you mean 'accounts'?",
                )
            ],
            id="type",
        ),
        pytest.param(
            RequestSpec("accounts", params=(("filter[nme]", "x"),)),
            [
                (
                    "filter:nme",
                    "The server's metadata has no filter on accounts 'nme'. Did you mean 'name'?",
                )
            ],
            id="filter-field",
        ),
        pytest.param(
            RequestSpec("accounts", params=(("filter[name][gt]", "x"),)),
            ["filter:name"],
            id="operator",
        ),
        pytest.param(
            RequestSpec("accounts", params=(("filter[owner.nosuch]", "x"),)),
            ["filter:owner.nosuch"],
            id="path",
        ),
        pytest.param(
            RequestSpec("accounts", params=(("fields[acounts]", "name"),)),
            ["fields:acounts"],
            id="fieldset-type",
        ),
        pytest.param(
            RequestSpec("accounts", params=(("fields[accounts]", "name,nmae"),)),
            ["fields:accounts"],
            id="fieldset-field",
        ),
        pytest.param(
            RequestSpec("accounts", params=(("include", "owner,ownr"),)),
            [],
            id="include-ignored-by-oro",
        ),
        pytest.param(RequestSpec("accounts", params=(("sort", "-nosuch"),)), ["sort"], id="sort"),
        pytest.param(
            RequestSpec("accounts", "get", "1", params=(("filter[nme]", "x"),)),
            [],
            id="not-for-this-action",
        ),
    ],
)
def test_metadata_problems(spec: RequestSpec, expected: list[object]) -> None:
    got = metadata_problems(metadata(), spec)
    if expected and isinstance(expected[0], tuple):
        assert [(p.control, p.detail) for p in got] == expected
    else:
        assert [p.control for p in got] == expected


def test_without_metadata_nothing_is_refused() -> None:
    assert metadata_problems(None, RequestSpec("anything", params=(("filter[x]", "1"),))) == []


@pytest.mark.parametrize(
    ("spec", "detail"),
    [
        pytest.param(RequestSpec("accounts", "create", body='{"data": {}}'), None, id="json"),
        pytest.param(RequestSpec("accounts", "create", body="  "), None, id="empty"),
        pytest.param(RequestSpec("accounts", body="{"), None, id="no-body-action"),
        pytest.param(
            RequestSpec("accounts", "create", body='{"data": {\n  "type": accounts}}'),
            "Not JSON at line 2, column 11: Expecting value.",
            id="broken",
        ),
    ],
)
def test_body_problem(spec: RequestSpec, detail: str | None) -> None:
    problem = body_problem(spec)
    assert (problem.detail if problem else None) == detail
