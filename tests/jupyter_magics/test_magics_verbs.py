"""Each CLI verb through `%cws` in a real IPython shell, over the sandbox: objects come back."""

from __future__ import annotations

from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from magic_helpers import ok, run

from cws_jupyter.core.resolver.availability import AvailabilityMatrix
from cws_jupyter.core.resolver.models import CostComparison, Resolution
from cws_jupyter.core.sandbox import SandboxInfo
from cws_jupyter.core.service import TemplateList
from cws_jupyter.core.templates.loader import LoadedTemplate
from cws_jupyter.display import FallbackList, Notice
from cws_jupyter.widgets import BrowsePanel


def html_of(shell: InteractiveShell, obj: object) -> str:
    """What a notebook would show for ``obj``."""
    data, _ = shell.display_formatter.format(obj)
    return data["text/html"]


def test_templates_list_returns_the_catalogue(shell: InteractiveShell) -> None:
    """`%cws templates list`: the TemplateList, shown as a table."""
    listing = ok(shell, "listing = %cws templates list", "listing")
    assert isinstance(listing, TemplateList)
    slugs = {t.slug for t in listing.templates}
    assert {"python-ml", "teaching-lab", "amazon-linux-2023"} <= slugs
    assert 'class="cws-templates"' in html_of(
        shell, listing
    ) and "Python ML Workstation" in html_of(shell, listing)
    ml = ok(shell, "%cws templates list --category 'Machine Learning'")
    assert {t.slug for t in ml.templates} == {"python-ml", "deep-learning-gpu"}


def test_resolve_returns_a_resolution(shell: InteractiveShell) -> None:
    """`res = %cws resolve python-ml --region eu-west-1`, then `res.ami_id`."""
    res = ok(shell, "res = %cws resolve python-ml --region eu-west-1", "res")
    assert isinstance(res, Resolution)
    assert res.ami_id and res.ami_id.startswith("ami-")
    assert (res.template, res.region, res.resolution_method.value) == (
        "python-ml",
        "eu-west-1",
        "ssm_parameter",
    )
    assert ok(shell, "res.ami_id") == res.ami_id
    same = ok(
        shell, "%cws ami resolve python-ml --region eu-west-1"
    )  # the CLI's spelling works too
    assert same.ami_id == res.ami_id


def test_resolve_options_reach_the_resolver(shell: InteractiveShell) -> None:
    """--arch and --strategy are the CLI's options, honoured."""
    res = ok(shell, "%cws resolve python-ml --region eu-west-1 --arch arm64")
    assert res.architecture == "arm64" and res.resolution_method.value == "script_fallback"
    assert any("g5g.xlarge" in w for w in res.warnings)
    strict = ok(shell, "%cws resolve teaching-lab --region us-east-1 --strategy ami_required")
    assert strict.strategy == "ami_required" and strict.resolution_method.value == "direct_mapping"


def test_availability_matrix(shell: InteractiveShell) -> None:
    """`%cws test teaching-lab --region eu-west-1 --region eu-central-1`: a row per region."""
    matrix = ok(shell, "%cws test teaching-lab --region eu-west-1 --region eu-central-1")
    assert isinstance(matrix, AvailabilityMatrix)
    rows = {r.region: r for r in matrix.regions}
    assert list(rows) == ["eu-west-1", "eu-central-1"]
    assert rows["eu-central-1"].available and rows["eu-central-1"].ami_id.startswith("ami-")
    assert not rows["eu-west-1"].available
    assert (matrix.checked, matrix.available_in) == (2, 1)
    html = html_of(shell, matrix)
    assert "available in 1/2 regions" in html and rows["eu-central-1"].ami_id in html


def test_costs_default_to_the_configured_region(shell: InteractiveShell) -> None:
    """`%cws costs python-ml`: the configured region (us-east-1 here), a chart and a table."""
    costs = ok(shell, "%cws costs python-ml")
    assert isinstance(costs, CostComparison)
    assert (costs.region, costs.instance_type) == ("us-east-1", "g4dn.xlarge")
    assert costs.script_launch_seconds > costs.ami_launch_seconds
    html = html_of(shell, costs)
    assert "<svg" in html and 'data-region="us-east-1"' in html and "script provisioning" in html


def test_regions_fallbacks_and_templates_show_and_schema(shell: InteractiveShell) -> None:
    """The other read verbs: the region map (a list), one template, the JSON Schema."""
    rows = ok(shell, "%cws regions fallbacks")
    assert isinstance(rows, FallbackList) and isinstance(rows, list)
    ireland = next(r for r in rows if r.region == "eu-west-1")
    assert ireland.display_name == "Europe (Ireland)" and ireland.fallbacks
    assert "Europe (Ireland)" in html_of(shell, rows)
    loaded = ok(shell, '%cws templates show "Python ML Workstation"')
    assert isinstance(loaded, LoadedTemplate) and loaded.template.slug == "python-ml"
    html = html_of(shell, loaded)
    assert "pytorch" in html and "SSM parameter" in html and "898082745236" in html
    schema = ok(shell, "%cws templates schema")
    assert (
        schema["$schema"].startswith("https://json-schema.org/")
        and "ami_config" in schema["properties"]
    )


def test_sandbox_verbs(shell: InteractiveShell) -> None:
    """`%cws sandbox status` shows the running sandbox the resolves above started."""
    ok(shell, "%cws resolve python-ml --region eu-west-1")
    info = ok(shell, "%cws sandbox status")
    assert isinstance(info, SandboxInfo) and info.endpoint_url.startswith("http://127.0.0.1:")
    assert info.endpoint_url in html_of(shell, info)
    started = ok(shell, "%cws sandbox start")
    assert started.pid == info.pid  # one sandbox per user, shared


def test_help_prints_and_returns_nothing(shell: InteractiveShell) -> None:
    """`%cws` / `%cws --help` / `%cws templates` print click's help, with no error and no Out."""
    for cell in ("%cws", "%cws --help", "%cws templates", "%cws resolve --help"):
        result, printed = run(shell, cell)
        assert result.success and result.result is None, cell
        assert "Usage: %cws" in printed, cell
    _, printed = run(shell, "%cws --help")
    assert "templates" in printed and "sandbox" in printed


def test_group_option_sandbox_and_missing_credentials(shell: InteractiveShell) -> None:
    """Without the sandbox and credentials: a UsageError saying what to do; `--sandbox` fixes it."""
    ok(shell, "%config CwsMagics.sandbox = False")
    result, printed = run(shell, "%cws resolve python-ml --region eu-west-1")
    assert isinstance(result.error_in_exec, UsageError)
    message = str(result.error_in_exec)
    assert "\n" not in message and "credentials" in message and "--sandbox" in message
    assert "Traceback" not in printed
    res = ok(shell, "%cws --sandbox resolve python-ml --region eu-west-1")
    assert isinstance(res, Resolution) and res.ami_id.startswith("ami-")
    assert ok(shell, "%cws templates list").templates  # template verbs need no AWS at all


def test_config_region_changes_the_next_resolve(shell: InteractiveShell) -> None:
    """`%config CwsMagics.region = "eu-central-1"` rebuilds the service with that default region."""
    before = ok(shell, "%cws resolve python-ml")
    assert before.region == "us-east-1"
    ok(shell, '%config CwsMagics.region = "eu-central-1"')
    after = ok(shell, "%cws resolve python-ml")
    assert after.region == "eu-central-1"
    assert ok(shell, "%cws costs python-ml").region == "eu-central-1"


def test_panel_verb_returns_the_widget(shell: InteractiveShell) -> None:
    """`%cws panel browse` builds the panel on the magic's service."""
    panel = ok(shell, "%cws panel browse")
    assert isinstance(panel, BrowsePanel)
    assert "python-ml" in [slug for _, slug in panel.matches.options]


def test_sandbox_stop_and_status_notices(shell: InteractiveShell) -> None:
    """`sandbox stop` / `status` with none running answer with a readable notice."""
    stopped = ok(shell, "%cws sandbox stop")
    assert isinstance(stopped, Notice) and stopped == "sandbox stopped"
    status = ok(shell, "%cws sandbox status")
    assert isinstance(status, Notice) and "not running" in status
    assert ok(shell, "%cws sandbox stop") == "sandbox was not running"
    assert "not running" in html_of(shell, status)
    restarted = ok(shell, "%cws resolve python-ml --region eu-west-1")  # started again on demand
    assert restarted.ami_id


def test_json_option_prints_json_and_still_returns_the_object(shell, capsys) -> None:
    """`%cws resolve ... --json` prints the JSON body; the result is still the object."""
    import json

    res = shell.run_line_magic("cws", "resolve python-ml --region eu-west-1 --json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["ami_id"] == res.ami_id and printed["resolution_method"] == "ssm_parameter"


def test_help_lists_the_notebook_shorthands(shell, capsys) -> None:
    """`%cws --help` shows the CLI's commands and the magic's shorthands and panels."""
    shell.run_line_magic("cws", "--help")
    shown = capsys.readouterr().out
    assert "templates" in shown and "= ami resolve" in shown and "panel launch|browse|cost" in shown
