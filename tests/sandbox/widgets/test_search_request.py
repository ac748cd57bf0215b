"""``sandbox.widgets.search_request``: the search panel's request as query parameters, and where
a refusal says the problem is (pure)."""

from __future__ import annotations

import pytest

from sandbox.client import ErrorObject
from sandbox.widgets.search_request import (
    SearchForm,
    SyntaxProblem,
    page_count,
    syntax_problem,
)

PAGE = [("include", "entity"), ("page[number]", "1"), ("page[size]", "10")]


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        pytest.param(SearchForm(), PAGE, id="nothing-asked-every-record"),
        pytest.param(SearchForm(text="  ", aggregations=" "), PAGE, id="blank-not-sent"),
        pytest.param(
            SearchForm(text=" john ", query="ignored"),
            [("filter[searchText]", " john "), *PAGE],
            id="simple",
        ),
        pytest.param(
            SearchForm(mode="advanced", text="ignored", query='firstName ~ "jo hn" '),
            [("filter[searchQuery]", 'firstName ~ "jo hn" '), *PAGE],
            id="advanced",
        ),
        pytest.param(
            SearchForm(
                text="x",
                entities=("orders", "accounts"),
                aggregations="status count",
                page=3,
                size=25,
            ),
            [
                ("filter[searchText]", "x"),
                ("filter[entities]", "orders,accounts"),
                ("filter[aggregations]", "status count"),
                ("include", "entity"),
                ("page[number]", "3"),
                ("page[size]", "25"),
            ],
            id="types-aggregations-page",
        ),
    ],
)
def test_params(form: SearchForm, expected: list[tuple[str, str]]) -> None:
    assert form.params() == expected


END = "Unexpected end of the query at position 20: expected a field name."


def error(detail: str, parameter: str | None) -> ErrorObject:
    return ErrorObject("400", "filter constraint", detail, parameter=parameter)


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        pytest.param([], None, id="none"),
        pytest.param(
            [error(END, "filter[searchQuery]")],
            SyntaxProblem("filter[searchQuery]", 20, END),
            id="query",
        ),
        pytest.param(
            [
                error("Some other problem.", "page[size]"),
                error('Unexpected "cnt" around position 7.', "filter[aggregations]"),
            ],
            SyntaxProblem("filter[aggregations]", 7, 'Unexpected "cnt" around position 7.'),
            id="the-form's-parameter-first",
        ),
        pytest.param(
            [error("The value is not valid.", "filter[searchQuery]")],
            SyntaxProblem("filter[searchQuery]", None, "The value is not valid."),
            id="no-position-named",
        ),
        pytest.param(
            [ErrorObject("403", "access denied exception", None)],
            SyntaxProblem(None, None, "access denied exception"),
            id="no-parameter-the-title",
        ),
    ],
)
def test_syntax_problem(errors: list[ErrorObject], expected: SyntaxProblem | None) -> None:
    assert syntax_problem(errors) == expected


@pytest.mark.parametrize(
    ("total", "size", "pages"),
    [
        pytest.param(None, 10, None, id="unknown"),
        pytest.param(0, 10, 1, id="none-found-one-page"),
        pytest.param(10, 10, 1, id="exact"),
        pytest.param(11, 10, 2, id="one-more"),
        pytest.param(2000, 25, 80, id="many"),
    ],
)
def test_page_count(total: int | None, size: int, pages: int | None) -> None:
    assert page_count(total, size) == pages
