"""The caller's account is learned once per credentials: a direct mapping to an image of one's
own account is then one round trip (DescribeImages), in any later process, whatever the lookup
cache holds."""

from __future__ import annotations

import shutil

from resolver_world import family, image_id

ACCOUNT = "123456789012"  # moto's account


def test_own_account_mapping_asks_sts_once_per_credentials(aws_world, make_service, tmp_path):
    aws_world([family("mine", ["eu-west-1"], name="mine-{arch}-1", owner=ACCOUNT)])
    mapped = image_id("mine", "eu-west-1")
    template = {"t": f"name: T\nami_config:\n  ami_mappings: {{eu-west-1: {mapped}}}\n"}
    first = make_service(template).resolve("t", region="eu-west-1")
    assert first.ami_id == mapped and first.ami.owner_id == ACCOUNT
    assert first.aws_calls == 2  # DescribeImages, then STS: whose image is this?
    shutil.rmtree(tmp_path / "cache")  # a later process, its lookup cache empty or expired
    later = make_service(template)
    again = later.resolve("t", region="eu-west-1")
    assert again.ami_id == mapped
    assert again.aws_calls == 1  # the account is known: DescribeImages alone
    assert again.warnings == first.warnings
    assert later.catalog.caller_account() == ACCOUNT
