"""Hostile text in every lifecycle and workstation result: shown as text, never as markup.

A template, a name, a tag or a message holding ``<script>``, rich markup (``[/x]``) or TeX
(``$x$``) must come out escaped in HTML (``$`` as ``&#36;``, inside MathJax-ignored markup)
and literally in the CLI's text.
"""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

from cws_jupyter.core.images.models import (
    CopyResult,
    CopyRow,
    DeleteResult,
    DeprecateResult,
    ImageBuild,
    ImageCopyRef,
    ImageDetails,
    ImageList,
    PublishResult,
    ShareResult,
    SnapshotInfo,
    StoredImage,
)
from cws_jupyter.core.images.stored_costs import StoredImageCost, StoredImageCosts
from cws_jupyter.core.images.updates import (
    BaseImage,
    DeprecationRow,
    OutdatedImage,
    OutdatedReport,
    RebuildResult,
)
from cws_jupyter.core.instances.models import (
    InstanceAction,
    InstanceList,
    InstanceRecord,
    LaunchPlan,
    LaunchResult,
)
from cws_jupyter.core.jobs import JobList, JobProgress, JobRecord, JobState
from cws_jupyter.core.migration.models import (
    InstanceMigration,
    MatrixRow,
    MigrationMatrix,
    MigrationReport,
    TemplateAnalysis,
    TemplateMigration,
    Verdict,
)
from cws_jupyter.core.resolver.models import CostComparison
from cws_jupyter.display.html import NO_MATH

SCRIPT = "<script>alert('x')</script>"
MARKUP = "[/x][bold]"
TEX = "$x$"
EVIL = f"{SCRIPT} {MARKUP} {TEX}"
AMI = "ami-0123456789abcdef0"


def record(**extra: object) -> InstanceRecord:
    """A workstation record with hostile text."""
    fields: dict[str, object] = {
        "name": "ws-evil",
        "id": "i-0123456789abcdef0",
        "template": EVIL,
        "region": "eu-west-1",
        "state": "running",
        "ami_used": AMI,
        "resolution_method": "cross_region",
        "provisioning": "none",
        "instance_type": "t3.large",
        "hourly_price": 0.0912,
        "cidrs": ["203.0.113.7/32"],
        "open_ports": [22, 8888],
        "public_ip": "198.51.100.4",
    }
    fields.update(extra)
    return InstanceRecord(**fields)  # type: ignore[arg-type]


def costs() -> CostComparison:
    """A cost comparison with hostile stored images."""
    return CostComparison(
        instance_type="t3.large",
        region="eu-west-1",
        hourly_price=0.0912,
        price_as_of="2025-11",
        ami_launch_seconds=45,
        script_launch_seconds=405,
        script_setup_seconds=360,
        script_setup_cost=0.0091,
        time_saved_seconds=360,
        snapshot_gb=30,
        snapshot_storage_per_month=1.5,
        recommendation=f"keep it {EVIL}",
        stored_images=StoredImageCosts(
            template=EVIL,
            images=[
                StoredImageCost(ami_id=AMI, region="eu-west-1", snapshot_gb=30, monthly_usd=1.5),
                StoredImageCost(
                    ami_id="ami-0fedcba9876543210",
                    region="eu-central-1",
                    snapshot_gb=30,
                    monthly_usd=1.62,
                    source_region="eu-west-1",
                    transfer_usd=0.6,
                ),
            ],
            regions=["eu-west-1", "eu-central-1"],
            total_gb=60,
            monthly_usd=3.12,
            transfer_usd=0.6,
            break_even_launches_per_month=342.9,
            recommendation=f"delete some {EVIL}",
            notes=[f"note {EVIL}"],
        ),
    )


def plan() -> LaunchPlan:
    """A launch plan with hostile text."""
    return LaunchPlan(
        name="ws-evil",
        template=EVIL,
        region="eu-west-1",
        strategy="ami_preferred",
        resolution_method="cross_region",
        ami_id=AMI,
        source_region="eu-central-1",
        copy_required=True,
        provisioning="none",
        instance_type="t3.large",
        architecture="x86_64",
        root_volume_gb=40,
        open_ports=[22, 8888],
        cidrs=["203.0.113.7/32"],
        hourly_price=0.0912,
        estimated_launch_time=345,
        user_data=f"#!/bin/bash\necho '{SCRIPT}'",
        warnings=[f"warning {EVIL}"],
        dry_run=True,
        checks=[f"RunInstances: would succeed {TEX}"],
    )


def job() -> JobRecord:
    """A failed job with hostile parameters, resources and error."""
    return JobRecord(
        job_id="0123456789abcdef0123456789abcdef",
        kind="ami_create",
        status=JobState.FAILED,
        progress=JobProgress(done=40, total=100, step="wait", message=f"waiting {EVIL}"),
        params={"template": EVIL, "region": "eu-west-1"},
        resources={"image": {"region": "eu-west-1", "ami_id": AMI}, "note": EVIL},
        result={"ami_id": AMI, "name": EVIL},
        error={"error": "operation_failed", "message": f"the image failed {EVIL}"},
        created=1_700_000_000.0,
        updated=1_700_000_060.0,
        finished=1_700_000_060.0,
    )


HOSTILE = {
    "ImageBuild": ImageBuild(
        ami_id=AMI,
        region="eu-west-1",
        name=f"cws-{EVIL}",
        template=EVIL,
        template_hash="v1-0123",
        source_instance="i-0123456789abcdef0",
        creation_status="available",
        tags={"cws:template": EVIL, TEX: MARKUP},
        job_id="job-1",
        seconds=12.5,
    ),
    "ImageList": ImageList(
        images=[
            StoredImage(
                ami_id=AMI,
                region="eu-west-1",
                name=EVIL,
                template=EVIL,
                current=False,
                state="available",
                created="2025-01-01T00:00:00Z",
                owner_id="123456789012",
                owned=True,
                snapshot_gb=30,
            )
        ],
        regions=["eu-west-1"],
        notes=[f"could not search {EVIL}"],
    ),
    "ImageDetails": ImageDetails(
        ami_id=AMI,
        region="eu-west-1",
        name=EVIL,
        description=f"built {EVIL}",
        owner_id="123456789012",
        owned=True,
        state="available",
        architecture="x86_64",
        created="2025-01-01T00:00:00Z",
        age_days=30,
        public=True,
        template=EVIL,
        template_hash="v1-0123",
        tags={"Name": EVIL, TEX: MARKUP},
        shares=["111122223333"],
        snapshots=[SnapshotInfo(snapshot_id="snap-0123", size_gb=30)],
        snapshot_gb=30,
        copies=[
            ImageCopyRef(region="eu-central-1", ami_id="ami-0fedcba9876543210", state="available")
        ],
        regions_holding=["eu-west-1", "eu-central-1"],
        monthly_storage_usd=3.12,
        notes=[f"note {EVIL}"],
    ),
    "ShareResult": ShareResult(
        ami_id=AMI,
        region="eu-west-1",
        added=["111122223333"],
        snapshots_shared=["snap-0123"],
        shares=["111122223333"],
        warnings=[f"careful {EVIL}"],
    ),
    "CopyResult": CopyResult(
        source_ami=AMI,
        source_region="eu-west-1",
        rows=[
            CopyRow(region="eu-central-1", status="copied", ami_id="ami-0fedcba9876543210"),
            CopyRow(region="us-east-1", status="failed", message=f"refused {EVIL}"),
        ],
        copied=1,
        failed=1,
        seconds=3.5,
    ),
    "DeleteResult": DeleteResult(
        ami_id=AMI,
        region="eu-west-1",
        deregistered=True,
        snapshots_deleted=["snap-0123"],
        snapshots_kept={"snap-0456": f"in use {EVIL}"},
    ),
    "DeprecateResult": DeprecateResult(
        ami_id=AMI, region="eu-west-1", deprecate_at=f"2030-01-01 {EVIL}"
    ),
    "PublishResult": PublishResult(
        ami_id=AMI,
        region="eu-west-1",
        parameter=f"/lab/{TEX}",
        version=3,
        hint=f"use it {EVIL}",
    ),
    "JobRecord": job(),
    "JobList": JobList(jobs=[job()], recovered=[f"ami_create 01: cleaned {EVIL}"]),
    "InstanceList": InstanceList(instances=[record()], notes=[f"not refreshed {EVIL}"]),
    "LaunchPlan": plan(),
    "LaunchResult": LaunchResult(instance=record(), plan=plan(), notes=[f"copied {EVIL}"]),
    "InstanceAction": InstanceAction(
        action="stop", instance=record(state="stopped"), notes=[f"stopped {EVIL}"]
    ),
    "CostComparison": costs(),
}


def migration_copy() -> TemplateMigration:
    """A template's migrated copy with hostile text."""
    return TemplateMigration(
        template=f"lab-{EVIL}",
        path=f"/home/u/{TEX}.yml",
        original_path=f"/srv/{SCRIPT}.yml",
        action="created",
        ami_config={"strategy": "ami_preferred"},
        mappings={"eu-west-1": AMI},
        active=False,
        shadowed_by=f"/elsewhere/{MARKUP}.yml",
        warnings=[f"shadowed {EVIL}"],
    )


HOSTILE.update(
    {
        "MigrationReport": MigrationReport(
            region="eu-west-1",
            launches_per_month=20,
            price_as_of="2025-11",
            rows=[
                TemplateAnalysis(
                    template=f"lab-{EVIL}",
                    name=EVIL,
                    path="/x.yml",
                    has_ami_config=False,
                    ami_only=False,
                    instance_type="t3.large",
                    architecture="x86_64",
                    hourly_price=0.0832,
                    script_setup_seconds=420,
                    ami_launch_seconds=45,
                    minutes_saved_per_launch=7.0,
                    setup_cost_per_launch=0.0097,
                    launches_per_month=20,
                    savings_per_month=0.19,
                    ami_storage_per_month=2.0,
                    net_per_month=-1.81,
                    verdict=Verdict.SCRIPT_IS_FINE,
                    reason=f"storage outweighs {EVIL}",
                )
            ],
            errors=[f"broken.yml: {EVIL}"],
        ),
        "TemplateMigration": migration_copy(),
        "InstanceMigration": InstanceMigration(
            workstation="ws-evil",
            instance_id="i-0123456789abcdef0",
            region="eu-west-1",
            template=f"lab-{EVIL}",
            ami_id=AMI,
            build=HOSTILE["ImageBuild"],
            template_copy=migration_copy(),
        ),
        "MigrationMatrix": MigrationMatrix(
            templates=[f"lab-{EVIL}"],
            regions=["ap-south-1"],
            rows=[
                MatrixRow(
                    template=f"lab-{EVIL}",
                    region="ap-south-1",
                    ok=False,
                    error=f"no AMI {EVIL}",
                    error_code="resolution_failed",
                )
            ],
            failed=1,
            notes=[f"not loaded {EVIL}"],
        ),
    }
)


HOSTILE.update(
    {
        "OutdatedReport": OutdatedReport(
            images=[
                OutdatedImage(
                    template=EVIL,
                    region="eu-west-1",
                    ami_id=AMI,
                    name=EVIL,
                    kind="build",
                    built_from=AMI,
                    current_base="ami-0fedcba9876543210",
                    status="outdated",
                    reason=f"a newer base {EVIL}",
                )
            ],
            templates=[EVIL],
            regions=["eu-west-1"],
            counts={"outdated": 1},
            notes=[f"note {EVIL}"],
        ),
        "RebuildResult": RebuildResult(
            template=EVIL,
            region="eu-west-1",
            ami_id=AMI,
            base=BaseImage(ami_id="ami-0fedcba9876543210", region="eu-west-1", name=EVIL),
            build=HOSTILE["ImageBuild"],
            builder_instance="i-0123456789abcdef0",
            deprecated=[
                DeprecationRow(
                    ami_id="ami-0aaaaaaaaaaaaaaaa",
                    region="eu-west-1",
                    status="kept",
                    message=f"kept {EVIL}",
                )
            ],
            grace_days=14,
            seconds=300.0,
            notes=[f"note {EVIL}"],
        ),
    }
)


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_text_is_escaped_in_html_and_literal_in_text(
    shell: InteractiveShell, kind: str
) -> None:
    """No live <script>, no dollar sign for MathJax, inside MathJax-ignored markup; the text
    form prints the markup literally (rich did not read ``[/x]`` as a style)."""
    result = HOSTILE[kind]
    data, _ = shell.display_formatter.format(result)
    html, text = data["text/html"], data["text/plain"]
    assert html.startswith('<div class="cws-result"') and f'class="{NO_MATH}"' in html
    assert "<script>" not in html and "$" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&#36;x&#36;" in html and "[/x][bold]" in html
    assert not text.startswith(kind + "(")
    flat = text.replace("\n", "")
    assert SCRIPT in flat or "<script>" in text, text
    assert TEX in flat and "[/x]" in text, text


def test_every_new_result_type_is_covered() -> None:
    """The hostile set holds every new result type registered with the formatters."""
    from cws_jupyter.display.formatters import RESULT_TYPES

    registered = {
        name
        for module, name in RESULT_TYPES
        if module.startswith(
            ("cws_jupyter.core.images", "cws_jupyter.core.instances", "cws_jupyter.core.migration")
        )
        or module == "cws_jupyter.core.jobs"
    }
    assert registered - {"StoredImageCosts"} <= set(HOSTILE)
