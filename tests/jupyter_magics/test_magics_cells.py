"""`%%cws validate` and `%%cws resolve|test|costs` with the template written in the cell."""

from __future__ import annotations

from IPython.core.interactiveshell import InteractiveShell
from magic_helpers import ok, run

from cws_jupyter.core.resolver.models import CostComparison, Resolution
from cws_jupyter.display import CheckList

GOOD = """\
name: Teaching Lab Mini
description: A small lab for a class
base: ubuntu-24.04
package_manager: apt
packages:
  system: [git, python3-pip]
"""
WARNING_ONLY = """\
name: Lab With Extras
colour_scheme: blue
"""
BAD_YAML = """\
name: [unclosed
packages: {}
"""
BAD_FIELD = """\
name: Tiny Disk
instance_defaults:
  root_volume_gb: 2
"""
INHERITS_ML = """\
name: My ML
description: python-ml with my own name
inherits: python-ml
"""


def validate(shell: InteractiveShell, body: str) -> CheckList:
    """Run `%%cws validate` on ``body``: it must never fail, whatever the template."""
    checks = ok(shell, f"%%cws validate\n{body}")
    assert isinstance(checks, CheckList) and len(checks) == 1
    return checks


def test_validate_a_good_template(shell: InteractiveShell) -> None:
    """A clean template: ok, no errors or warnings, its slug and name."""
    check = validate(shell, GOOD)[0]
    assert check.ok and not check.errors and not check.warnings
    assert (check.slug, check.name, check.path) == (
        "teaching-lab-mini",
        "Teaching Lab Mini",
        "<cell>",
    )
    data, _ = shell.display_formatter.format(validate(shell, GOOD))
    assert "validation: 1/1 ok" in data["text/html"] and "ok" in data["text/plain"]


def test_validate_warnings_only_is_ok(shell: InteractiveShell) -> None:
    """An unknown key is a warning: still ok, and the warning is shown highlighted."""
    checks = validate(shell, WARNING_ONLY)
    assert checks.ok and checks[0].warnings == ["<cell>: unknown key 'colour_scheme' is ignored"]
    data, _ = shell.display_formatter.format(checks)
    assert 'class="cws-warnings"' in data["text/html"] and "colour_scheme" in data["text/html"]


def test_validate_broken_templates_shows_errors_without_raising(shell: InteractiveShell) -> None:
    """A YAML syntax error and a bad field value: results with errors, never an exception."""
    syntax = validate(shell, BAD_YAML)[0]
    assert (
        not syntax.ok
        and "YAML syntax error" in syntax.errors[0]
        and syntax.errors[0].startswith("<cell>:2:")
    )
    field = validate(shell, BAD_FIELD)[0]
    assert not field.ok and "instance_defaults.root_volume_gb" in field.errors[0]
    data, _ = shell.display_formatter.format(CheckList([field]))
    assert "validation: 0/1 ok" in data["text/html"] and "root_volume_gb" in data["text/html"]
    assert "error" in data["text/plain"] and "root_volume_gb" in data["text/plain"]


def test_resolve_an_inline_template(shell: InteractiveShell) -> None:
    """`%%cws resolve --region eu-west-1`: the cell's template, inheriting from the library."""
    res = ok(shell, f"%%cws resolve --region eu-west-1\n{INHERITS_ML}")
    assert isinstance(res, Resolution)
    parent = ok(shell, "%cws resolve python-ml --region eu-west-1")
    assert (res.template, res.region) == ("my-ml", "eu-west-1")
    assert res.ami_id == parent.ami_id and res.resolution_method.value == "ssm_parameter"


def test_resolve_an_inline_template_with_options(shell: InteractiveShell) -> None:
    """--arch applies to the cell's template; one without ami_config is provisioned by script."""
    res = ok(shell, f"%%cws resolve --region eu-west-1 --arch arm64\n{INHERITS_ML}")
    assert res.architecture == "arm64" and res.resolution_method.value == "script_fallback"
    scripted = ok(shell, f"%%cws resolve --region eu-west-1\n{GOOD}")
    assert scripted.ami_id is None or scripted.provisioning.value != "none"
    assert scripted.user_data and "python3-pip" in scripted.user_data


def test_costs_and_test_on_an_inline_template(shell: InteractiveShell) -> None:
    """The other TEMPLATE verbs take the cell too."""
    costs = ok(shell, f"%%cws costs --region eu-west-1\n{INHERITS_ML}")
    assert isinstance(costs, CostComparison) and costs.instance_type == "g4dn.xlarge"
    matrix = ok(shell, f"%%cws test --region eu-west-1 --region us-east-1\n{INHERITS_ML}")
    assert matrix.template == "my-ml" and matrix.available_in == 2


def test_inline_resolve_of_a_broken_template_is_a_usage_error(shell: InteractiveShell) -> None:
    """Resolving a broken cell fails with a one-line UsageError naming the field."""
    result, printed = run(shell, f"%%cws resolve --region eu-west-1\n{BAD_FIELD}")
    assert type(result.error_in_exec).__name__ == "UsageError"
    message = str(result.error_in_exec)
    assert "\n" not in message and "root_volume_gb" in message and "Traceback" not in printed
