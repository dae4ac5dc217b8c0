"""What every `cws` verb shares: the state the group hands down, JSON or rendered output, the
core's errors as exit codes, and progress for long operations (rendered by each front door)."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import wraps
from typing import TYPE_CHECKING, Any

import click

from ..core.errors import CwsError

if TYPE_CHECKING:
    from rich.console import Console

    from ..core.progress import Progress, Reporter

#: Shows the progress of a long operation titled ``title``: a context giving a Reporter.
ProgressView = Callable[[str], AbstractContextManager["Reporter"]]


@dataclass
class CliState:
    """What the group passes to each verb: settings overrides, the service, how to print."""

    overrides: dict[str, Any] = field(default_factory=dict)
    service: Any = None
    render: bool = True
    #: Builds the service from the group's overrides (``run`` sets it; the CLI builds from env).
    make_service: Callable[[dict[str, Any]], Any] | None = None
    #: Accept the `%cws` shorthands (``resolve`` for ``ami resolve``); off for the `cws` CLI.
    shorthands: bool = False
    #: How long operations show progress (None: a rich bar when output is rendered).
    progress_view: ProgressView | None = None
    _console: Console | None = field(default=None, repr=False)

    @property
    def console(self) -> Console:
        """Where results are printed (rich is imported when something is printed). No emoji
        codes: ``:rocket:`` in a template's text prints as written."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(soft_wrap=False, emoji=False)
        return self._console

    @console.setter
    def console(self, value: Console) -> None:
        self._console = value

    def svc(self) -> Any:
        """The core service, built once with the group's settings."""
        if self.service is None:
            if self.make_service is not None:
                self.service = self.make_service(dict(self.overrides))
            else:
                from ..core.config import Settings
                from ..core.service import CwsService

                self.service = CwsService(
                    Settings.from_env(**self.overrides), notices=notice_on_stderr
                )
        return self.service


def notice_on_stderr(event: Progress) -> None:
    """A wait the user did not ask for (starting the sandbox), said on stderr as it begins."""
    click.echo(event.message or event.step, err=True)


def emit(result: Any, renderer: Callable[[Console, Any], None], as_json: bool) -> Any:
    """Print ``result`` as JSON or through its renderer; return it (for the magics).

    In-process callers (the magics) display the returned object themselves, so only ``--json``
    prints there: it was asked for explicitly.
    """
    state = click.get_current_context().find_object(CliState)
    if as_json:
        click.echo(_to_json(result))
    elif state is not None and state.render:
        renderer(state.console, result)
    return result


def _to_json(result: Any) -> str:
    if hasattr(result, "model_dump_json"):
        return result.model_dump_json(indent=2)
    if isinstance(result, list):
        return json.dumps(
            [r.model_dump(mode="json") if hasattr(r, "model_dump") else r for r in result], indent=2
        )
    return json.dumps(result, indent=2, default=str)


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--json`` on a read command."""
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")(
        func
    )


def core_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the core's errors into a clear message and the right exit code (2 bad input, 1 failure)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CwsError as exc:
            raise CoreFailure(exc, as_json=bool(kwargs.get("as_json"))) from None
        except KeyboardInterrupt as exc:  # the core has cleaned up and says what it did
            if not str(exc):
                raise
            raise Interrupted(str(exc)) from None

    return wrapper


class Interrupted(click.ClickException):
    """Ctrl-C during a long operation, after the core undid what it had started."""

    exit_code = 130

    def show(self, file: Any = None) -> None:
        """``interrupted: what was cleaned up``."""
        click.echo(f"interrupted: {self.message}", file=file or sys.stderr)


class CoreFailure(click.ClickException):
    """A ``CwsError`` surfaced through click, keeping its exit code."""

    def __init__(self, error: CwsError, as_json: bool = False) -> None:
        super().__init__(error.message)
        self.error = error
        self.exit_code = error.exit_code
        self.as_json = as_json

    def show(self, file: Any = None) -> None:
        """Print the message (and per-field problems) to stderr; with --json, the error body to stdout."""
        if self.as_json:
            click.echo(json.dumps(self.error.to_dict(), indent=2))
        stream = file or sys.stderr
        click.echo(f"error: {self.error.message}", file=stream)
        for problem in getattr(self.error, "problems", []) or []:
            click.echo(f"  {problem}", file=stream)


@contextmanager
def progress(title: str) -> Iterator[Reporter]:
    """A reporter for a long operation, shown the way this front door shows progress (a rich
    bar on a terminal, a widget in a notebook, nothing when output is not rendered)."""
    state = click.get_current_context().find_object(CliState)
    view = state.progress_view if state is not None else None
    if view is None:
        if state is None or not state.render or not _stderr_is_a_terminal(state.console):
            yield lambda event: None  # piped or redirected: a bar would only leave a blank line
            return
        view = terminal_progress(state.console)
    with view(title) as reporter:
        yield reporter


def _stderr_is_a_terminal(console: Console) -> bool:
    """True when progress (drawn on stderr) reaches a terminal that can redraw it."""
    from rich.console import Console

    return not console.is_dumb_terminal and Console(stderr=True).is_terminal


def terminal_progress(console: Console) -> Callable[[str], Any]:
    """Progress on a terminal: one rich bar with the current step's words (on stderr)."""

    @contextmanager
    def view(title: str) -> Iterator[Reporter]:
        from rich.console import Console
        from rich.markup import escape
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[step]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        lock = threading.Lock()
        with bar:
            task = bar.add_task(escape(title), total=None, step="")

            def report(event: Any) -> None:
                with lock:
                    bar.update(
                        task,
                        completed=event.done,
                        total=event.total or None,
                        step=escape(event.message or event.step),
                    )

            yield report

    return view
