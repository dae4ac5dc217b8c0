"""The region optimizer: regions weighed from the user's, the image there or a copy away (from
where, how long, what transfer costs), prices, distance, your launches; ranked with reasons."""

from __future__ import annotations

import pytest
from analytics_support import FakeSources, insert_events, launches

from cws_jupyter.core.analytics import Analytics
from cws_jupyter.core.analytics.regions import regions_to_weigh
from cws_jupyter.core.errors import BadInput


def test_the_regions_weighed_are_yours_your_neighbours_then_your_geography(
    sources: FakeSources,
) -> None:
    weighed = regions_to_weigh(sources, "eu-west-1")
    neighbours = sources.regions.fallbacks("eu-west-1")
    assert weighed[0] == "eu-west-1" and weighed[1 : 1 + len(neighbours)] == neighbours
    assert all(sources.regions.continent(r) == "Europe" for r in weighed)
    assert len(weighed) == len(set(weighed)) <= 12


def test_an_image_at_home_wins_and_others_need_a_copy(
    analytics: Analytics, sources: FakeSources
) -> None:
    sources.available = {"eu-west-1": "ami-0aaaaaaaaaaaaaaa1"}
    advice = analytics.best_regions("python-ml", "eu-west-1", limit=50)
    first = advice.options[0]
    assert (first.region, first.distance, first.available) == ("eu-west-1", "here", True)
    assert first.reasons[:2] == ["your region", "image here: ami-0aaaaaaaaaaaaaaa1 (ssm_parameter)"]
    others = advice.options[1:]
    assert others and all(o.copy_from == "eu-west-1" and not o.available for o in others)
    size, prices = advice.image_gb, sources.prices
    for option in others:
        assert option.transfer_usd == round(
            size * prices.transfer_per_gb("eu-west-1", option.region), 4
        )
        assert option.copy_minutes == round(prices.copy_seconds(size) / 60, 1)
        assert any(r.startswith("needs a copy from eu-west-1: ~") for r in option.reasons)
    assert [o.rank for o in advice.options] == list(range(1, len(advice.options) + 1))
    assert advice.instance_type and advice.prices_as_of == prices.as_of
    assert "transfer: inter-region USD per GB" in advice.notes[0]


def test_the_copy_comes_from_where_sending_it_costs_least(
    analytics: Analytics, sources: FakeSources
) -> None:
    """us-east-1 and us-east-2 are a cheap pair: us-east-2 copies from us-east-1, not from
    us-west-2, though both hold the image."""
    sources.available = {"us-east-1": "ami-1", "us-west-2": "ami-2"}
    advice = analytics.best_regions("python-ml", "us-east-1", limit=50)
    ohio = next(o for o in advice.options if o.region == "us-east-2")
    assert ohio.copy_from == "us-east-1"
    assert sources.prices.transfer_per_gb(
        "us-east-1", "us-east-2"
    ) < sources.prices.transfer_per_gb("us-west-2", "us-east-2")


def test_nothing_anywhere_means_script_everywhere(
    analytics: Analytics, sources: FakeSources
) -> None:
    advice = analytics.best_regions("python-ml", "eu-west-1")
    assert all(not o.available and o.copy_from is None for o in advice.options)
    assert all("no image within reach: script provisioning" in o.reasons for o in advice.options)
    assert any("each would provision by script" in n for n in advice.notes)
    assert advice.options[0].region == "eu-west-1"  # nearest first when nothing else differs


def test_your_failed_launches_in_a_region_count_against_it(
    analytics: Analytics, sources: FakeSources
) -> None:
    sources.available = {"eu-west-1": "ami-1", "eu-central-1": "ami-2"}
    before = analytics.best_regions("python-ml", "eu-west-1").options[0].region
    assert before == "eu-west-1"
    insert_events(analytics, launches("ami-1", 30, "failed"))
    options = analytics.best_regions("python-ml", "eu-west-1", limit=50).options
    home = next(o for o in options if o.region == "eu-west-1")
    assert home.launches == 30 and home.launch_success_rate == 0.0
    assert "0 of 30 of your launches there succeeded" in home.reasons
    assert home.score < next(o for o in options if o.region == "eu-central-1").score


def test_a_bad_region_or_limit_is_refused(analytics: Analytics) -> None:
    with pytest.raises(BadInput) as region:
        analytics.best_regions("python-ml", "eu-west-9")
    assert region.value.field == "region"
    with pytest.raises(BadInput) as limit:
        analytics.best_regions("python-ml", "eu-west-1", limit=51)
    assert limit.value.field == "limit"
