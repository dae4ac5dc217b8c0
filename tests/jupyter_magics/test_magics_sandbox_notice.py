"""`%cws` says "starting the sandbox..." when a verb has to start it, as the CLI does."""

from __future__ import annotations

from IPython.core.interactiveshell import InteractiveShell
from magic_helpers import ok, run

from cws_jupyter.core.service import SANDBOX_STARTING


def test_a_sandbox_start_is_announced(shell: InteractiveShell) -> None:
    """Stopped, then a verb needing AWS: the cell's output says the sandbox is being started;
    once it runs, nothing is said."""
    ok(shell, "%cws sandbox stop")
    first, printed = run(shell, "%cws resolve python-ml --region eu-west-1")
    assert first.success and first.result.ami_id
    assert SANDBOX_STARTING in printed
    again, printed = run(shell, "%cws resolve python-ml --region eu-west-1")
    assert again.success and again.result.ami_id == first.result.ami_id
    assert SANDBOX_STARTING not in printed
