"""The resolver's community tier: after dynamic search, before marketplace (or where the settings
put it); answers `resolution_method: community`; a registry that is down or slow never fails a
resolution; answers are cached like any lookup."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from community_helpers import fresh

from cws_jupyter.core.config import Settings
from cws_jupyter.core.errors import BadInput
from cws_jupyter.core.resolver.models import ResolutionMethod, TierOutcome
from cws_jupyter.core.service import CwsService

#: The sandbox's R lab publishes its r-research image in eu-south-2 through the registry only.
TEMPLATE, REGION = "r-research", "eu-south-2"


def tiers(resolution) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.tier.value for a in resolution.fallback_chain if a.region == REGION]


def test_community_image_answers_after_dynamic_search(service: CwsService) -> None:
    res = fresh(service).resolve(TEMPLATE, region=REGION)
    assert res.resolution_method is ResolutionMethod.COMMUNITY
    assert res.community_id and res.community_id.startswith("cami-")
    assert res.ami is not None and res.ami.owner_id == "345678901234"
    assert tiers(res) == [
        "direct_mapping", "own_build", "ssm_parameter", "dynamic_search", "community",
    ]  # fmt: skip
    hit = res.fallback_chain[-1]
    assert hit.outcome is TierOutcome.HIT and "verified" in hit.reason and "/5 from" in hit.reason
    # An untrusted publisher is still named as such.
    assert any("345678901234" in w and "trusted" in w for w in res.warnings)


def test_record_lists_the_image_the_tier_chose(service: CwsService) -> None:
    res = fresh(service).resolve(TEMPLATE, region=REGION)
    record = service.community.info(res.community_id or "")
    assert record.images[REGION] == res.ami_id


def test_tier_order_setting_moves_the_community_tier(service: CwsService) -> None:
    order = ["direct_mapping", "community", "own_build", "ssm_parameter", "dynamic_search"]
    res = fresh(service, tier_order=order).resolve(TEMPLATE, region=REGION)
    assert tiers(res) == ["direct_mapping", "community"]
    assert res.resolution_method is ResolutionMethod.COMMUNITY


def test_tier_order_without_community_leaves_it_out(service: CwsService) -> None:
    order = ["direct_mapping", "own_build", "ssm_parameter", "dynamic_search", "marketplace"]
    res = fresh(service, tier_order=order).resolve(TEMPLATE, region=REGION)
    assert "community" not in [a.tier.value for a in res.fallback_chain]
    assert res.resolution_method is not ResolutionMethod.COMMUNITY


@pytest.mark.parametrize(
    "order, problem",
    [(["community", "telepathy"], "unknown tier 'telepathy'"), (["community"] * 2, "named twice")],
)
def test_bad_tier_order_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, order: list[str], problem: str
) -> None:
    monkeypatch.setenv("CWS_TIER_ORDER", ",".join(order))
    with pytest.raises(BadInput) as caught:
        Settings.from_env()
    assert caught.value.field == "tier_order"
    assert "CWS_TIER_ORDER" in caught.value.message and problem in caught.value.message


def test_unverified_community_image_is_used_with_a_warning(service: CwsService) -> None:
    # The sandbox's look-alike record was published by someone bound to no account.
    svc = fresh(service, tier_order=["community"])
    res = svc.resolve("ubuntu-24-server", region="eu-west-1")
    assert res.resolution_method is ResolutionMethod.COMMUNITY
    assert any("not verified by the registry" in w for w in res.warnings)


def test_registry_down_is_passed_over_with_a_warning(service: CwsService) -> None:
    url = "http://127.0.0.1:9"  # discard port: nothing listens
    res = fresh(service, registry_url=url).resolve(TEMPLATE, region=REGION)
    # The resolution went on to the end (no neighbour holds the image: script provisioning).
    assert res.resolution_method is ResolutionMethod.SCRIPT_FALLBACK
    community = [a for a in res.fallback_chain if a.tier is ResolutionMethod.COMMUNITY]
    assert community[0].outcome is TierOutcome.SKIPPED and url in community[0].reason
    assert any(url in w and "went on without it" in w for w in res.warnings)


@contextmanager
def silent_server() -> Iterator[tuple[str, list[int]]]:
    """A port that accepts connections and never answers; yields its URL and a connection count."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[int] = []
    held: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            accepted.append(1)
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    finally:
        done.set()
        thread.join(2)
        for conn in held:
            conn.close()
        listener.close()


def test_slow_registry_costs_one_wait_per_resolution(service: CwsService) -> None:
    with silent_server() as (url, accepted):
        svc = fresh(service, registry_url=url, registry_timeout=0.5)
        res = svc.resolve(TEMPLATE, region=REGION)
    assert res.resolution_method is ResolutionMethod.SCRIPT_FALLBACK
    assert any("timed out" in w for w in res.warnings)
    # The home region and every fallback neighbour run the tier; only the first one waited.
    community = [a for a in res.fallback_chain if a.tier is ResolutionMethod.COMMUNITY]
    assert len(community) >= 1 and len(accepted) == 1


def test_cached_resolution_asks_the_registry_nothing(
    service: CwsService, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fresh(service).resolve(TEMPLATE, region=REGION)
    again = fresh(service)
    asked: list[object] = []
    client = again.registry_client
    assert client is not None
    monkeypatch.setattr(client, "best", lambda *args: asked.append(args))
    second = again.resolve(TEMPLATE, region=REGION)
    assert asked == [] and second.aws_calls == 0
    assert second.ami_id == first.ami_id and second.community_id == first.community_id


def test_no_registry_configured_skips_the_tier(service: CwsService) -> None:
    svc = CwsService(service.settings.model_copy(update={"sandbox": False}))
    # Without the sandbox and without CWS_REGISTRY_URL there is no registry at all.
    assert svc.registry_client is None
    with pytest.raises(BadInput) as caught:
        svc.community.browse()
    assert caught.value.field == "registry_url" and "CWS_REGISTRY_URL" in caught.value.message
