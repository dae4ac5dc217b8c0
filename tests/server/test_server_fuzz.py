"""Schema-driven fuzzing: schemathesis against a live `jupyter server` over HTTP, every operation.

The schema is the one the server serves (GET openapi.json, with the token). Each operation gets a
bounded number of generated requests; none may answer 5xx, and every answer must match the
document (status codes, content type, response schema). Select with ``-m fuzz``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from cws_server_support import LiveServer
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.fuzz, pytest.mark.sandbox]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real server (own CWS_HOME, sandbox) for the module; stopped with its sandbox after."""
    server = LiveServer(Path(tmp_path_factory.mktemp("fuzz")) / "home").start()
    server.get("ami/resolve/python-ml?region=eu-west-1")  # start the sandbox before the clock runs
    yield server
    server.stop()


@pytest.fixture(scope="module")
def served_schema(live_server: LiveServer) -> Any:
    """The schema as the live server serves it, aimed at that server."""
    status, served = live_server.get("openapi.json")
    assert status == 200
    # from_dict, not from_url: schemathesis skips the operation serving the schema it loaded
    schema = schemathesis.openapi.from_dict(json.loads(served))
    auth = {"Authorization": f"token {live_server.token}"}
    schema.config.update(base_url=live_server.api.rstrip("/"), headers=auth)
    return schema


def test_no_operation_fails_or_breaks_its_contract(
    served_schema: Any, live_server: LiveServer
) -> None:
    """No 5xx, and every answer matches the document, whatever valid-looking input is sent.

    Operations are driven one by one with hypothesis (not through schemathesis's pytest plugin,
    which tracks pytest's internals too closely to survive pytest upgrades).
    """
    auth = {"Authorization": f"token {live_server.token}"}
    operations = [result.ok() for result in served_schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def exercise(case: Any) -> None:
            case.call_and_validate(headers=auth, checks=CHECKS, timeout=30)

        exercise()
