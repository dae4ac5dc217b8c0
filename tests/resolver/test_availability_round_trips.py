"""Availability checks (`cws ami test`): per region, the lookups of independent tiers are in
flight together, so a region costs two round trips (shown by a barrier, not by a clock)."""

from __future__ import annotations

import threading

import pytest
from resolver_world import family, image_id

PARAM = "/aws/service/canonical/ubuntu/server/24.04/stable/current/{arch_deb}/hvm/ebs-gp3/ami-id"
REGIONS = ["us-west-2", "eu-west-1", "ap-south-1"]
SSM_TEMPLATE = f"""
    name: T
    ami_config:
      ssm_parameter:
        x86_64: {PARAM.format(arch_deb="amd64")}
"""


class Rounds:
    """Records each region's calls; the first ``together`` calls of a region meet at a barrier
    before they are sent, which they pass only if all of them are in flight at once (one round
    trip). A barrier that breaks (its wait gives up) means they were asked one after another."""

    def __init__(self, together: int) -> None:
        self.together = together
        self.calls: dict[str, list[str]] = {}
        self.broken: set[str] = set()
        self._barriers: dict[str, threading.Barrier] = {}
        self._lock = threading.Lock()

    def __call__(self, operation: str, region: str) -> None:
        with self._lock:
            calls = self.calls.setdefault(region, [])
            calls.append(operation)
            first_round = len(calls) <= self.together
            barrier = self._barriers.setdefault(
                region, threading.Barrier(self.together, timeout=20)
            )
        if first_round:
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                with self._lock:
                    self.broken.add(region)


@pytest.mark.parametrize("workers", [8, 1], ids=["resolver-pool", "one-wave-pool"])
def test_each_region_costs_two_round_trips(aws_world, make_service, workers):
    """Own builds (two DescribeImages) and the SSM GetParameters are asked together, then the
    parameter's image: 4 calls in 2 round trips per region (3 before), in both region pools."""
    aws_world([family("noble", REGIONS, ssm_parameter=PARAM)])
    svc = make_service({"t": SSM_TEMPLATE}, cross_region_workers=workers)
    rounds = Rounds(together=3)
    svc.resolver.catalog.access.on_call(rounds)

    matrix = svc.test_availability("t", REGIONS, architecture="x86_64")

    assert [r.ami_id for r in matrix.regions] == [image_id("noble", r) for r in REGIONS]
    assert {r.resolution_method for r in matrix.regions} == {"ssm_parameter"}
    assert rounds.broken == set()  # round 1: the three lookups were in flight at once
    for region in REGIONS:
        first, then = rounds.calls[region][:3], rounds.calls[region][3:]
        assert sorted(first) == ["DescribeImages", "DescribeImages", "GetParameters"]
        assert then == ["DescribeImages"]  # round 2: the image the parameter names
    assert matrix.aws_calls == 4 * len(REGIONS)


def test_a_mapped_region_is_still_one_call(aws_world, make_service):
    """Nothing is asked ahead in a region with a direct mapping: its check is one DescribeImages."""
    aws_world([family("noble", ["us-west-2"], ssm_parameter=PARAM)])
    mapped = image_id("noble", "us-west-2")
    svc = make_service(
        {"t": SSM_TEMPLATE + f"      ami_mappings: {{us-west-2: {mapped}}}\n"},
    )
    seen: list[tuple[str, str]] = []
    svc.resolver.catalog.access.on_call(lambda op, region: seen.append((op, region)))

    matrix = svc.test_availability("t", ["us-west-2"], architecture="x86_64")

    assert matrix.regions[0].resolution_method == "direct_mapping"
    assert matrix.regions[0].ami_id == mapped
    assert seen == [("DescribeImages", "us-west-2")] and matrix.aws_calls == 1
