"""Property-based API fuzzing (schemathesis) against the app's own OpenAPI document, in-process.

Every operation gets generated valid and invalid requests (bounded, derandomized) carrying the
admin key; no response may be a server error, and every response must match what the
document declares (status codes, content type, body schema).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from backend.tests.test_openapi import undocumented_bodies
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.python import asgi
from schemathesis.specs.openapi import checks

from driftscope.settings import Settings
from driftscope_backend.app import create_app

pytestmark = pytest.mark.slow

ADMIN_KEY = "fuzz-admin-key"
MAX_EXAMPLES = 25  # per operation and mode
CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
]


@pytest.fixture
def fuzz_schema(registered_settings: Settings) -> Iterator[schemathesis.BaseSchema]:
    app = create_app(registered_settings.model_copy(update={"admin_api_keys": ADMIN_KEY}))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)  # starts the lifespan
    try:
        yield schema
    finally:
        asgi.shutdown_lifespans()  # writer flushed, engine closed before the database goes


def fuzz(operation: schemathesis.APIOperation, mode: schemathesis.GenerationMode) -> None:
    """Run `max_examples` generated cases of one operation; raises on the first failed check."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,  # the same cases every run: a failure is reproducible
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers={"X-API-Key": ADMIN_KEY}, checks=CHECKS)

    run()


def test_every_operation_answers_as_documented(fuzz_schema: schemathesis.BaseSchema) -> None:
    """Valid and invalid generated requests to every operation; all failures reported at once."""
    # The response-schema check passes vacuously on an undocumented body: none may be.
    assert undocumented_bodies(fuzz_schema.raw_schema) == []
    operations = []
    for result in fuzz_schema.get_all_operations():
        assert isinstance(result, Ok), result  # the document itself is valid
        operations.append(result.ok())
    failures = []
    for operation in operations:
        takes_input = bool(operation.body) or any(True for _ in operation.iter_parameters())
        modes = [schemathesis.GenerationMode.POSITIVE]
        if takes_input:  # no input, nothing invalid to send
            modes.append(schemathesis.GenerationMode.NEGATIVE)
        for mode in modes:
            try:
                fuzz(operation, mode)
            except (Exception, BaseExceptionGroup) as exc:  # a failed check: report them all
                failures.append(f"{operation.label} ({mode}): {str(exc)[:1500]}")

    assert len(operations) >= 20
    assert failures == [], "\n\n".join(failures)
