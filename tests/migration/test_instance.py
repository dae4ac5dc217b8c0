"""`migrate instance`: a running workstation imaged, and its AMI mapped into the template's copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from migration_helpers import REGION, cws, launch

from cws_jupyter.core.errors import Conflict, NotFound
from cws_jupyter.core.migration.copies import is_migrated_copy
from cws_jupyter.core.progress import Progress
from cws_jupyter.core.service import CwsService
from cws_jupyter.core.yamlio import load_yaml

SERVER = "ubuntu-24-server"
CANONICAL_SSM = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"


def test_workstations_are_imaged_and_mapped_region_by_region(
    service: CwsService, user_dir: Path
) -> None:
    """w1 (eu-west-1) is imaged; the new copy of ubuntu-24-server keeps the template's own
    ami_config and maps the image, and resolving there returns it. w2 (eu-central-1) then adds
    its own mapping, keeping w1's."""
    first_id = launch(service, SERVER, "w1", REGION)
    events: list[Progress] = []
    first = service.migration.instance("w1", progress=events.append)

    assert first.workstation == "w1" and first.instance_id == first_id
    assert first.region == REGION and first.template == SERVER
    assert first.build.ami_id == first.ami_id and first.build.creation_status == "available"
    assert first.build.source_instance == first_id
    assert first.build.tags["cws:template"] == SERVER
    assert events and all(isinstance(e, Progress) for e in events)
    assert any(e.total and e.done == e.total for e in events)  # the wait for the image ended

    copy = user_dir / f"{SERVER}.yml"
    assert first.template_copy.path == str(copy) and first.template_copy.action == "created"
    assert first.template_copy.active and is_migrated_copy(copy)
    written = load_yaml(copy.read_text(encoding="utf-8"))["ami_config"]
    assert written["strategy"] == "ami_required"  # the template's own ami_config is kept
    assert written["ssm_parameter"]["x86_64"] == CANONICAL_SSM
    assert written["ami_mappings"] == {REGION: first.ami_id}

    res = service.resolve(SERVER, REGION)
    assert res.ami_id == first.ami_id and res.resolution_method.value == "direct_mapping"
    assert res.provisioning.value == "none"  # the image was built from the workstation

    launch(service, SERVER, "w2", "eu-central-1")
    second = service.migration.instance("w2")
    assert second.region == "eu-central-1" and second.ami_id != first.ami_id
    assert second.template_copy.action == "refreshed"
    assert second.template_copy.mappings == {"eu-central-1": second.ami_id, REGION: first.ami_id}
    written = load_yaml(copy.read_text(encoding="utf-8"))["ami_config"]
    assert written["ami_mappings"] == {"eu-central-1": second.ami_id, REGION: first.ami_id}
    assert written["ssm_parameter"]["x86_64"] == CANONICAL_SSM
    assert service.resolve(SERVER, "eu-central-1").ami_id == second.ami_id
    assert service.resolve(SERVER, REGION).ami_id == first.ami_id


def test_unknown_workstation(service: CwsService, user_dir: Path) -> None:
    """No workstation of that name: bad input naming it, and nothing written."""
    with pytest.raises(NotFound, match="no workstation named 'ghost'"):
        service.migration.instance("ghost")
    assert not user_dir.exists()


def test_a_file_of_the_users_is_refused_before_anything_is_built(
    service: CwsService, user_dir: Path
) -> None:
    """The user's own rstudio.yml in the folder: Conflict, and no image was made; with force
    the image is made and the file replaced by the migrated copy."""
    launch(service, "rstudio", "rs-1", REGION)
    user_dir.mkdir(parents=True)
    mine = user_dir / "rstudio.yml"
    mine.write_text("# my own\nname: RStudio Server\nslug: rstudio\n", encoding="utf-8")

    def builds() -> list[str]:
        return [i.ami_id for i in service.images.list("rstudio", [REGION]).images]

    before = builds()
    with pytest.raises(Conflict, match="rstudio.yml"):
        service.migration.instance("rs-1")
    assert builds() == before
    assert mine.read_text(encoding="utf-8").startswith("# my own")

    result = service.migration.instance("rs-1", force=True)
    assert result.ami_id in builds() and result.ami_id not in before
    assert result.template_copy.action == "overwritten" and is_migrated_copy(mine)
    assert result.template_copy.mappings == {REGION: result.ami_id}


def test_cli_instance(home: Path, service: CwsService) -> None:
    """`cws migrate instance NAME --json` finds a workstation launched elsewhere (the store is
    shared), images it and writes the copy into CWS_HOME's template folder, where the new image
    joins the template's own mapping (bioinformatics maps a community image in us-east-1)."""
    shipped = load_yaml(Path(service.get_template("bioinformatics").path).read_text())
    community = shipped["ami_config"]["ami_mappings"]
    assert REGION not in community and community
    launch(service, "bioinformatics", "cli-1", REGION)
    copy = home / "config" / "templates" / "bioinformatics.yml"
    try:
        out = cws(home, "migrate", "instance", "cli-1", "--json")
        assert out.returncode == 0, out.stderr
        result = json.loads(out.stdout)
        assert result["workstation"] == "cli-1" and result["template"] == "bioinformatics"
        assert result["ami_id"].startswith("ami-") and result["region"] == REGION
        assert result["template_copy"]["path"] == str(copy)
        expected = {**community, REGION: result["ami_id"]}
        assert result["template_copy"]["mappings"] == expected
        written = load_yaml(copy.read_text(encoding="utf-8"))
        assert written["ami_config"]["ami_mappings"] == expected
        assert written["ami_config"]["strategy"] == "ami_fallback"

        out = cws(home, "migrate", "instance", "ghost")
        assert out.returncode == 2 and "no workstation named 'ghost'" in out.stderr
    finally:
        copy.unlink(missing_ok=True)
