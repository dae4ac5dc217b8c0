"""The spec's community-registry tests: finding the best image, the rating system, ranking."""

from __future__ import annotations

from datetime import datetime

import pytest
from registry_support import GOOD_ACCOUNT, Api, submission

from cws_jupyter.core.registry import CommunityRegistry, ranking
from cws_jupyter.core.registry.errors import SelfRating

AMIS = "/api/v1/community/amis"


class TestCommunityRegistry_FindBestAMI:  # noqa: N801 - named after the spec's Go test
    """``TestCommunityRegistry_FindBestAMI``."""

    def test_find_best_ami(self, registry: CommunityRegistry) -> None:
        """The best-ranked record holding an image in the region wins; it says which regions
        hold it; none in the region is None."""
        registry.create_token("alice", GOOD_ACCOUNT)
        plain = registry.submit("alice", submission(1))
        loved = registry.submit("alice", submission(2))
        elsewhere_body = submission(3)
        elsewhere_body["regions"] = {"ap-northeast-1": "ami-00000003000000aa"}
        elsewhere = registry.submit("alice", elsewhere_body)
        other_template = registry.submit("alice", submission(4, template="r-research"))
        for n in range(12):
            registry.rate(f"fan{n}", loved.ami_id, 5)
            registry.rate(f"fan{n}", elsewhere.ami_id, 5)
            registry.rate(f"fan{n}", other_template.ami_id, 5)
        registry.rate("critic", plain.ami_id, 2)

        best = registry.find_best_ami("python-ml", "eu-west-1")
        assert best is not None
        assert best.ami_id == loved.ami_id
        assert best.region == "eu-west-1"
        assert best.image_id == loved.images["eu-west-1"]
        assert best.regions == ["eu-west-1", "us-east-1"]

        only = registry.find_best_ami("python-ml", "ap-northeast-1")
        assert only is not None and only.ami_id == elsewhere.ami_id

        assert registry.find_best_ami("python-ml", "sa-east-1") is None
        assert registry.find_best_ami("no-such-template", "eu-west-1") is None

    def test_find_best_ami_prefers_verified_on_equal_ratings(
        self, registry: CommunityRegistry
    ) -> None:
        registry.create_token("alice", GOOD_ACCOUNT)
        registry.create_token("mallory")  # no account: unverified
        unverified = registry.submit("mallory", submission(10))
        verified = registry.submit("alice", submission(11))
        assert verified.verified and not unverified.verified
        best = registry.find_best_ami("python-ml", "us-east-1")
        assert best is not None and best.ami_id == verified.ami_id

    def test_find_best_ami_checks_its_arguments(self, registry: CommunityRegistry) -> None:
        from cws_jupyter.core.errors import BadInput

        with pytest.raises(BadInput) as bad_region:
            registry.find_best_ami("python-ml", "us-esat-1")
        assert bad_region.value.field == "region" and "us-east-1" in bad_region.value.message
        with pytest.raises(BadInput) as bad_template:
            registry.find_best_ami("Python ML!", "us-east-1")
        assert bad_template.value.field == "template"


class TestCommunityRegistry_RatingSystem:  # noqa: N801 - named after the spec's Go test
    """``TestCommunityRegistry_RatingSystem``."""

    def test_rating_system(self, api: Api, users) -> None:
        """One rating per user per image, replaced when they rate again; exact averages."""
        record = api.post(AMIS, submission(1), users["alice"]).json()
        rate = f"{AMIS}/{record['ami_id']}/rate"
        first = api.post(rate, {"rating": 2, "review": "slow boot"}, users["bob"]).json()
        assert first["replaced"] is False and first["rating_count"] == 1
        again = api.post(rate, {"rating": 4, "review": "fixed now"}, users["bob"]).json()
        assert again["replaced"] is True and again["rating_count"] == 1 and again["average"] == 4
        third = api.post(rate, {"rating": 5}, users["carol"]).json()
        assert third["rating_count"] == 2 and third["average"] == 4.5

        details = api.get(f"{AMIS}/{record['ami_id']}").json()
        assert details["rating"] == 4.5 and details["rating_count"] == 2
        reviews = {r["user"]: r for r in details["reviews"]}
        assert reviews["bob"]["rating"] == 4 and reviews["bob"]["review"] == "fixed now"
        assert reviews["carol"]["review"] is None
        assert details["rating_histogram"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}
        listed = api.get(AMIS).json()["items"][0]
        assert listed["rating"] == 4.5 and listed["rating_count"] == 2

    def test_rating_by_ec2_image_id(self, api: Api, users) -> None:
        record = api.post(AMIS, submission(2), users["alice"]).json()
        image = record["images"]["us-east-1"]
        answer = api.post(f"{AMIS}/{image}/rate", {"rating": 3}, users["bob"])
        assert answer.status_code == 200 and answer.json()["ami_id"] == record["ami_id"]

    def test_nobody_rates_their_own_image(self, api: Api, users) -> None:
        record = api.post(AMIS, submission(3), users["alice"]).json()
        answer = api.post(f"{AMIS}/{record['ami_id']}/rate", {"rating": 5}, users["alice"])
        assert answer.status_code == 403
        body = answer.json()
        assert body["error"] == "self_rating" and "cannot rate" in body["message"]
        assert api.get(f"{AMIS}/{record['ami_id']}").json()["rating_count"] == 0

    def test_self_rating_refused_by_the_facade(self, registry: CommunityRegistry) -> None:
        registry.create_token("alice", GOOD_ACCOUNT)
        record = registry.submit("alice", submission(4))
        with pytest.raises(SelfRating):
            registry.rate("alice", record.ami_id, 5)

    def test_rating_an_unknown_image_is_404(self, api: Api, users) -> None:
        answer = api.post(f"{AMIS}/cami-00000000000000ff/rate", {"rating": 3}, users["bob"])
        assert answer.status_code == 404 and answer.json()["field"] == "ami_id"


def test_one_five_star_vote_does_not_beat_forty_votes_of_4_6(registry: CommunityRegistry) -> None:
    """The Bayesian average: forty ratings averaging 4.6 outrank a single 5."""
    registry.create_token("alice", GOOD_ACCOUNT)
    lucky = registry.submit("alice", submission(1))
    tried = registry.submit("alice", submission(2))
    registry.rate("someone", lucky.ami_id, 5)
    for n in range(40):  # 24 fives and 16 fours: 4.6 on average
        registry.rate(f"user{n}", tried.ami_id, 5 if n < 24 else 4)
    details = registry.details(tried.ami_id)
    assert details.rating == 4.6 and details.rating_count == 40
    for sort in ("best", "rating"):
        order = [item.ami_id for item in registry.browse(sort=sort).items]
        assert order[:2] == [tried.ami_id, lucky.ami_id], sort
    best = registry.find_best_ami("python-ml", "us-east-1")
    assert best is not None and best.ami_id == tried.ami_id


def test_stored_scores_match_the_documented_formula(registry: CommunityRegistry) -> None:
    """The score SQL computes (and stores) is ranking.rank_score of the record."""
    registry.create_token("alice", GOOD_ACCOUNT)
    record = registry.submit("alice", submission(1))
    for n, stars in enumerate((5, 3, 4)):
        registry.rate(f"u{n}", record.ami_id, stars)
    registry.use(record.ami_id)
    registry.use(record.ami_id)
    with registry.db.read() as sql:
        stored, bayes, updated = sql.one(
            "SELECT rank_score, rating_bayes, last_updated FROM ami_registry WHERE ami_id = ?",
            (record.ami_id,),
        )
    assert isinstance(updated, datetime)
    assert bayes == pytest.approx(ranking.bayesian_rating(12, 3))
    assert stored == pytest.approx(ranking.rank_score(12, 3, True, 2, updated), abs=1e-9)


def test_ranking_terms_are_small_tie_breakers() -> None:
    """Unit checks of the formula's documented numbers."""
    assert ranking.bayesian_rating(5, 1) == pytest.approx(40 / 11)
    assert ranking.bayesian_rating(184, 40) == pytest.approx(219 / 50)
    now = datetime(2026, 1, 1)
    base = ranking.rank_score(0, 0, False, 0, now)
    assert ranking.rank_score(0, 0, True, 0, now) - base == pytest.approx(ranking.VERIFIED_BONUS)
    assert ranking.rank_score(0, 0, False, 9, now) - base == pytest.approx(0.1)
    year_later = datetime(2027, 1, 1)
    gap = ranking.rank_score(0, 0, False, 0, year_later) - base
    assert gap == pytest.approx(ranking.RECENCY_PER_YEAR, rel=0.01)
