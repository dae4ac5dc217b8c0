"""Usage analytics in a notebook (``%cws report``, ``%cws recommend``, ``regions best``, an
export): HTML with inline SVG charts (resolution time per method, savings over time). Every value
is escaped (``esc``/``tag`` write ``$`` as ``&#36;``) and each answer sits in ``box``, an element
MathJax leaves alone, so dollar amounts stay text."""

from __future__ import annotations

from typing import Any

#: Chart geometry (pixels).
CHART_W, LABEL_W, BAR_H, ROW_H, PAD = 560, 130, 10, 26, 8
P50_COLOUR = "var(--jp-brand-color1, #0969da)"
P95_COLOUR = "var(--jp-brand-color3, #9ec5fe)"
SAVED_COLOUR = "var(--jp-success-color1, #2da44e)"


def pct(rate: float | None) -> str:
    """A rate as a percentage (``-`` when unknown)."""
    return "-" if rate is None else f"{rate:.0%}"


def num(value: float | None, unit: str = "", digits: int = 0) -> str:
    """A number with thousands separators and a unit (``-`` when unknown)."""
    return "-" if value is None else f"{value:,.{digits}f}{unit}"


def period(report: Any) -> str:
    """What the report covers: since when, and how many events."""
    start = f"since {report.since:%Y-%m-%d %H:%M} UTC" if report.since else "all events kept"
    return f"{start}: {report.events:,} event(s)"


# -- notebook HTML ---------------------------------------------------------------------------
def report_html(report: Any) -> str:
    """The report with two charts: resolution time per method, savings over time."""
    from .html import Raw, box, heading, notes_block, pairs, table

    res, launches, saved = report.resolutions, report.launches, report.savings
    summary = pairs(
        [
            ("period", period(report)),
            ("resolutions", f"{res.total:,} ({res.cached:,} cached, {res.pinned:,} pinned)"),
            (
                "launches",
                f"{launches.total:,}, {pct(launches.success_rate)} ok, median "
                f"{num(launches.p50_seconds_to_ready, ' s')} to ready",
            ),
            ("savings", f"${saved.usd:,.2f} and {saved.minutes:,.0f} min (estimated)"),
        ]
    )
    parts: list[Any] = [summary]
    if res.by_method:
        parts += [heading("Resolution time per method"), Raw(_resolution_time_svg(report))]
    if saved.by_day:
        parts += [heading("Savings over time"), Raw(_savings_svg(report))]
    if launches.by_template:
        rows = [
            (t, s.total, s.ok, s.failed, pct(s.success_rate), num(s.p50_seconds_to_ready, " s"))
            for t, s in launches.by_template.items()
        ]
        parts += [
            heading("Launches by template"),
            table(("template", "launches", "ok", "failed", "success", "ready p50"), rows),
        ]
    if report.regions:
        rows = [
            (
                r,
                s.resolutions,
                s.launches,
                pct(s.launch_success_rate),
                s.builds,
                f"{s.copies_in}/{s.copies_out}",
            )
            for r, s in report.regions.items()
        ]
        parts += [
            heading("Regions"),
            table(
                ("region", "resolutions", "launches", "success", "builds", "copies in/out"), rows
            ),
        ]
    parts.append(notes_block(report.notes))
    return str(box(*parts, title="Usage analytics"))


def _svg(height: int, body: str, label: str) -> str:
    from .html import esc

    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_W}" height="{height}" '
        f'viewBox="0 0 {CHART_W} {height}" role="img" aria-label="{esc(label)}" '
        f'style="font-family: var(--jp-ui-font-family, sans-serif)">{body}</svg>'
    )


def _text(x: float, y: float, body: str, anchor: str = "start", size: int = 11) -> str:
    from .html import esc

    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'style="fill: var(--jp-content-font-color1, currentColor)">{esc(body)}</text>'
    )


def _resolution_time_svg(report: Any) -> str:
    """Horizontal bars per method: the median (dark) over the 95th percentile (light), in ms."""
    from .html import esc

    methods = list(report.resolutions.by_method.items())
    top = max((s.p95_ms or s.p50_ms or 0.0 for _, s in methods), default=0.0) or 1.0
    scale = (CHART_W - LABEL_W - 110) / top
    parts = []
    for row, (method, stats) in enumerate(methods):
        y = PAD + row * ROW_H
        parts.append(_text(LABEL_W - 6, y + BAR_H, method, "end"))
        for value, colour, name in (
            (stats.p95_ms, P95_COLOUR, "p95"),
            (stats.p50_ms, P50_COLOUR, "p50"),
        ):
            if value is None:
                continue
            parts.append(
                f'<rect x="{LABEL_W}" y="{y:.1f}" width="{max(value * scale, 1.0):.1f}" '
                f'height="{BAR_H}" rx="2" style="fill: {colour}">'
                f"<title>{esc(f'{method} {name}: {value:.1f} ms ({stats.count} resolutions)')}</title></rect>"
            )
        words = f"p50 {num(stats.p50_ms, ' ms', 1)} / p95 {num(stats.p95_ms, ' ms', 1)}"
        parts.append(
            _text(LABEL_W + (stats.p95_ms or stats.p50_ms or 0) * scale + 6, y + BAR_H, words)
        )
    height = PAD * 2 + len(methods) * ROW_H
    return _svg(height, "".join(parts), "resolution time per method, milliseconds")


def _savings_svg(report: Any) -> str:
    """The running total of estimated savings (USD) by day, as a line over an area."""
    from .html import esc

    days = report.savings.by_day
    totals, running = [], 0.0
    for point in days:
        running += point.usd
        totals.append(running)
    height, left, bottom = 150, 60, 24
    plot_w, plot_h = CHART_W - left - 20, height - bottom - PAD * 2
    top = max(totals, default=0.0) or 1.0
    step = plot_w / max(len(days) - 1, 1)
    points = [
        (left + i * step, PAD + plot_h - total / top * plot_h) for i, total in enumerate(totals)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    base = PAD + plot_h
    area = f"{left:.1f},{base:.1f} {line} {points[-1][0]:.1f},{base:.1f}" if points else ""
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" style="fill: {SAVED_COLOUR}">'
        f"<title>{esc(f'{p.day}: ${p.usd:,.2f} saved, {p.minutes:,.0f} min')}</title></circle>"
        for (x, y), p in zip(points, days, strict=True)
    )
    body = (
        f'<polygon points="{area}" style="fill: {SAVED_COLOUR}; opacity: 0.15"/>'
        f'<polyline points="{line}" style="fill: none; stroke: {SAVED_COLOUR}; stroke-width: 2"/>'
        f"{dots}"
        f'<line x1="{left}" y1="{base:.1f}" x2="{left + plot_w}" y2="{base:.1f}" '
        'style="stroke: var(--jp-border-color1, #8c959f)"/>'
        + _text(left - 6, PAD + 8, f"${top:,.2f}", "end")
        + _text(left - 6, base, "$0", "end")
        + (_text(left, height - 6, str(days[0].day)) if days else "")
        + (_text(left + plot_w, height - 6, str(days[-1].day), "end") if days else "")
    )
    return _svg(height, body, "estimated savings over time, US dollars")


def export_html(result: Any) -> str:
    """Where an export went."""
    from .html import box, code, join

    return str(
        box(
            join(
                [f"exported {result.rows:,} event(s) to ", code(result.path), f" ({result.format})"]
            )
        )
    )


def recommendations_html(recs: Any) -> str:
    """Candidates as a table: rank, image, score, reasons."""
    from .html import box, bullet_list, code, notes_block, table

    basis = "by launch history" if recs.basis == "history" else "in the resolver's order"
    rows = [
        (c.rank, code(c.ami_id), c.region, f"{c.score:.2f}", bullet_list(c.reasons))
        for c in recs.candidates
    ]
    title = f"{recs.template} in {recs.region}: {len(recs.candidates)} candidate(s), {basis}"
    return str(
        box(
            table(("#", "image", "region", "score", "why"), rows),
            notes_block(recs.notes),
            title=title,
        )
    )


def region_advice_html(advice: Any) -> str:
    """Regions as a table: rank, region, image, price, reasons."""
    from .html import box, bullet_list, notes_block, table

    rows = [
        (
            o.rank,
            f"{o.region} ({o.display_name})",
            o.ami_id if o.available else f"copy from {o.copy_from}" if o.copy_from else "none",
            "-" if o.hourly_usd is None else f"${o.hourly_usd:.4f}",
            bullet_list(o.reasons),
        )
        for o in advice.options
    ]
    title = (
        f"{advice.template} from {advice.from_region}: {advice.instance_type} "
        f"({advice.architecture}), image {advice.image_gb} GB"
    )
    return str(
        box(
            table(("#", "region", "image", "per hour", "why"), rows),
            notes_block(advice.notes),
            title=title,
        )
    )
