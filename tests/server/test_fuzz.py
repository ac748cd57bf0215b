"""Schemathesis against the live server, driven by the server's own OpenAPI document.

A bounded run: the document's examples, then a few cases per operation and generation mode,
valid (positive) and invalid (negative) data, a fixed seed. Whatever arrives, the answer is never
a 5xx, and every answer matches the schema and the content type documented for its status. Reads
are sent twice, as JSON:API and as plain REST (no JSON:API ``Accept``: ``application/json``
answers, as from httpx, axios or schemathesis' defaults). Reads go to the shared server; writes
go to a server of their own, because valid writes change and delete the demo data other tests
read. Every example request of the document must moreover get a 2xx from a fresh server.
``make fuzz`` is the place for a longer run: ``ORO_SANDBOX_FUZZ_EXAMPLES`` sets the number of
cases per operation and mode (default 3).

Each operation is a subtest. Schemathesis' own pytest integration (``from_fixture``) is not
used: with pytest 9 it fails on ``Function._nodeid``.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

pytest.importorskip("server.app")

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

BACKENDS = (
    "sqlite",
)  # the protocol fuzzed: the database behind it is tested by every other module on both

JSON_API = "application/vnd.api+json"
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
BOUNDED = settings(
    max_examples=int(os.environ.get("ORO_SANDBOX_FUZZ_EXAMPLES", "3")),
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def load_schema(api_url: str) -> schemathesis.BaseSchema:
    """The document the server serves; requests go to its origin (paths carry the prefix)."""
    schema = schemathesis.openapi.from_url(f"{api_url}/doc/openapi.json")
    url = urlsplit(api_url)
    schema.config.update(base_url=f"{url.scheme}://{url.netloc}")
    return schema


def fuzz(
    operation: schemathesis.APIOperation,
    mode: schemathesis.GenerationMode,
    headers: dict[str, str] | None = None,
) -> None:
    @BOUNDED
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        if mode is not schemathesis.GenerationMode.NEGATIVE:
            raise
        # e.g. a string id and a free-text header: nothing the schema could call invalid, so no
        # negative case to send


def example_cases(operation: schemathesis.APIOperation) -> list[schemathesis.Case]:
    """The cases of schemathesis' examples phase: the document's example values and bodies."""
    cases: list[schemathesis.Case] = []
    for strategy in operation.get_strategies_from_examples():

        @settings(BOUNDED, max_examples=1)
        @given(case=strategy)
        def draw(case: schemathesis.Case) -> None:
            cases.append(case)

        draw()
    return cases


def operations(api_url: str) -> list[schemathesis.APIOperation]:
    """Every operation of the served document, in its order."""
    return [result.ok() for result in load_schema(api_url).get_all_operations()]


def fuzz_all(api_url: str, subtests: pytest.Subtests, *, reads: bool) -> None:
    chosen = [op for op in operations(api_url) if (op.method.upper() == "GET") == reads]
    assert chosen, "the document has no operations to fuzz"
    runs: list[tuple[schemathesis.GenerationMode, dict[str, str] | None]]
    runs = [(mode, {"Accept": JSON_API}) for mode in MODES]
    if reads:  # plain REST (no Accept): valid requests suffice to check its documents
        runs.append((schemathesis.GenerationMode.POSITIVE, None))
    for operation in chosen:
        with subtests.test(msg=f"{operation.label} [examples]"):
            for case in example_cases(operation):
                case.call_and_validate(headers={"Accept": JSON_API}, checks=CHECKS)
        for mode, headers in runs:
            kind = "JSON:API" if headers else "plain"
            with subtests.test(msg=f"{operation.label} [{mode.value}, {kind}]"):
                fuzz(operation, mode, headers)


def test_reads(api_url: str, subtests: pytest.Subtests) -> None:
    fuzz_all(api_url, subtests, reads=True)


def test_writes(fresh_api_url: str, subtests: pytest.Subtests) -> None:
    fuzz_all(fresh_api_url, subtests, reads=False)


def test_every_example_request_is_accepted(fresh_api_url: str) -> None:
    """Each example request of the document (bodies, parameters), sent in the document's order
    to a freshly seeded server, gets a 2xx; Postman and generated clients send these."""
    refused = []
    sent = 0
    for operation in operations(fresh_api_url):
        cases = example_cases(operation)
        assert cases, f"{operation.label} has no example"
        for case in cases:
            response = case.call(headers={"Accept": JSON_API})
            sent += 1
            if not 200 <= response.status_code < 300:
                refused.append(f"{operation.label}: {response.status_code} {response.text[:300]}")
    assert refused == []
    assert sent >= 200
