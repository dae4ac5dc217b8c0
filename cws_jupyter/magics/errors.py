"""One mapping from every failure a verb can raise to a one-line IPython ``UsageError``."""

from __future__ import annotations

from IPython.core.error import UsageError

from ..core.errors import AwsUnavailable, CwsError

NOTEBOOK_SANDBOX_HINT = (
    " In a notebook: `%cws --sandbox VERB ...` for one command,"
    " or `%config CwsMagics.sandbox = True`."
)


def one_line(text: str, sep: str = "; ") -> str:
    """Fold a multi-line message (e.g. a failed resolution's list of tiers) into one line."""
    lines = [line.strip().lstrip("-*").strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "failed (no message)"
    head, rest = lines[0], lines[1:]
    return f"{head} {sep.join(rest)}" if rest else head


def core_message(error: CwsError) -> str:
    """A core error's message with its per-field problems, and the notebook's sandbox hint."""
    message = error.message
    problems = getattr(error, "problems", None) or []
    if problems:
        message = f"{message}: " + "; ".join(problems)
    if isinstance(error, AwsUnavailable) and message.startswith("No AWS credentials"):
        message += NOTEBOOK_SANDBOX_HINT
    return message


def as_usage_error(exc: BaseException) -> UsageError:
    """The ``UsageError`` a magic raises for ``exc`` (click parse errors, core errors)."""
    import click

    from ..cli.common import CoreFailure, Interrupted

    sep = " "  # click wraps its own sentences; the core's extra lines are list items
    if isinstance(exc, (CoreFailure, CwsError)):
        message, sep = core_message(exc.error if isinstance(exc, CoreFailure) else exc), "; "
    elif isinstance(exc, Interrupted):
        message = f"interrupted: {exc.message}"
    elif isinstance(exc, click.UsageError):
        message = exc.format_message()
        if exc.ctx is not None:
            message += f" (see `{exc.ctx.command_path} --help`)"
    elif isinstance(exc, click.ClickException):
        message = exc.format_message()
    elif isinstance(exc, click.Abort):
        message = "aborted"
    else:
        message = f"{type(exc).__name__}: {exc}"
    return UsageError(one_line(message, sep))
