"""Bad input: a one-line UsageError, shown by IPython without a traceback."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from magic_helpers import run

BAD_CELLS = [
    ("%cws frobnicate", "No such command 'frobnicate'"),
    ("%cws resolve python-ml --regoin eu-west-1", "No such option '--regoin'"),
    ("%cws resolve python-ml --strategy sometimes", "Invalid value for '--strategy'"),
    ("%cws resolve python-ml --arch sparc", "Invalid value for '--arch'"),
    ("%cws resolve", "Missing argument 'TEMPLATE'"),
    ("%cws --bogus resolve python-ml", "No such option '--bogus'"),
    ("%cws resolve no-such-template", "no template named 'no-such-template'"),
    ("%cws templates show no-such-template", "no template named 'no-such-template'"),
    ("%cws resolve python-ml --region mars-1", "'mars-1' is not an AWS region"),
    ("%cws costs python-ml --region eu-nowhere-1", "eu-nowhere-1"),
    ("%cws test teaching-lab --region mars-1", "'mars-1' is not an AWS region"),
    (
        "%cws resolve amazon-linux-2023 --region ap-south-1",
        "no AMI for template 'amazon-linux-2023' in ap-south-1",
    ),
    ("%cws templates validate", "Missing argument 'PATHS...'"),
    ('%cws templates show "unclosed', "check the quotes"),
    ("%cws panel sideways", "'sideways' is not one of 'launch', 'browse', 'cost'"),
    ("%%cws\nname: x\n", "name a verb after %%cws"),
    ("%%cws frobnicate\nname: x\n", "No such command 'frobnicate'"),
    ("%%cws resolve --region eu-west-1\nname: [unclosed\n", "YAML syntax error"),
]


@pytest.mark.parametrize(("cell", "expected"), BAD_CELLS, ids=[c for c, _ in BAD_CELLS])
def test_bad_input_is_a_one_line_usage_error(
    shell: InteractiveShell, cell: str, expected: str
) -> None:
    """The cell fails with UsageError; IPython prints `UsageError: ...` and no traceback."""
    result, printed = run(shell, cell)
    assert not result.success
    assert isinstance(result.error_in_exec, UsageError), repr(result.error_in_exec)
    message = str(result.error_in_exec)
    assert "\n" not in message, message
    assert expected in message, message
    assert f"UsageError: {message}" in printed
    assert "Traceback" not in printed and 'File "' not in printed


def test_a_failed_resolution_lists_every_tier_on_one_line(shell: InteractiveShell) -> None:
    """ResolutionFailed keeps the tiers tried (and why) in its one line."""
    with pytest.raises(UsageError) as caught:
        shell.run_line_magic("cws", "resolve amazon-linux-2023 --region ap-south-1")
    message = str(caught.value)
    assert "\n" not in message and "Tried:" in message
    for tier in (
        "direct_mapping",
        "ssm_parameter",
        "dynamic_search",
        "marketplace",
        "cross_region",
    ):
        assert tier in message


def test_click_errors_point_to_the_verbs_help(shell: InteractiveShell) -> None:
    """A parse error names the command whose --help explains it (shorthand included)."""
    with pytest.raises(UsageError, match=r"see `%cws resolve --help`"):
        shell.run_line_magic("cws", "resolve python-ml --regoin x")
    with pytest.raises(UsageError, match=r"see `%cws ami test --help`"):
        shell.run_line_magic("cws", "ami test python-ml --bogus")


def test_a_bad_setting_is_a_usage_error(shell: InteractiveShell) -> None:
    """A %config value the core rejects fails the next command with a one-line message."""
    result, _ = run(shell, "%config CwsMagics.region = 'mars-1'\n%cws resolve python-ml")
    assert isinstance(result.error_in_exec, UsageError)
    assert "mars-1" in str(result.error_in_exec) and "\n" not in str(result.error_in_exec)
