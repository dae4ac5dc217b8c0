"""The spec's TestCommunityAMIWorkflow, on the sandbox and its registry: publish an image,
discover it, launch from a community image, rate and review it, see the rating."""

from __future__ import annotations

import pytest
from community_helpers import fresh, own_image

from cws_jupyter.core.errors import CwsError, NotFound
from cws_jupyter.core.resolver.models import ResolutionMethod
from cws_jupyter.core.service import CwsService


def test_publish_discover_launch_rate(service: CwsService) -> None:
    svc = fresh(service)
    # 1. Publish one of your images: the registry checks it against your account.
    image = own_image(svc, "us-east-1")
    published = svc.community.submit(
        image, "teaching-lab", region="us-east-1", category="teaching", version="1.4.0"
    )
    assert published.verified, published.verification
    assert published.images == {"us-east-1": image} and published.creator == "student"

    # 2. Discover it: browse by template, and its details.
    page = svc.community.browse(template="teaching-lab", per_page=100)
    assert published.ami_id in [item.ami_id for item in page.items]
    assert svc.community.info(image).ami_id == published.ami_id  # by its EC2 id too

    # 3. Launch from a community image: the resolver's community tier finds the R lab's image.
    res = svc.resolve("r-research", region="eu-south-2")
    assert res.resolution_method is ResolutionMethod.COMMUNITY and res.community_id
    before = svc.community.info(res.community_id)
    plan = svc.instances.plan(svc.get_template("r-research"), "wf-r-1", region="eu-south-2")
    assert plan.community_id == res.community_id
    job = svc.instances.start_launch(plan)
    launched = svc.instances.run(plan, job)
    try:
        assert launched.instance.state == "running"
        assert any("counted as launch" in note for note in launched.notes)
        after = svc.community.info(res.community_id)
        assert after.download_count == before.download_count + 1

        # 4. Rate and review it; the rating shows.
        rated = svc.community.rate(res.community_id, 3, "Worked for our lab; a bit large.")
        shown = svc.community.info(res.community_id)
        assert shown.rating_count == rated.rating_count
        assert any(r.user == "student" and r.rating == 3 for r in shown.reviews)
        # Rating again replaces the first rating, it does not add one.
        again = svc.community.rate(res.community_id, 5)
        assert again.replaced and again.rating_count == rated.rating_count
    finally:
        svc.instances.act("wf-r-1", "terminate", yes=True)

    # 5. Nobody rates their own image.
    with pytest.raises(CwsError) as caught:
        svc.community.rate(published.ami_id, 5)
    assert caught.value.http_status == 403


def test_launch_by_registry_id_launches_its_copy_and_counts(service: CwsService) -> None:
    svc = fresh(service)
    record = svc.community.browse(template="r-research", region="eu-north-1").items[0]
    plan = svc.instances.plan(
        svc.get_template("r-research"), "wf-r-2", region="eu-north-1", ami=record.ami_id
    )
    assert plan.ami_id == record.images["eu-north-1"] and plan.community_id == record.ami_id
    with pytest.raises(NotFound) as caught:
        svc.instances.plan(
            svc.get_template("r-research"), "wf-r-3", region="us-east-2", ami=record.ami_id
        )
    assert caught.value.field == "region" and "eu-north-1" in caught.value.message


def test_ami_info_shows_the_community_record(service: CwsService) -> None:
    svc = fresh(service)
    record = svc.community.browse(template="r-research", region="eu-south-2").items[0]
    details = svc.community.annotate(svc.images.info(record.images["eu-south-2"], "eu-south-2"))
    assert details.community is not None
    assert details.community.registry_id == record.ami_id
    assert details.community.verified and details.community.rating_count >= 1


def test_an_image_of_another_account_is_stored_unverified(service: CwsService) -> None:
    # The student names Canonical's image: stored (never dropped), not verified, saying why.
    from cws_jupyter.core.sandbox.world import load_world

    svc = fresh(service)
    image = next(
        i.image_id
        for i in load_world().family("ubuntu-22.04").expand("123456789012")
        if i.region == "ap-northeast-1" and i.architecture == "x86_64"
    )
    stored = svc.community.submit(image, "ubuntu-24-server", region="ap-northeast-1")
    assert not stored.verified
    assert stored.verification and "099720109477" in stored.verification
    assert svc.community.info(stored.ami_id).verified is False


def test_an_image_another_record_lists_is_refused(service: CwsService) -> None:
    svc = fresh(service)
    record = svc.community.browse(template="bioinformatics").items[0]
    image = record.images["us-east-1"]
    with pytest.raises(CwsError) as caught:  # already listed by Riverside's record
        svc.community.submit(image, "bioinformatics", region="us-east-1")
    assert caught.value.http_status == 409
