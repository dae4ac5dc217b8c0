"""Run `%cws` arguments through the CLI's click verbs (``cli.main.run``); shape the results."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Any

from IPython.core.error import UsageError

from ..core.errors import CwsError
from .cell import CELL_REF, CellService
from .errors import as_usage_error

ServiceFactory = Callable[[dict[str, Any]], Any]
CELL_VERB_HINT = (
    "name a verb after %%cws: validate, resolve, test or costs (the cell holds the template)"
)
NOT_RUNNING = (
    "sandbox: not running (start it with `%cws sandbox start`, or use `%cws --sandbox VERB ...`)"
)


def split_line(line: str) -> list[str]:
    """Split the magic's line like a shell would (quotes group words)."""
    try:
        return shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"cannot read the arguments ({exc}): check the quotes") from None


def dispatch(
    line: str,
    cell: str | None,
    make_service: ServiceFactory,
    progress_view: Callable[[str], Any] | None = None,
    recent_template: str | None = None,
) -> Any:
    """Parse and run one `%cws` / `%%cws` invocation; return its result object.

    ``progress_view`` shows long verbs' progress (a widget bar in a notebook; None: no bar).
    ``recent_template`` is what a panel opened without a template preselects.
    """
    args = split_line(line)
    if cell is not None:
        if not args:
            raise UsageError(CELL_VERB_HINT)
        args.append(CELL_REF)  # the verb's TEMPLATE (or validate's PATHS) is the cell

        def factory(overrides: dict[str, Any]) -> Any:
            """The service, answering ``<cell>`` with the cell's template."""
            return CellService(make_service(overrides), cell)

    else:
        factory = make_service
    if not args:
        args = ["--help"]
    if args[0] == "panel":
        from .panels import open_panel

        return open_panel(args[1:], make_service, recent_template)
    return call_verb(args, factory, progress_view)


def call_verb(
    args: list[str],
    make_service: ServiceFactory,
    progress_view: Callable[[str], Any] | None = None,
) -> Any:
    """One click verb, in-process; every failure becomes a one-line ``UsageError``."""
    import click

    from ..cli.main import run

    # click >= 8.2 raises this for a group without its verb (`%cws templates`); 8.1 prints help.
    no_verb = getattr(click.exceptions, "NoArgsIsHelpError", ())
    try:
        result = run(args, make_service=make_service, progress_view=progress_view)
    except no_verb as exc:
        click.echo(exc.ctx.get_help())
        return None
    except (click.ClickException, click.Abort, CwsError) as exc:
        raise as_usage_error(exc) from None
    return present(result)


def present(result: Any) -> Any:
    """What the magic returns: the core's object, a list in its display wrapper, or a notice."""
    from ..display import Notice, displayable

    if isinstance(result, bool):  # `sandbox stop`
        return Notice("sandbox stopped" if result else "sandbox was not running")
    if isinstance(result, int):  # click's exit code after --help / --version: the text is printed
        return None
    if result is None:  # `sandbox status` with no sandbox running
        return Notice(NOT_RUNNING)
    return displayable(result)


def template_named(line: str) -> str | None:
    """The TEMPLATE argument of a `%cws` line (``costs --region R python-ml`` -> ``python-ml``),
    as click reads it; None for a verb without one, a panel, or a line click cannot read."""
    import click

    from ..cli.common import CliState
    from ..cli.main import cli

    try:
        args = shlex.split(line)
        if not args or args[0] == "panel":
            return None
        command: Any = cli
        ctx = cli.make_context("%cws", args, resilient_parsing=True, obj=CliState(shorthands=True))
        while isinstance(command, click.Group):
            protected = ctx.__dict__.get("_protected_args")  # click >= 8.2 (8.1: protected_args)
            rest = [*(ctx.protected_args if protected is None else protected), *ctx.args]
            if not rest:
                return None
            name, command, rest = command.resolve_command(ctx, rest)
            if command is None or name is None:
                return None
            ctx = command.make_context(name, rest, parent=ctx, resilient_parsing=True)
        template = ctx.params.get("template")
    except (click.ClickException, click.exceptions.Exit, ValueError):
        return None
    return template if isinstance(template, str) and template != CELL_REF else None
