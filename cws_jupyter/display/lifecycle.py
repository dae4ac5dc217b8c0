"""HTML for the AMI lifecycle: builds, listings, details, shares, copies, deletions, jobs, and
what a template's stored images cost. Every value is escaped (``display.html``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
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
    code,
    colour,
    details,
    error_block,
    heading,
    join,
    launches,
    meter,
    money,
    notes_block,
    pairs,
    pre,
    table,
    tag,
    warnings_block,
    when,
)

#: Colours of image states, copy outcomes and job states.
STATUS_COLOURS = {
    "available": GOOD,
    "copied": GOOD,
    "succeeded": GOOD,
    "pending": INFO,
    "running": INFO,
    "skipped": MUTED,
    "interrupted": WARN,
    "abandoned": WARN,
    "failed": BAD,
    "error": BAD,
    "invalid": BAD,
    "deregistered": MUTED,
}
#: Job parameters worth a place in a one-line summary of the job.
ABOUT_KEYS = ("template", "name", "ami_id", "instance_id", "region", "regions", "source_region")


def _value(enum_or_str: Any) -> str:
    """An enum's value, or the string itself."""
    return str(getattr(enum_or_str, "value", enum_or_str))


def status_badge(status: Any) -> Raw:
    """An image, copy or job status in its colour."""
    name = _value(status)
    return badge(name, STATUS_COLOURS.get(name, MUTED))


def _yes_no(flag: bool | None) -> str:
    return {True: "yes", False: "no", None: "unknown"}[flag]


def _ids(values: Iterable[Any], empty: str = "none") -> Raw:
    """Ids as code, comma-separated (``empty`` when there are none)."""
    items = [code(v) for v in values]
    return join(items, ", ") if items else Raw(tag("span", empty, f"color: {MUTED}"))


def _tags_table(tags: dict[str, str]) -> Raw:
    """Tags as a key/value table, sorted by key."""
    rows = [[code(k), v] for k, v in sorted(tags.items())]
    return table(["key", "value"], rows, cls="cws-tags")


def _seconds(value: float | None) -> str | None:
    if value is None:
        return None
    return f"{value:.1f} s" if value < 120 else f"{value / 60:.1f} min"


def _resolve_hint(template: str, region: str) -> Raw:
    """The command that now finds a build."""
    return join(
        [
            code(f"%cws resolve {template} --region {region}"),
            " now finds it (method ",
            code("own_build"),
            ")",
        ]
    )


# -- builds and images --------------------------------------------------------------------------
def build_html(build: Any) -> str:
    """An image built from a workstation (``ami create``)."""
    title = join(
        [
            status_badge(build.creation_status),
            " ",
            code(build.ami_id),
            " built for ",
            build.template,
            " in ",
            build.region,
        ]
    )
    facts = pairs(
        [
            ("name", build.name),
            ("from instance", code(build.source_instance)),
            ("its image", code(build.source_ami) if build.source_ami else None),
            ("template hash", code(build.template_hash)),
            ("snapshots", _ids(build.snapshot_ids)),
            ("took", _seconds(build.seconds)),
            (
                "ready by",
                build.estimated_completion if build.creation_status == "pending" else None,
            ),
            ("job", code(build.job_id) if build.job_id else None),
        ]
    )
    parts: list[Any] = [facts, warnings_block(list(getattr(build, "warnings", None) or []))]
    copies = list(getattr(build, "copies", None) or [])
    if copies:
        parts += [heading("Copies to other regions"), _copy_rows(copies)]
    if build.creation_status == "available":
        parts.append(tag("div", _resolve_hint(build.template, build.region), "margin-top: 4px"))
    if build.tags:
        parts.append(details(f"tags ({len(build.tags)})", _tags_table(build.tags)))
    return str(box(*parts, title=title))


def _current(flag: bool | None) -> Raw:
    """Is the build the template as it is now?"""
    if flag is None:
        return badge("unknown", MUTED)
    return badge("current", GOOD) if flag else badge("stale", WARN)


def image_list_html(listing: Any) -> str:
    """Builds and copies (``ami list``), newest first."""
    regions = list(listing.regions)
    where = ", ".join(regions) if len(regions) <= 4 else f"{len(regions)} regions"
    about = f" of {listing.template}" if listing.template else ""
    title = f"{len(listing.images)} image(s){about} built by cws in {where or 'no region'}"
    deprecated = any(i.deprecation_time for i in listing.images)
    rows = [
        [
            code(i.ami_id),
            i.region,
            i.template or "",
            _current(i.current),
            status_badge(i.state),
            i.created[:10],
            "you" if i.owned else code(i.owner_id),
            code(i.source_ami) if i.source_ami else "",
            i.snapshot_gb,
        ]
        + ([i.deprecation_time or ""] if deprecated else [])
        for i in listing.images
    ]
    headers = ["AMI", "region", "template", "build", "state", "created", "owner", "copy of", "GB"]
    if deprecated:
        headers.append("deprecated from")
    parts: list[Any] = []
    if rows:
        parts.append(table(headers, rows, cls="cws-images"))
    else:
        parts.append(
            tag(
                "div",
                join(
                    [
                        "No images yet: ",
                        code("%cws ami create TEMPLATE WORKSTATION"),
                        " builds one from a workstation.",
                    ]
                ),
                f"color: {MUTED}",
            )
        )
    parts.append(notes_block(listing.notes))
    return str(box(*parts, title=title))


def image_details_html(info: Any) -> str:
    """Everything about one image (``ami info``)."""
    title = join([code(info.ami_id), " in ", info.region, ": ", info.name])
    owner = (
        join(["you (", code(info.owner_id), ")"])
        if info.owned
        else join([code(info.owner_id), f" ({info.owner_alias})" if info.owner_alias else ""])
    )
    created = (
        f"{info.created} ({info.age_days} days ago)" if info.age_days is not None else info.created
    )
    template = (
        join([info.template, " ", tag("span", f"({info.template_hash})", f"color: {MUTED}")])
        if info.template
        else None
    )
    public = (
        badge("public: everyone on AWS may launch it", BAD) if info.public else _yes_no(info.public)
    )
    storage = (
        f"{money(info.monthly_storage_usd, 2)}/month ({info.snapshot_gb} GB in "
        f"{len(info.regions_holding)} region(s))"
    )
    facts = pairs(
        [
            ("owner", owner),
            ("state", status_badge(info.state)),
            ("created", created),
            ("architecture", info.architecture),
            ("template", template),
            ("public", public),
            ("deprecated from", info.deprecation_time or "not deprecated"),
            ("shared with", _ids(info.shares, "nobody")),
            ("regions holding it", ", ".join(info.regions_holding)),
            ("storage", storage),
        ]
    )
    parts: list[Any] = []
    if info.description:
        parts.append(tag("div", info.description, f"color: {MUTED}; margin-bottom: 4px"))
    parts.append(facts)
    if info.snapshots:
        rows = [
            [code(s.snapshot_id), s.size_gb, "yes" if s.encrypted else "no", s.state]
            for s in info.snapshots
        ]
        parts += [
            heading("Snapshots"),
            table(["snapshot", "GB", "encrypted", "state"], rows, cls="cws-snapshots"),
        ]
    if info.copies:
        rows = [[c.region, code(c.ami_id), status_badge(c.state)] for c in info.copies]
        parts += [
            heading("Copies in other regions"),
            table(["region", "AMI", "state"], rows, cls="cws-copies"),
        ]
    if info.community is not None:
        from .community import listing_pairs

        parts += [heading("In the community registry"), listing_pairs(info.community)]
    if info.tags:
        parts += [heading("Tags"), _tags_table(info.tags)]
    parts.append(notes_block(info.notes))
    return str(box(*parts, title=title))


# -- changes to images --------------------------------------------------------------------------
def share_html(result: Any) -> str:
    """Who may launch the image now (``ami share``)."""
    removing = bool(result.removed) and not result.added
    verb = "no longer shared with " if removing else "shared with "
    who = result.removed if removing else result.added
    title = join([code(result.ami_id), " in ", result.region, ": ", verb, ", ".join(who)])
    facts = pairs(
        [
            ("added", _ids(result.added) if result.added else None),
            ("removed", _ids(result.removed) if result.removed else None),
            ("public", badge("yes: everyone on AWS may launch it", BAD) if result.public else "no"),
            (
                "snapshots readable",
                _ids(result.snapshots_shared) if result.snapshots_shared else None,
            ),
            ("shared with now", _ids(result.shares, "nobody")),
        ]
    )
    return str(box(facts, warnings_block(result.warnings), title=title))


def _copy_rows(rows: Iterable[Any]) -> Raw:
    """One row per target region of a copy (how long each took, when known)."""
    rows = list(rows)
    timed = any(r.seconds for r in rows)
    body = [
        [
            r.region,
            status_badge(r.status),
            code(r.ami_id) if r.ami_id else "",
            colour(r.message, BAD) if r.status == "failed" else r.message,
        ]
        + ([_seconds(r.seconds) if r.seconds else ""] if timed else [])
        for r in rows
    ]
    headers = ["region", "status", "AMI", "message"] + (["took"] if timed else [])
    return table(headers, body, cls="cws-copy")


def copy_html(result: Any) -> str:
    """Per target region: copied, skipped or failed (``ami copy``)."""
    title = join(
        [
            code(result.source_ami),
            f" from {result.source_region}: ",
            colour(f"{result.copied} copied", GOOD) if result.copied else "0 copied",
            f", {result.skipped} skipped, ",
            colour(f"{result.failed} failed", BAD) if result.failed else "0 failed",
            f" ({_seconds(result.seconds)})",
        ]
    )
    facts = pairs(
        [
            ("encrypted", "yes" if result.encrypted else None),
            ("job", code(result.job_id) if result.job_id else None),
        ]
    )
    return str(box(_copy_rows(result.rows), facts, title=title))


def delete_html(result: Any) -> str:
    """What a delete removed, and what it kept (``ami delete``)."""
    head = "deregistered" if result.deregistered else "not deregistered"
    title = join([code(result.ami_id), f" {head} in ", result.region])
    parts: list[Any] = [
        pairs([("snapshots deleted", _ids(result.snapshots_deleted))]),
    ]
    if result.snapshots_kept:
        rows = [[code(s), why] for s, why in result.snapshots_kept.items()]
        parts += [heading("Snapshots kept"), table(["snapshot", "why"], rows, cls="cws-kept")]
    return str(box(*parts, title=title))


def deprecate_html(result: Any) -> str:
    """When the image stops being offered (``ami deprecate``)."""
    title = join([code(result.ami_id), " in ", result.region, " is deprecated"])
    facts = pairs([("from", result.deprecate_at)])
    note = tag("div", "From then on it stops being offered to new launches.", f"color: {MUTED}")
    return str(box(facts, note, title=title))


def publish_html(result: Any) -> str:
    """The SSM parameter now naming the image (``ami publish``)."""
    title = join([code(result.parameter), " \u2192 ", code(result.ami_id)])
    facts = pairs(
        [("region", result.region), ("parameter version", result.version), ("hint", result.hint)]
    )
    return str(box(facts, title=title))


# -- jobs ---------------------------------------------------------------------------------------
def _about(params: dict[str, Any]) -> str:
    """The parameters that say what a job is about, ``key=value`` comma-separated."""
    return ", ".join(
        f"{k}={', '.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in params.items()
        if v and k in ABOUT_KEYS
    )


def _job_progress(job: Any) -> Raw:
    """A job's bar and where it stands."""
    progress = job.progress
    status = _value(job.status)
    hue = STATUS_COLOURS.get(status, INFO)
    done, total = progress.done, progress.total
    if status == "succeeded" and total:
        done = total
    words = progress.message or progress.step or ""
    return join([meter(done, total, hue), " " if total and words else "", tag("span", words)])


def _scalars(data: Any, limit: int = 10) -> list[tuple[str, Any]]:
    """The top-level text and number fields of a job's result (its head)."""
    if not isinstance(data, dict):
        return []
    found = [
        (k, v)
        for k, v in data.items()
        if isinstance(v, (str, int, float)) and not isinstance(v, bool) and k != "job_id"
    ]
    return found[:limit]


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, default=str, sort_keys=False)


def job_html(job: Any) -> str:
    """One job: status, progress, what was asked and made, its outcome (``ami status ID``)."""
    title = join([job.kind, " job ", code(job.job_id), ": ", status_badge(job.status)])
    took = _seconds(job.finished - job.created) if job.finished else None
    facts = pairs(
        [
            ("started", when(job.created)),
            ("ended", when(job.finished) if job.finished else None),
            ("took", took),
            ("progress", _job_progress(job) if job.progress.total or job.running else None),
            ("asked", _about(job.params) or None),
        ]
    )
    parts: list[Any] = [facts]
    if job.error:
        parts.append(
            error_block(
                job.error.get("message") or job.error.get("error") or "failed",
                [f"error code: {job.error['error']}"] if job.error.get("error") else [],
            )
        )
    head = _scalars(job.result)
    if head:
        parts += [heading("Result"), pairs(head)]
    if job.resources:
        rows = [[k, v if isinstance(v, str) else _json(v)] for k, v in job.resources.items()]
        parts.append(
            details(
                f"AWS resources it made ({len(job.resources)})",
                table(["what", "where"], rows, cls="cws-resources"),
            )
        )
    if job.params:
        parts.append(details("parameters", pre(_json(job.params))))
    if job.result is not None and not isinstance(job.result, (str, int, float)):
        parts.append(details("full result", pre(_json(job.result))))
    return str(box(*parts, title=title))


def jobs_html(listing: Any) -> str:
    """Recent jobs, newest first (``ami status``), and what was cleaned up after dead ones."""
    rows = [
        [
            code(j.job_id),
            j.kind,
            status_badge(j.status),
            _job_progress(j),
            when(j.created),
            _about(j.params),
        ]
        for j in listing.jobs
    ]
    parts: list[Any] = []
    if rows:
        parts.append(
            table(["job", "kind", "status", "progress", "started", "about"], rows, cls="cws-jobs")
        )
    else:
        parts.append(tag("div", "No jobs yet.", f"color: {MUTED}"))
    parts.append(warnings_block(listing.recovered, "Cleaned up after abandoned jobs"))
    return str(box(*parts, title=f"{len(listing.jobs)} recent job(s)"))


# -- stored images' cost ------------------------------------------------------------------------
def stored_costs_body(stored: Any) -> Raw:
    """A template's stored builds and copies: storage a month in each region, copy costs."""
    caption = (
        f"{len(stored.images)} image(s) in {len(stored.regions)} region(s), "
        f"{stored.total_gb} GB: {money(stored.monthly_usd, 2)}/month"
    )
    if stored.transfer_usd:
        caption += f" (copying them cost {money(stored.transfer_usd, 2)} once)"
    rows = [
        [
            code(i.ami_id),
            i.region,
            i.snapshot_gb,
            f"{money(i.monthly_usd, 2)}/month",
            i.source_region or "",
            money(i.transfer_usd, 2) if i.source_region else "",
        ]
        for i in stored.images
    ]
    parts: list[Any] = [tag("div", caption, f"color: {MUTED}")]
    if rows:
        parts.append(
            table(
                ["AMI", "region", "GB", "storage", "copied from", "copy cost"],
                rows,
                cls="cws-stored",
            )
        )
    if stored.break_even_launches_per_month is not None:
        parts.append(
            pairs(
                [("break-even", f"{launches(stored.break_even_launches_per_month)} launches/month")]
            )
        )
    if stored.recommendation:
        parts.append(tag("div", stored.recommendation, "margin-top: 4px"))
    parts.append(notes_block(stored.notes))
    return join(parts)


def stored_costs_html(stored: Any) -> str:
    """What a template's stored images cost, on their own."""
    return str(box(stored_costs_body(stored), title=f"Stored images of {stored.template}"))
