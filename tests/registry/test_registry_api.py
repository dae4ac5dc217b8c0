"""The HTTP contract: submit, browse, details, use, best, health — on every backend."""

from __future__ import annotations

from registry_support import Api, submission

AMIS = "/api/v1/community/amis"
ITEM_FIELDS = {
    "ami_id",
    "name",
    "template",
    "category",
    "creator",
    "description",
    "version",
    "rating",
    "rating_count",
    "download_count",
    "regions",
    "images",
    "verified",
    "created_at",
    "last_updated",
}


def test_submit_answers_201_with_a_registry_id_and_the_record(api: Api, users) -> None:
    answer = api.post(AMIS, submission(1), users["alice"])
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["ami_id"].startswith("cami-") and len(body["ami_id"]) == 21
    assert answer.headers["Location"].endswith(body["ami_id"])
    assert body["creator"] == "alice"
    assert body["images"] == submission(1)["regions"]
    assert body["regions"] == ["eu-west-1", "us-east-1"]
    assert body["verified"] is True  # alice's token is bound to the account the verifier accepts
    assert body["verification"].startswith("verified")
    assert body["rating"] is None and body["rating_count"] == 0


def test_browse_lists_items_with_every_field_of_the_contract(api: Api, users) -> None:
    for n in range(3):
        assert api.post(AMIS, submission(n), users["alice"]).status_code == 201
    page = api.get(AMIS).json()
    assert set(page) == {"items", "page", "per_page", "total", "total_is_estimate"}
    assert page["total"] == 3 and page["page"] == 1 and page["per_page"] == 20
    assert page["total_is_estimate"] is False
    assert len(page["items"]) == 3
    for item in page["items"]:
        assert set(item) >= ITEM_FIELDS


def test_browse_filters_by_template_category_region_and_text(api: Api, users) -> None:
    token = users["alice"]
    api.post(AMIS, submission(1, template="python-ml", category="machine-learning"), token)
    api.post(AMIS, submission(2, template="r-research", category="data-science"), token)
    bio = submission(3, template="bioinformatics", category="bioinformatics")
    bio["regions"] = {"ap-southeast-2": "ami-0000000300000001"}
    bio["description"] = "GATK and samtools, 100% tested"
    api.post(AMIS, bio, token)

    def names(**params: str) -> list[str]:
        answer = api.get(AMIS, **params)
        assert answer.status_code == 200, answer.text
        return sorted(item["template"] for item in answer.json()["items"])

    assert names(template="r-research") == ["r-research"]
    assert names(category="machine-learning") == ["python-ml"]
    assert names(region="ap-southeast-2") == ["bioinformatics"]
    assert names(region="us-east-1") == ["python-ml", "r-research"]
    assert names(q="SAMTOOLS") == ["bioinformatics"]
    assert names(q="100%") == ["bioinformatics"]  # % is text, not a wildcard
    assert names(q="1_0") == []  # _ is text too
    assert names(q="x%t") == []
    assert names(q="image 2") == ["r-research"]
    assert names(template="python-ml", region="ap-southeast-2") == []


def test_paging_never_repeats_or_skips_a_record(api: Api, users) -> None:
    for n in range(7):
        api.post(AMIS, submission(n), users["alice"])
    for sort in ("best", "rating", "downloads", "recent", "name"):
        seen = []
        for page in (1, 2, 3):
            body = api.get(AMIS, sort=sort, page=page, per_page=3).json()
            assert body["total"] == 7
            seen += [item["ami_id"] for item in body["items"]]
        assert len(seen) == 7 and len(set(seen)) == 7, sort
    assert api.get(AMIS, page=4, per_page=3).json()["items"] == []


def test_sort_orders(api: Api, users) -> None:
    ids = [api.post(AMIS, submission(n), users["alice"]).json()["ami_id"] for n in range(3)]
    # ids[1] gets downloads; ids[2] gets good ratings
    for _ in range(3):
        assert api.post(f"{AMIS}/{ids[1]}/use", {}, users["bob"]).status_code == 200
    for voter in ("bob", "carol", "dave"):
        api.post(f"{AMIS}/{ids[2]}/rate", {"rating": 5}, users[voter])

    def order(sort: str) -> list[str]:
        return [item["ami_id"] for item in api.get(AMIS, sort=sort).json()["items"]]

    assert order("downloads")[0] == ids[1]
    assert order("rating")[0] == ids[2]
    assert order("best")[0] == ids[2]
    assert order("recent") == list(reversed(ids))
    assert order("name") == ids  # "Image 0", "Image 1", "Image 2"


def test_details_by_registry_id_and_by_any_ec2_image_id(api: Api, users) -> None:
    record = api.post(AMIS, submission(5), users["alice"]).json()
    api.post(f"{AMIS}/{record['ami_id']}/rate", {"rating": 4, "review": "works"}, users["bob"])
    for ref in (record["ami_id"], *record["images"].values()):
        answer = api.get(f"{AMIS}/{ref}")
        assert answer.status_code == 200, answer.text
        details = answer.json()
        assert details["ami_id"] == record["ami_id"]
        assert details["reviews"][0]["user"] == "bob"
        assert details["reviews"][0]["review"] == "works"
        assert details["rating_histogram"]["4"] == 1
        assert details["review_total"] == 1


def test_details_reviews_are_paged(api: Api, users) -> None:
    record = api.post(AMIS, submission(6), users["alice"]).json()
    for n in range(5):
        api.post(f"{AMIS}/{record['ami_id']}/rate", {"rating": 3}, users[f"user{n}"])
    first = api.get(f"{AMIS}/{record['ami_id']}", reviews_per_page=2).json()
    third = api.get(f"{AMIS}/{record['ami_id']}", reviews_per_page=2, review_page=3).json()
    assert len(first["reviews"]) == 2 and len(third["reviews"]) == 1
    assert first["review_total"] == 5
    bad = api.get(f"{AMIS}/{record['ami_id']}", reviews_per_page=101)
    assert bad.status_code == 400 and bad.json()["field"] == "reviews_per_page"


def test_unknown_ids_are_404(api: Api) -> None:
    for ref in ("cami-0123456789abcdef", "ami-0123456789abcdef0"):
        answer = api.get(f"{AMIS}/{ref}")
        assert answer.status_code == 404
        assert answer.json()["error"] == "not_found"
        assert answer.json()["field"] == "ami_id"


def test_malformed_ids_are_400(api: Api) -> None:
    answer = api.get(f"{AMIS}/i-0123456789abcdef0")
    assert answer.status_code == 400 and answer.json()["field"] == "ami_id"


def test_use_counts_downloads_and_gives_the_regions_image(api: Api, users) -> None:
    record = api.post(AMIS, submission(7), users["alice"]).json()
    image = record["images"]["eu-west-1"]
    first = api.post(f"{AMIS}/{image}/use", {"region": "eu-west-1"}, users["bob"]).json()
    assert first["image_id"] == image and first["download_count"] == 1
    second = api.post(f"{AMIS}/{record['ami_id']}/use", None, users["bob"])
    assert second.status_code == 200 and second.json()["download_count"] == 2
    assert api.get(f"{AMIS}/{record['ami_id']}").json()["download_count"] == 2
    missing = api.post(f"{AMIS}/{record['ami_id']}/use", {"region": "sa-east-1"}, users["bob"])
    assert missing.status_code == 404 and missing.json()["field"] == "region"


def test_best_endpoint(api: Api, users) -> None:
    record = api.post(AMIS, submission(8), users["alice"]).json()
    found = api.get("/api/v1/community/best", template="python-ml", region="eu-west-1")
    assert found.status_code == 200
    assert found.json()["ami_id"] == record["ami_id"]
    assert found.json()["image_id"] == record["images"]["eu-west-1"]
    assert found.json()["regions"] == ["eu-west-1", "us-east-1"]
    none = api.get("/api/v1/community/best", template="python-ml", region="us-west-2")
    assert none.status_code == 404 and none.json()["error"] == "not_found"
    missing = api.get("/api/v1/community/best", template="python-ml")
    assert missing.status_code == 400 and missing.json()["field"] == "region"


def test_health_reports_the_database_and_cache(api: Api, backend: str) -> None:
    answer = api.get("/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is True and body["database"]["ok"] is True
    assert body["database"]["kind"] == ("duckdb" if backend.startswith("duckdb") else "postgresql")
    assert body["cache"] == {"kind": "catalog"}  # answers kept with the in-memory catalog
    if backend.endswith("+redis"):
        assert body["redis"] == {"ok": True}  # the shared write limits
    else:
        assert "redis" not in body


def test_unknown_paths_and_methods_answer_json(api: Api) -> None:
    missing = api.get("/api/v1/community/nothing")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong = api.http.delete(api.base + AMIS, timeout=10)
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"
