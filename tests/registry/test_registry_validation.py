"""Bad input is a 400 naming the field (413 for an oversize body); injection attempts are text."""

from __future__ import annotations

import json

import pytest
from registry_support import Api, submission

from cws_jupyter.core.registry import limits

AMIS = "/api/v1/community/amis"

INJECTIONS = (
    "'; DROP TABLE ami_registry; --",
    '" OR 1=1 --',
    "%' OR '1'='1",
    "1); DELETE FROM ami_ratings; --",
    "?",
    "%s %s %(x)s",
    "\\",
    "_%_",
)


def test_injection_attempts_in_queries_are_harmless(api: Api, users) -> None:
    api.post(AMIS, submission(1), users["alice"])
    for text in INJECTIONS:
        for param in ("q", "template", "category", "region", "sort"):
            answer = api.get(AMIS, **{param: text})
            assert answer.status_code in (200, 400), (param, text, answer.text)
            if answer.status_code == 200:
                assert answer.json()["items"] == [], (param, text)
            else:
                assert answer.json()["field"] == param
        assert api.get(f"{AMIS}/{text}").status_code in (400, 404)
    page = api.get(AMIS).json()
    assert page["total"] == 1  # the table is still there, with its row


def test_injection_attempts_in_bodies_are_stored_as_text(api: Api, users) -> None:
    body = submission(2)
    body["name"] = INJECTIONS[0]
    body["description"] = " ".join(INJECTIONS)
    record = api.post(AMIS, body, users["alice"])
    assert record.status_code == 201, record.text
    review = {"rating": 3, "review": INJECTIONS[3]}
    assert api.post(f"{AMIS}/{record.json()['ami_id']}/rate", review, users["bob"]).ok
    details = api.get(f"{AMIS}/{record.json()['ami_id']}").json()
    assert details["name"] == INJECTIONS[0]
    assert details["reviews"][0]["review"] == INJECTIONS[3]
    found = api.get(AMIS, q="DROP TABLE").json()
    assert [item["name"] for item in found["items"]] == [INJECTIONS[0]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"per_page": "0"}, "per_page"),
        ({"per_page": str(limits.MAX_PER_PAGE + 1)}, "per_page"),
        ({"per_page": "ten"}, "per_page"),
        ({"per_page": "1.5"}, "per_page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": str(limits.MAX_PAGE + 1)}, "page"),
        ({"page": "9" * 30}, "page"),
        ({"sort": "popularity"}, "sort"),
        ({"region": "us-esat-1"}, "region"),
        ({"template": "Python ML"}, "template"),
        ({"category": "x" * 51}, "category"),
        ({"q": "x" * (limits.MAX_QUERY_CHARS + 1)}, "q"),
    ],
)
def test_bad_browse_parameters_name_the_field(api: Api, params: dict, field: str) -> None:
    answer = api.get(AMIS, **params)
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["error"] == "bad_input" and body["field"] == field
    assert len(body["message"]) < 300


def test_control_characters_in_search_text_are_refused(registry) -> None:
    from cws_jupyter.core.errors import BadInput

    with pytest.raises(BadInput) as bad:
        registry.browse(q="a\x00b")
    assert bad.value.field == "q"


def test_limits_are_inclusive(api: Api) -> None:
    assert api.get(AMIS, per_page=limits.MAX_PER_PAGE).status_code == 200
    assert api.get(AMIS, page=limits.MAX_PAGE).status_code == 200
    assert api.get(AMIS, q="x" * limits.MAX_QUERY_CHARS).status_code == 200


def test_a_misspelt_region_gets_a_suggestion(api: Api) -> None:
    answer = api.get(AMIS, region="us-esat-1")
    assert "us-east-1" in answer.json()["message"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"template": None}, "template"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * (limits.MAX_NAME_CHARS + 1)}, "name"),
        ({"description": "x" * (limits.MAX_DESCRIPTION_CHARS + 1)}, "description"),
        ({"version": "v" * (limits.MAX_VERSION_CHARS + 1)}, "version"),
        ({"category": "Machine Learning"}, "category"),
        ({"regions": {}}, "regions"),
        ({"regions": []}, "regions"),
        ({"regions": {"us-east-1": "i-0123456789abcdef0"}}, "regions.us-east-1"),
        ({"regions": {"us-east-1": "ami-XYZ"}}, "regions.us-east-1"),
        ({"regions": {"moon-base-1": "ami-0123456789abcdef0"}}, "regions.moon-base-1"),
        ({"regions": {"us-esat-1": "ami-0123456789abcdef0"}}, "regions.us-esat-1"),
        ({"name": 42}, "name"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_submissions_name_the_field(api: Api, users, change: dict, field: str) -> None:
    body = submission(3)
    for key, value in change.items():
        if value is None:
            del body[key]
        else:
            body[key] = value
    answer = api.post(AMIS, body, users["alice"])
    assert answer.status_code == 400, answer.text
    assert answer.json()["field"] == field
    assert api.get(AMIS).json()["total"] == 0


def test_too_many_regions_is_refused(api: Api, users) -> None:
    body = submission(4)
    body["regions"] = {f"us-east-{n}": f"ami-{n:017x}" for n in range(limits.MAX_REGIONS + 1)}
    answer = api.post(AMIS, body, users["alice"])
    assert answer.status_code == 400 and answer.json()["field"] == "regions"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": "5"}, "rating"),
        ({"rating": 4.5}, "rating"),
        ({"rating": True}, "rating"),
        ({"rating": None}, "rating"),
        ({}, "rating"),
        ({"rating": 3, "review": 7}, "review"),
        ({"rating": 3, "review": "x" * (limits.MAX_REVIEW_CHARS + 1)}, "review"),
        ({"rating": 3, "stars": 3}, "stars"),
        ([3], "body"),
        ("3", "body"),
    ],
)
def test_bad_ratings_name_the_field(api: Api, users, body: object, field: str) -> None:
    record = api.post(AMIS, submission(5), users["alice"]).json()
    answer = api.post(f"{AMIS}/{record['ami_id']}/rate", body, users["bob"])
    assert answer.status_code == 400, answer.text
    assert answer.json()["field"] == field
    assert api.get(f"{AMIS}/{record['ami_id']}").json()["rating_count"] == 0


def test_a_review_at_the_limit_is_accepted(api: Api, users) -> None:
    record = api.post(AMIS, submission(6), users["alice"]).json()
    review = "é" * limits.MAX_REVIEW_CHARS
    answer = api.post(
        f"{AMIS}/{record['ami_id']}/rate", {"rating": 4, "review": review}, users["bob"]
    )
    assert answer.status_code == 200
    assert api.get(f"{AMIS}/{record['ami_id']}").json()["reviews"][0]["review"] == review


@pytest.mark.parametrize(
    "raw",
    [b"{", b"not json", b'{"rating": NaN}', b"\xff\xfe", b"", b"[" * 50 + b"]" * 50],
)
def test_malformed_bodies_are_400_naming_the_body(api: Api, users, raw: bytes) -> None:
    answer = api.post(AMIS, raw=raw, token=users["alice"])
    assert answer.status_code == 400, answer.text
    assert answer.json()["field"] == "body"


def test_an_oversize_body_is_413_naming_the_body(api: Api, users) -> None:
    body = submission(7)
    body["description"] = "x" * limits.MAX_BODY_BYTES
    answer = api.post(AMIS, raw=json.dumps(body).encode(), token=users["alice"])
    assert answer.status_code == 413
    assert answer.json()["field"] == "body"
    assert str(limits.MAX_BODY_BYTES) in answer.json()["message"]
