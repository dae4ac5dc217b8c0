"""Terminal rendering of security scans and policy checks (every value from AWS, a policy file or
the user escaped before it reaches rich's markup)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

SEVERITY_STYLE = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}


def _e(value: Any) -> str:
    return "" if value is None else escape(str(value))


def _line(console: Console, text: str) -> None:
    """One line of text, never broken by rich (paths and commands stay whole; the terminal
    wraps them)."""
    console.print(text, soft_wrap=True)


def score_style(score: int) -> str:
    """Green from 80, yellow from 50, red below."""
    return "green" if score >= 80 else "yellow" if score >= 50 else "red"


def render_report(console: Console, report: Any) -> None:
    """A scan: the score, the findings (most severe first) each with its fix, the advice."""
    owner = report.owner_id + (f" ({report.owner_alias})" if report.owner_alias else "")
    mine = " [dim](yours)[/dim]" if report.owned_by_you else ""
    _line(console, f"[bold]{_e(report.ami_id)}[/bold] in {_e(report.region)}  {_e(report.name)}")
    _line(console, f"  owner {_e(owner)}{mine}   scanned {_e(report.scanned_at)}")
    style = score_style(report.score)
    counts = ", ".join(f"{n} {s}" for s, n in report.counts().items() if n) or "no findings"
    _line(console, f"  score [{style}]{report.score}/100[/{style}]   {_e(counts)}")
    if report.findings:
        table = Table(show_lines=True, expand=False, pad_edge=False)
        table.add_column("severity", no_wrap=True)
        table.add_column("finding", overflow="fold", ratio=3)
        table.add_column("fix", overflow="fold", ratio=3)
        for finding in report.findings:
            colour = SEVERITY_STYLE.get(finding.severity, "")
            table.add_row(
                f"[{colour}]{_e(finding.severity)}[/{colour}]",
                f"[bold]{_e(finding.id)}[/bold]\n{_e(finding.message)}",
                _e(finding.fix),
            )
        console.print(table)
    if report.policy_violations:
        _line(
            console,
            f"[red]denied by the policy[/red] {_e(report.policy_file)} "
            "(the resolver skips it, launch refuses it):",
        )
        for violation in report.policy_violations:
            _line(console, f"  [red]{_e(violation.rule)}[/red]: {_e(violation.message)}")
    elif report.policy_file:
        _line(console, f"[green]allowed[/green] by the policy {_e(report.policy_file)}")
    if report.recommendations:
        _line(console, "[bold]recommendations[/bold]")
        for line in report.recommendations:
            _line(console, f"  - {_e(line)}")
    for note in report.notes:
        _line(console, f"[dim]note: {_e(note)}[/dim]")


def render_policy_check(console: Console, check: Any) -> None:
    """The policy's rules, then each image's verdict with the rules it breaks."""
    policy = check.policy
    if policy is None:
        _line(console, "[yellow]no policy[/yellow]")
    else:
        title = f" ({_e(policy.name)})" if policy.name else ""
        _line(console, f"[bold]policy[/bold] {_e(policy.file)}{title}")
        for rule in policy.rules or ["no rules: every image is allowed"]:
            _line(console, f"  - {_e(rule)}")
    for verdict in check.images:
        word = "[green]allowed[/green]" if verdict.allowed else "[red]denied[/red]"
        _line(
            console,
            f"{word}  [bold]{_e(verdict.ami_id)}[/bold] in {_e(verdict.region)}  "
            f"{_e(verdict.name)} (owner {_e(verdict.owner_id)})",
        )
        for violation in verdict.violations:
            _line(console, f"  [red]{_e(violation.rule)}[/red]: {_e(violation.message)}")
    for note in check.notes:
        _line(console, f"[dim]note: {_e(note)}[/dim]")
