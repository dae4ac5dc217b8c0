"""The notebook HTML of a security scan (``ami scan``) and of a policy check (``policy check``):
every value escaped, MathJax kept away (``display.html``)."""

from __future__ import annotations

from typing import Any

from .html import (
    BAD,
    GOOD,
    INFO,
    MUTED,
    WARN,
    Raw,
    badge,
    box,
    bullet_list,
    code,
    colour,
    error_block,
    heading,
    join,
    notes_block,
    pairs,
    table,
    tag,
)

SEVERITY_COLOURS = {"critical": BAD, "high": BAD, "medium": WARN, "low": INFO, "info": MUTED}


def score_colour(score: int) -> str:
    """Green from 80, amber from 50, red below."""
    return GOOD if score >= 80 else WARN if score >= 50 else BAD


def security_report_html(report: Any) -> str:
    """A scan (``ami scan``): the score, each finding with its fix, the policy's verdict, advice."""
    owner = report.owner_id + (f" ({report.owner_alias})" if report.owner_alias else "")
    if report.owned_by_you:
        owner += ", yours"
    counts = ", ".join(f"{n} {s}" for s, n in report.counts().items() if n) or "no findings"
    summary = join(
        [
            badge(f"{report.score}/100", score_colour(report.score)),
            " ",
            tag("span", counts, f"color: {MUTED}"),
        ]
    )
    rows = [
        [
            badge(f.severity, SEVERITY_COLOURS.get(f.severity, MUTED)),
            join([tag("div", f.id, "font-weight: 600"), tag("div", f.message)]),
            f.fix,
        ]
        for f in report.findings
    ]
    parts: list[Any] = [
        pairs(
            [
                ("image", join([code(report.ami_id), " ", report.name])),
                ("region", report.region),
                ("owner", owner),
                ("score", summary),
                ("scanned", report.scanned_at),
            ]
        ),
        table(["severity", "finding", "fix"], rows, cls="cws-security") if rows else "",
        _policy_part(report),
    ]
    if report.recommendations:
        parts += [heading("Recommendations"), bullet_list(report.recommendations)]
    parts.append(notes_block(report.notes))
    return box(*parts, title=f"Security scan of {report.ami_id}")


def _policy_part(report: Any) -> Raw:
    if report.policy_violations:
        return error_block(
            f"Denied by the policy {report.policy_file}: the resolver skips it, launch refuses it",
            [f"{v.rule}: {v.message}" for v in report.policy_violations],
        )
    if report.policy_file:
        return tag("div", colour(f"Allowed by the policy {report.policy_file}", GOOD))
    return Raw("")


def policy_check_html(check: Any) -> str:
    """``policy check``: the policy's rules, then each image allowed or denied, and why."""
    policy = check.policy
    if policy is None:
        head: Any = tag("div", "No policy is configured.", f"color: {MUTED}")
    else:
        head = join(
            [
                pairs([("file", code(policy.file)), ("name", policy.name)]),
                heading("Rules"),
                bullet_list(policy.rules or ["no rules: every image is allowed"]),
            ]
        )
    rows = [
        [
            badge("allowed", GOOD) if v.allowed else badge("denied", BAD),
            code(v.ami_id),
            v.region,
            v.name,
            v.owner_id,
            bullet_list([f"{x.rule}: {x.message}" for x in v.violations]) if v.violations else "",
        ]
        for v in check.images
    ]
    return box(
        head,
        table(["", "image", "region", "name", "owner", "why"], rows, cls="cws-policy")
        if rows
        else "",
        notes_block(check.notes),
        title="Image policy",
    )
