"""Schemathesis against the live server, driven by the server's own OpenAPI document.

A bounded run: a few cases per operation and generation mode, valid (positive) and invalid
(negative) data, a fixed seed. Whatever arrives, the answer is never a 5xx, and every answer
matches the schema documented for its status. Reads go to the shared server; writes go to a
server of their own, because valid writes change and delete the demo data other tests read.
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
from schemathesis.specs.openapi.checks import response_schema_conformance

JSON_API = "application/vnd.api+json"
CHECKS = [not_a_server_error, response_schema_conformance]
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


def fuzz(operation: schemathesis.APIOperation, mode: schemathesis.GenerationMode) -> None:
    @BOUNDED
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers={"Accept": JSON_API}, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        if mode is not schemathesis.GenerationMode.NEGATIVE:
            raise
        # e.g. a string id and a free-text header: nothing the schema could call invalid
        pytest.skip("the schema leaves no room for invalid input here")


def fuzz_all(api_url: str, subtests: pytest.Subtests, *, reads: bool) -> None:
    operations = [result.ok() for result in load_schema(api_url).get_all_operations()]
    chosen = [op for op in operations if (op.method.upper() == "GET") == reads]
    assert chosen, "the document has no operations to fuzz"
    for operation in chosen:
        for mode in MODES:
            with subtests.test(msg=f"{operation.label} [{mode.value}]"):
                fuzz(operation, mode)


def test_reads(api_url: str, subtests: pytest.Subtests) -> None:
    fuzz_all(api_url, subtests, reads=True)


def test_writes(fresh_api_url: str, subtests: pytest.Subtests) -> None:
    fuzz_all(fresh_api_url, subtests, reads=False)
