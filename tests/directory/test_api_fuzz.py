"""Schemathesis against the served OpenAPI document, in-process over WSGI (issue 8).

Every operation in `/api/openapi.json` gets requests generated from its own parameters: valid
ones (positive) and ones that break the document's rules (negative). Every answer must be no
server error, a documented status with a documented content type, a body that matches its
schema, and a 4xx for a request the document calls invalid. The demo directory is loaded first
(inside the test's rolled-back transaction) so searches and ids find real listings.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from support_hub.directory.seed import load_seed, read_seed

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]
POSITIVE = schemathesis.GenerationMode.POSITIVE
NEGATIVE = schemathesis.GenerationMode.NEGATIVE
# Which modes each operation gets. A listing id is any string (an unknown one is a 404), so the
# document has no rule for a negative case to break there.
PLAN = {
    "GET /api/v1/services": (POSITIVE, NEGATIVE),
    "GET /api/v1/services/{service_id}": (POSITIVE,),
}
# 3 runs x 400 = 1,200 requests; the test asserts at least 1,000 were really made.
EXAMPLES = 400


def checks_for(case: Any) -> list[Any]:
    """CHECKS, less "invalid data is refused" when the invalid value cannot reach the server.

    A query parameter turned into an object or array by the negative generator is sent as
    form-exploded pairs (`{}` as nothing, `[1, 2]` as `per_page=1&per_page=2`), so what the API
    receives may be a valid request; refusing it would be wrong.
    """
    if any(isinstance(value, (dict, list)) for value in (case.query or {}).values()):
        return [check for check in CHECKS if check is not checks.negative_data_rejection]
    return CHECKS


@pytest.mark.slow
def test_generated_requests_get_no_server_error_and_match_the_document(app: Flask) -> None:
    load_seed(read_seed())
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    made: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} == PLAN.keys()
    for operation in operations:
        for mode in PLAN[operation.label]:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def exercise(case: Any) -> None:
                response = case.call()
                made[case.operation.label] += 1
                statuses[response.status_code] += 1
                case.validate_response(response, checks=checks_for(case))

            exercise()
    assert sum(made.values()) >= 1000, made
    # Both valid answers and refusals were exercised, and nothing else.
    assert statuses[200] > 0 and statuses[400] > 0, statuses
    assert set(statuses) <= {200, 400, 404, 422}, statuses
