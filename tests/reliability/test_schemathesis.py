"""Schemathesis over the emulator's own OpenAPI document: no 5xx, no answer that breaks its declared schema.

Every operation gets valid and invalid generated cases (schemathesis's positive and negative modes); each case is
sent without credentials and then with valid ones (Basic admin/admin for DC and Jira, the `default-admin` Bearer
token for Cloud; control routes need none). The short profile runs in `make test`; `AIP_EMULATOR_FUZZ=long`
(`make fuzz`) runs the long one. `-s` prints the number of cases sent.

The operations are driven with `operation.as_strategy()` under Hypothesis's `@given` rather than
`schemathesis.pytest.from_fixture(...).parametrize()`: with pytest 9 that lazy loader fails in its subtests
(`'Function' object has no attribute '_nodeid'`, schemathesis 4.32.5).

Left out on purpose: `POST /_emulator/faults` (injected 5xx are its job) and `POST /_emulator/seed` (it loads
arbitrary fixture paths from the server's disk); `DELETE /_emulator/tokens/{token_id}` would only ever remove the
token the Cloud cases need.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from emulator.app import create_app
from emulator.runtime.emulator import Emulator
from emulator.settings import Settings
from emulator.testing import copy_data_dir
from tests.helpers import ADMIN, CLOUD_ADMIN_TOKEN

pytestmark = pytest.mark.slow  # long property-based runs

LONG = os.environ.get("AIP_EMULATOR_FUZZ") == "long"
MAX_EXAMPLES = 200 if LONG else 25
BASIC_ADMIN = "Basic " + base64.b64encode(":".join(ADMIN).encode()).decode()
EXCLUDED = {
    ("POST", "/_emulator/faults"),
    ("POST", "/_emulator/seed"),
    ("DELETE", "/_emulator/tokens/{token_id}"),
}
CASES: dict[str, int] = {"run": 0}


def credentials(path: str) -> dict[str, str]:
    """The valid Authorization header for a path's dialect (none for control routes)."""
    if path.startswith("/api/v1"):
        return {"Authorization": f"Bearer {CLOUD_ADMIN_TOKEN}"}
    if path.startswith("/rest/"):
        return {"Authorization": BASIC_ADMIN}
    return {}


@pytest.fixture(scope="module")
def fuzz_app(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    # The app does not own this emulator: schemathesis's ASGI client runs the lifespan around every call.
    emulator = Emulator(Settings(data_dir=copy_data_dir(seeded_template, tmp_path_factory.mktemp("fuzz"))))
    emulator.start()
    yield create_app(emulator.settings, emulator)
    emulator.close()
    print(f"\nschemathesis: {CASES['run']} cases ({'long' if LONG else 'short'} profile)")


@pytest.fixture(scope="module")
def api_schema(fuzz_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


def operations(api_schema: Any, dialect: str) -> list[Any]:
    found = [result.ok() for result in api_schema.get_all_operations()]
    chosen = [op for op in found if (op.method.upper(), op.path) not in EXCLUDED and dialect_of(op.path) == dialect]
    assert chosen, f"no operations for {dialect}"
    return chosen


def dialect_of(path: str) -> str:
    for prefix, dialect in (("/api/v1", "cloud"), ("/rest/api/2", "jira"), ("/rest/jip-api", "dc")):
        if path.startswith(prefix):
            return dialect
    return "control"


def exercise(case: Any) -> None:
    """Call once without credentials and, where the dialect has them, once with valid ones."""
    checks = [not_a_server_error, response_schema_conformance]
    if case.headers:
        case.headers.pop("Authorization", None)
    valid = credentials(case.path)
    for headers in [{}, valid] if valid else [{}]:  # without credentials first: it must change nothing
        CASES["run"] += 1
        case.validate_response(case.call(headers=headers), checks=checks)


@pytest.mark.parametrize("dialect", ["dc", "jira", "cloud", "control"])
def test_no_server_errors_and_declared_shapes(api_schema: Any, dialect: str) -> None:
    for operation in operations(api_schema, dialect):
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )

        @given(case=strategy)
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=not LONG,
            suppress_health_check=list(HealthCheck),
            database=None,
            phases=[Phase.explicit, Phase.generate],
        )
        def run(case: Any) -> None:
            exercise(case)

        try:
            run()
        except Exception as exc:
            exc.add_note(f"operation: {operation.method.upper()} {operation.path}")
            raise
