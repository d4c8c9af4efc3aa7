"""Property-based fuzzing of the JSON API against its own OpenAPI schema (schemathesis).

Every operation gets generated requests, valid and invalid; the checks assert no server
errors, responses that conform to the schema, and status codes the schema documents.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
from hypothesis import HealthCheck, settings  # noqa: E402

from kreislauf.web.app import create_app  # noqa: E402

# The app without data (the bundle switched off), as before the bundle existed: with series to
# run on, a schema-valid body can still ask for a window outside the series (a 422 naming the
# field), which the OpenAPI document cannot express; tests/web/test_bubble_api.py covers those.
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(bundle=False))


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case) -> None:
    case.call_and_validate()
