"""The API under a bounded soak on a real server, and checked against its own OpenAPI document."""

import json

import pytest
import schemathesis
from hypothesis import settings

from harness.live_server import hammer, live_server, worker_memory

SOAK_MEMORY_GROWTH_MIB = 50  # per worker, over the soak


@pytest.mark.services
def test_soak_has_no_errors_and_flat_memory():
    bodies = [json.dumps({"strokes": [[d, -d, 0], [3, 4, 0], [-5, d, 1]] * (d + 1)}) for d in range(1, 40)]
    with live_server(workers=2) as (url, process):
        # Every client asks as fast as a page can (a request per 20 ms, each within the per-address points
        # budget), the warm-up too: its addresses are the soak's first two, and a budget it spent would still
        # count in the soak's first second. A 429 here would be a limit refusing a person, not load.
        hammer(url, bodies, clients=2, seconds=2, interval=0.02)
        before = worker_memory(process)
        latencies, errors, _ = hammer(url, bodies, clients=8, seconds=12, interval=0.02)
        after = worker_memory(process)
    assert errors == 0
    assert latencies, "the soak made predictions"
    assert len(before) == len(after) == 2
    assert max(a - b for a, b in zip(after, before)) < SOAK_MEMORY_GROWTH_MIB, (before, after)


schemathesis.experimental.OPEN_API_3_1.enable()  # the document is OpenAPI 3.1 (pydantic's JSON Schema)


@pytest.fixture()
def api_schema(app):
    return schemathesis.from_wsgi("/api/openapi.json", app)


schema = schemathesis.from_pytest_fixture("api_schema")


@pytest.mark.slow  # over ten seconds
@schema.parametrize()
@settings(max_examples=60, deadline=None)
def test_api_matches_its_openapi_document(case):
    response = case.call_wsgi()
    case.validate_response(response)
    assert response.status_code < 500
