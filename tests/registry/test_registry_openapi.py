"""/openapi.json is a valid OpenAPI 3.1 document whose limits are the enforced ones, and
/metrics is Prometheus text that parses."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate
from prometheus_client.parser import text_string_to_metric_families
from registry_support import Api, submission

from cws_jupyter.core.registry import limits
from cws_jupyter.registry_server.routes import ROUTES

AMIS = "/api/v1/community/amis"


@pytest.fixture
def document(api: Api) -> dict[str, Any]:
    answer = api.get("/openapi.json")
    assert answer.status_code == 200
    return answer.json()


def _param(doc: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    for param in doc["paths"][path][method]["parameters"]:
        if param["name"] == name:
            return param["schema"]
    raise KeyError(name)


def _schema(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return doc["components"]["schemas"][name]


def test_the_document_validates(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {route.path for route in ROUTES}


def test_the_documented_limits_are_the_enforced_ones(document: dict[str, Any]) -> None:
    per_page = _param(document, AMIS, "get", "per_page")
    assert (per_page["minimum"], per_page["maximum"]) == (1, limits.MAX_PER_PAGE)
    page = _param(document, AMIS, "get", "page")
    assert page["maximum"] == limits.MAX_PAGE
    assert _param(document, AMIS, "get", "sort")["enum"] == list(limits.SORTS)
    assert _param(document, AMIS, "get", "q")["maxLength"] == limits.MAX_QUERY_CHARS
    rate = _schema(document, "RateRequest")["properties"]
    assert (rate["rating"]["minimum"], rate["rating"]["maximum"]) == (1, 5)
    review = rate["review"]["anyOf"][0]
    assert review["maxLength"] == limits.MAX_REVIEW_CHARS
    sub = _schema(document, "Submission")["properties"]
    assert sub["name"]["maxLength"] == limits.MAX_NAME_CHARS
    assert sub["description"]["maxLength"] == limits.MAX_DESCRIPTION_CHARS
    assert sub["regions"]["maxProperties"] == limits.MAX_REGIONS
    assert document["info"]["x-limits"]["max_body_bytes"] == limits.MAX_BODY_BYTES
    assert document["info"]["x-limits"]["writes_per_minute"] == limits.WRITES_PER_MINUTE
    writes = [
        document["paths"][f"{AMIS}{tail}"]["post"]
        for tail in ("", "/{ami_id}/rate", "/{ami_id}/use")
    ]
    assert all(op["security"] == [{"bearerAuth": []}] for op in writes)
    assert all({"401", "429"} <= set(op["responses"]) for op in writes)


def test_the_server_enforces_exactly_the_documented_limits(
    document: dict[str, Any], api: Api, users
) -> None:
    """At each documented maximum: accepted; one past it: a 400 naming the field."""
    per_page = _param(document, AMIS, "get", "per_page")["maximum"]
    assert api.get(AMIS, per_page=per_page).status_code == 200
    assert api.get(AMIS, per_page=per_page + 1).json()["field"] == "per_page"
    record = api.post(AMIS, submission(1), users["alice"]).json()
    rate = f"{AMIS}/{record['ami_id']}/rate"
    longest = _schema(document, "RateRequest")["properties"]["review"]["anyOf"][0]["maxLength"]
    assert api.post(rate, {"rating": 5, "review": "r" * longest}, users["bob"]).status_code == 200
    over = api.post(rate, {"rating": 5, "review": "r" * (longest + 1)}, users["bob"])
    assert over.status_code == 400 and over.json()["field"] == "review"


def test_metrics_parse_and_count_requests_and_records(api: Api, users) -> None:
    api.post(AMIS, submission(1), users["alice"])
    api.get(AMIS)
    api.get(AMIS, per_page=0)
    answer = api.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(answer.text)}
    requests_total = {
        (s.labels["route"], s.labels["method"], s.labels["status"]): s.value
        for s in families["cws_registry_requests"].samples
        if s.name == "cws_registry_requests_total"
    }
    assert requests_total[("amis", "GET", "200")] >= 1
    assert requests_total[("amis", "GET", "400")] == 1
    assert requests_total[("amis", "POST", "201")] == 1
    latency = families["cws_registry_request_duration_seconds"]
    assert any(s.name.endswith("_bucket") for s in latency.samples)
    assert families["cws_registry_records"].samples[0].value == 1
    assert families["cws_registry_ratings"].samples[0].value == 0
