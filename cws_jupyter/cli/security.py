"""`cws ami scan` and `cws policy check`: an image's security report, and the institutional
image policy (CWS_POLICY_FILE). Each verb parses its options, calls the scanner once, renders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from . import render_security as show
from .common import CliState, core_errors, emit, json_option


def _scanner(state: CliState) -> Any:
    from ..core.security.wiring import scanner_for

    return scanner_for(state.svc())


@click.command("scan")
@click.argument("ami_id")
@click.option("--region", default=None, help="Region of the image (default: the configured one).")
@json_option
@click.pass_obj
@core_errors
def ami_scan(state: CliState, ami_id: str, region: str | None, as_json: bool) -> Any:
    """Scan an image: owner (AMI squatting), age, deprecation, public sharing, encryption,
    IMDSv2, boot mode and Amazon Inspector's findings, with a score out of 100 and a fix for
    each finding. Checked against the policy file too, when one is configured."""
    return emit(_scanner(state).scan(ami_id, region), show.render_report, as_json)


@click.group("policy")
def policy() -> None:
    """The institutional image policy (CWS_POLICY_FILE) the resolver and launch enforce."""


@policy.command("check")
@click.argument("ami_ids", nargs=-1)
@click.option("--region", default=None, help="Region of the images (default: the configured one).")
@click.option(
    "--file",
    "policy_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The policy file to use (default: CWS_POLICY_FILE).",
)
@json_option
@click.pass_obj
@core_errors
def policy_check(
    state: CliState,
    ami_ids: tuple[str, ...],
    region: str | None,
    policy_file: Path | None,
    as_json: bool,
) -> Any:
    """Check images against the policy; with no AMI_IDS, validate the policy file and show its
    rules. Exits 1 when the policy denies an image, 2 when the file is wrong."""
    result = _scanner(state).policy_check(list(ami_ids), region, policy_file=policy_file)
    emit(result, show.render_policy_check, as_json)
    if state.render and not result.allowed:
        raise click.exceptions.Exit(1)
    return result
