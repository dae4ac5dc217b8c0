"""Recommendations: candidates from the resolver, the template's builds and the community; the
resolver's order without history (and it says so); history that reorders; reasons in words."""

from __future__ import annotations

import pytest
from analytics_support import (
    Boom,
    FakeSources,
    build,
    insert_events,
    launches,
    record,
    resolution,
)

from cws_jupyter.core.analytics import Analytics
from cws_jupyter.core.errors import BadInput, NotFound, ResolutionFailed

PICK, BUILD, COMMUNITY = "ami-0aaaaaaaaaaaaaaa1", "ami-0bbbbbbbbbbbbbbb2", "ami-0ccccccccccccccc3"


@pytest.fixture
def three(sources: FakeSources) -> FakeSources:
    """The resolver's pick, one build of the template, one community image, all in eu-west-1."""
    sources.answer = resolution(PICK, days_old=10)
    sources.builds = [build(BUILD, days_old=10)]
    sources.records = [record(COMMUNITY, rating=None, days_old=10)]
    return sources


def test_without_history_the_order_is_the_resolvers_and_it_says_so(
    analytics: Analytics, three: FakeSources
) -> None:
    recs = analytics.recommend("python-ml", "eu-west-1")
    assert recs.basis == "resolver_order"
    assert [c.ami_id for c in recs.candidates] == [PICK, BUILD, COMMUNITY]
    assert [c.rank for c in recs.candidates] == [1, 2, 3]
    assert "resolver's order" in recs.notes[0]
    pick = recs.candidates[0]
    assert pick.sources == ["resolver"] and pick.method == "ssm_parameter"
    assert "the resolver's pick (ssm_parameter)" in pick.reasons
    assert "never launched on this machine" in pick.reasons
    assert any(r.startswith("t3.large at $0.0944/hour") for r in pick.reasons)


def test_twenty_failed_launches_move_the_resolvers_pick_down(
    analytics: Analytics, three: FakeSources
) -> None:
    insert_events(analytics, launches(PICK, 20, "failed"))
    insert_events(analytics, launches(BUILD, 3, "ok", ready=45.0))
    recs = analytics.recommend("python-ml", "eu-west-1")
    assert recs.basis == "history" and recs.launches_seen == 23
    order = [c.ami_id for c in recs.candidates]
    assert order.index(PICK) == 2 and order[0] == BUILD
    pick = next(c for c in recs.candidates if c.ami_id == PICK)
    assert pick.launches == 20 and pick.launch_success_rate == 0.0
    assert "0 of 20 recorded launches succeeded (0%)" in pick.reasons
    assert "most of its launches failed: ranked down" in pick.reasons
    best = recs.candidates[0]
    assert "3 of 3 recorded launches succeeded (100%)" in best.reasons
    assert "ready in 45 s (median)" in best.reasons


def test_a_good_rating_and_freshness_count_once_there_is_history(
    analytics: Analytics, sources: FakeSources
) -> None:
    sources.answer = resolution(PICK, days_old=400)
    sources.records = [record(COMMUNITY, rating=4.8, count=40, days_old=5)]
    insert_events(analytics, launches(PICK, 2, "ok") + launches(COMMUNITY, 2, "ok"))
    recs = analytics.recommend("python-ml", "eu-west-1")
    assert [c.ami_id for c in recs.candidates] == [COMMUNITY, PICK]
    assert "rated 4.8/5 by 40 in the community (verified)" in recs.candidates[0].reasons
    assert "updated 5 day(s) ago" in recs.candidates[0].reasons


def test_one_image_from_several_sources_is_one_candidate(
    analytics: Analytics, sources: FakeSources
) -> None:
    sources.answer = resolution(BUILD, method="own_build")
    sources.builds = [build(BUILD)]
    sources.records = [record(BUILD, rating=4.0, count=5)]
    (candidate,) = analytics.recommend("python-ml").candidates
    assert candidate.sources == ["resolver", "own_build", "community"]
    assert candidate.rating == 4.0 and candidate.community_id is not None
    assert "your own build of the template as it is now" in candidate.reasons


def test_a_cross_region_pick_needs_a_copy_and_says_what_it_costs(
    analytics: Analytics, sources: FakeSources
) -> None:
    sources.answer = resolution(PICK, method="cross_region", source_region="eu-central-1")
    (candidate,) = analytics.recommend("python-ml").candidates
    assert candidate.region == "eu-central-1" and candidate.copy_from == "eu-central-1"
    assert candidate.transfer_usd and candidate.transfer_usd > 0
    assert any(r.startswith("needs a copy from eu-central-1 ($") for r in candidate.reasons)


def test_the_fallback_image_of_ami_fallback_is_a_candidate(
    analytics: Analytics, sources: FakeSources
) -> None:
    sources.answer = resolution(None, method="script_fallback", fallback=PICK)
    (candidate,) = analytics.recommend("python-ml").candidates
    assert candidate.ami_id == PICK and candidate.sources == ["fallback"]
    assert candidate.reasons[0].startswith("the resolver's fallback image")


def test_stale_builds_are_left_out_with_a_note(analytics: Analytics, sources: FakeSources) -> None:
    sources.builds = [build(BUILD, current=False)]
    recs = analytics.recommend("python-ml")
    assert [c.ami_id for c in recs.candidates] == ["ami-0aaaaaaaaaaaaaaa1"]
    assert any("earlier version of the template" in n for n in recs.notes)


def test_sources_that_cannot_answer_become_notes(
    analytics: Analytics, sources: FakeSources
) -> None:
    sources.answer = ResolutionFailed("no AMI for template 'python-ml' in eu-west-1 and so on\n- x")
    sources.builds = Boom("AWS is unreachable")
    sources.records = BadInput("no registry", field="registry_url")
    recs = analytics.recommend("python-ml")
    assert recs.candidates == []
    assert recs.notes[0] == "no image to recommend for python-ml in eu-west-1"
    assert (
        "the resolver found no AMI: no AMI for template 'python-ml' in eu-west-1 and so on"
        in recs.notes
    )
    assert "your own builds were not checked: AWS is unreachable" in recs.notes
    assert "no community registry is configured (CWS_REGISTRY_URL)" in recs.notes


def test_without_aws_there_is_nothing_to_recommend(
    analytics: Analytics, sources: FakeSources
) -> None:
    sources.answer = Boom("No AWS credentials found")
    with pytest.raises(Boom):
        analytics.recommend("python-ml")


def test_limit_and_bad_input(analytics: Analytics, three: FakeSources) -> None:
    assert len(analytics.recommend("python-ml", limit=2).candidates) == 2
    with pytest.raises(BadInput) as limit:
        analytics.recommend("python-ml", limit=0)
    assert limit.value.field == "limit"
    with pytest.raises(BadInput) as region:
        analytics.recommend("python-ml", "eu-wset-1")
    assert region.value.field == "region"
    with pytest.raises(NotFound):
        analytics.recommend("no-such-template")
    assert [name for name, _ in three.asked] == ["resolve", "builds", "community"]  # once each
