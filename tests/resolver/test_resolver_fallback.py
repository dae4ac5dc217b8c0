"""Cross-region search (parallel, never recursive) and the fallback decision per strategy."""

from __future__ import annotations

import threading
import time

import pytest
from resolver_world import COMMUNITY, family, image_id

from cws_jupyter.core.errors import ResolutionFailed

LAB = f"""
    name: Lab
    packages: {{conda: [jupyterlab, nbgrader], pip: [otter-grader]}}
    instance_defaults: {{type: t3.large, root_volume_gb: 30}}
    ami_config:
      ami_search: {{owner: "{COMMUNITY}", required_tags: {{Template: lab}}}}
"""


def _lab_world(aws_world, regions):
    aws_world(
        [
            family(
                "lab",
                regions,
                owner=COMMUNITY,
                name="lab-{arch}",
                tags={"Template": "lab"},
                root_volume_gb=30,
            )
        ]
    )


def test_cross_region_fallback(aws_world, make_service):
    """TestAMIResolver_CrossRegionFallback: a neighbour's AMI is returned with the copy's cost and time."""
    _lab_world(aws_world, ["eu-central-1"])
    svc = make_service({"lab": LAB})
    res = svc.resolve("lab", region="eu-west-1")
    assert res.resolution_method.value == "cross_region"
    assert res.ami_id == image_id("lab", "eu-central-1")
    assert res.source_region == "eu-central-1" and res.copy_required
    costs = res.cost_comparison
    assert costs.copy_seconds > 0 and costs.cross_region_transfer > 0
    assert res.estimated_launch_time == costs.ami_launch_seconds + costs.copy_seconds
    hits = [
        a for a in res.fallback_chain if a.tier.value == "cross_region" and a.outcome.value == "hit"
    ]
    assert [h.region for h in hits] == ["eu-central-1"]


def test_cross_region_nearest_neighbour_wins(aws_world, make_service):
    """When several neighbours have the AMI, the first in fallback order is chosen."""
    _lab_world(aws_world, ["eu-north-1", "eu-west-2"])
    res = make_service({"lab": LAB}).resolve("lab", region="eu-west-1")
    assert res.source_region == "eu-west-2"  # eu-west-1's first neighbour
    also = [a for a in res.fallback_chain if a.region == "eu-north-1"]
    assert also and "nearer region won" in also[0].reason


def test_cross_region_searches_neighbours_in_parallel_and_never_recurses(aws_world, make_service):
    """Neighbours are searched at once (wall time ~ one call), and only the region's own neighbours."""
    _lab_world(aws_world, ["us-west-1"])
    svc = make_service({"lab": LAB})
    neighbours = svc.regions.fallbacks("us-east-1")
    regions_called: list[str] = []
    in_flight, peak = [0], [0]
    lock = threading.Lock()

    def slow(request, **_):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
            regions_called.append(request.url.split(".")[1])  # https://ec2.REGION.amazonaws.com/
        time.sleep(0.3)
        with lock:
            in_flight[0] -= 1

    svc.access.session.events.register("before-send.ec2", slow)
    for region in [
        "us-east-1",
        *neighbours,
    ]:  # client creation is serialised: keep it out of the race
        svc.access.client("ec2", region)
    res = svc.resolve("lab", region="us-east-1")
    assert res.source_region == "us-west-1"
    assert set(regions_called) == {"us-east-1", *neighbours}  # the neighbours', never theirs
    # every neighbour's first tier (its two own-build lookups) was in flight at once
    assert peak[0] == 2 * len(neighbours)


def test_graceful_fallback_to_script(aws_world, make_service):
    """TestAMIResolver_GracefulFallback: ami_preferred with no AMI anywhere -> script provisioning."""
    aws_world([])
    res = make_service({"lab": LAB}).resolve("lab", region="ap-southeast-2")
    assert res.resolution_method.value == "script_fallback"
    assert res.ami_id is None and res.ami is None
    assert "conda install" in res.user_data and "nbgrader" in res.user_data
    assert res.estimated_launch_time == res.cost_comparison.script_launch_seconds
    tiers = [a.tier.value for a in res.fallback_chain]
    assert tiers[0] == "direct_mapping" and tiers[-1] == "script_fallback"
    assert "cross_region" in tiers


def test_ami_required_lists_every_tier(aws_world, make_service):
    """ami_required and nothing found -> an error naming each tier tried and why it failed."""
    aws_world([])
    svc = make_service({"lab": LAB})
    with pytest.raises(ResolutionFailed) as err:
        svc.resolve("lab", region="us-east-1", strategy="ami_required")
    message = err.value.message
    assert "ami_required" in message
    for tier in (
        "direct_mapping",
        "ssm_parameter",
        "dynamic_search",
        "marketplace",
        "cross_region",
    ):
        assert tier in message
    for neighbour in svc.regions.fallbacks("us-east-1"):
        assert neighbour in message
    assert err.value.details["fallback_chain"]


def test_ami_only_template_never_falls_back_to_script(aws_world, make_service):
    """package_manager: ami cannot be provisioned by script, whatever the strategy."""
    aws_world([])
    svc = make_service(
        {
            "dl": f"""
        name: DL
        package_manager: ami
        ami_config:
          strategy: ami_preferred
          ami_search: {{owner: "{COMMUNITY}", name_pattern: "dl-*"}}
    """
        }
    )
    with pytest.raises(ResolutionFailed, match="AMI-only"):
        svc.resolve("dl", region="us-east-1")


def test_fallback_strategy_error(aws_world, make_service):
    """fallback_strategy: error turns the script fallback into an error."""
    aws_world([])
    svc = make_service(
        {
            "t": f"""
        name: T
        ami_config:
          fallback_strategy: error
          ami_search: {{owner: "{COMMUNITY}", name_pattern: "x-*"}}
    """
        }
    )
    with pytest.raises(ResolutionFailed, match="fallback_strategy is 'error'"):
        svc.resolve("t", region="us-east-1")


def test_ami_fallback_provisions_by_script_first(aws_world, make_service):
    """ami_fallback: script first, with the AMI found kept as the fallback."""
    _lab_world(aws_world, ["us-east-1"])
    res = make_service({"lab": LAB}).resolve("lab", region="us-east-1", strategy="ami_fallback")
    assert res.resolution_method.value == "script_fallback" and res.ami_id is None
    assert res.fallback_ami and res.fallback_ami.ami_id == image_id("lab", "us-east-1")
    assert res.user_data


def test_template_without_ami_config_is_script_provisioned(aws_world, make_service):
    """A plain script template only looks for its own builds (in its region), then is scripted."""
    aws_world([])
    res = make_service({"s": "name: S\npackages: {system: [git]}"}).resolve("s", region="us-east-1")
    assert res.resolution_method.value == "script_fallback"
    assert res.aws_calls == 2  # own images and images shared with us; no other tier, no neighbour
    assert [(a.tier.value, a.region) for a in res.fallback_chain] == [
        ("own_build", "us-east-1"),
        ("script_fallback", "us-east-1"),
    ]
    assert "apt-get install" in res.user_data
