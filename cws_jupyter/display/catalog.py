"""HTML for the catalogue and the rest: templates, validation, availability, region map, sandbox."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .html import (
    BAD,
    GOOD,
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
    nowrap,
    pairs,
    table,
    tag,
    warnings_block,
)

#: The reason under a group of regions without the AMI.
REASON = f"color: {MUTED}; margin-top: 2px"


def _value(enum_or_str: Any) -> str:
    """An enum's value, or the string itself."""
    return str(getattr(enum_or_str, "value", enum_or_str))


def template_list_html(listing: Any) -> str:
    """The template catalogue, plus the files that failed to load."""
    rows = [
        [code(t.slug), t.name, t.category or "", t.strategy or "script", t.description]
        for t in listing.templates
    ]
    parts: list[Any] = [
        table(["slug", "name", "category", "strategy", "description"], rows, cls="cws-templates")
    ]
    if listing.errors:
        parts.append(
            error_block(
                f"{len(listing.errors)} template file(s) could not be loaded", listing.errors
            )
        )
    return str(box(*parts, title=f"{len(listing.templates)} templates"))


def ami_sources(ami_config: Any) -> list[Raw]:
    """Where the resolver looks for the template's AMI, one line per source, in tier order."""
    if ami_config is None:
        return [Raw(colour("none: script provisioning only", WARN))]
    lines: list[Raw] = []
    mappings = dict(ami_config.ami_mappings)
    mappings.update(
        {
            r: ", ".join(f"{_value(a)}: {i}" for a, i in m.items())
            for r, m in ami_config.amis.items()
        }
    )
    if mappings:
        lines.append(
            join(
                [
                    "direct mapping: ",
                    ", ".join(f"{r} \u2192 {i}" for r, i in sorted(mappings.items())),
                ]
            )
        )
    ssm = ami_config.ssm_parameter
    if isinstance(ssm, dict):
        lines += [join([f"SSM parameter ({_value(a)}): ", code(p)]) for a, p in ssm.items()]
    elif ssm:
        lines.append(join(["SSM parameter: ", code(ssm)]))
    search = ami_config.ami_search
    if search is not None:
        owners = ", ".join(search.all_owners()) or "none (the search will be refused)"
        bits = [f"owners {owners}"]
        if search.name_pattern:
            bits.append(f"name {search.name_pattern}")
        if search.version_tag:
            bits.append(f"version {search.version_tag}")
        if search.architecture:
            bits.append("arch " + "/".join(_value(a) for a in search.architecture))
        if search.min_creation_date:
            bits.append(f"created after {search.min_creation_date}")
        lines.append(join(["search: ", "; ".join(bits)]))
    market = ami_config.marketplace_search
    if market is not None and market.product_code:
        lines.append(join(["marketplace: product ", code(market.product_code)]))
    lines.append(join(["otherwise: ", _value(ami_config.fallback_strategy).replace("_", " ")]))
    return lines


def template_html(loaded: Any) -> str:
    """One template: description, packages, strategy, AMI sources, warnings."""
    t = loaded.template
    cfg = t.ami_config
    packages = [
        join([f"{kind}: ", ", ".join(names)])
        for kind in ("system", "conda", "pip", "spack")
        if (names := getattr(t.packages, kind))
    ]
    facts = pairs(
        [
            ("category", t.category),
            ("strategy", _value(cfg.strategy) if cfg else "script provisioning"),
            ("package manager", _value(t.package_manager) if t.package_manager else None),
            ("base", t.base),
            ("instance", t.instance_defaults.type),
            ("inherits", ", ".join(t.inherits)),
            ("file", loaded.path),
        ]
    )
    parts: list[Any] = [tag("div", t.description, "margin-bottom: 4px")]
    if t.long_description:
        parts.append(tag("div", t.long_description.strip(), f"color: {MUTED}; margin-bottom: 4px"))
    parts += [
        facts,
        heading("Packages"),
        bullet_list(packages) if packages else tag("div", "none (the image as published)"),
        heading("AMI sources"),
        bullet_list(ami_sources(cfg)),
        warnings_block(loaded.warnings),
    ]
    return str(
        box(*parts, title=join([t.name, " ", tag("span", f"({t.slug})", f"color: {MUTED}")]))
    )


def checks_html(checks: Sequence[Any]) -> str:
    """Validation results: a verdict per template, its errors in red and warnings highlighted."""
    blocks = []
    for check in checks:
        verdict = badge("ok", GOOD) if check.ok else badge("error", BAD)
        who = f" {check.name} ({check.slug})" if check.slug else ""
        parts: list[Any] = [tag("div", join([verdict, " ", code(check.path), who]))]
        if check.errors:
            parts.append(bullet_list(check.errors, BAD))
        parts.append(warnings_block(check.warnings))
        blocks.append(tag("div", join(parts), "margin-bottom: 6px", class_="cws-check"))
    ok = sum(c.ok for c in checks)
    return str(box(*blocks, title=f"validation: {ok}/{len(checks)} ok"))


def matrix_html(matrix: Any) -> str:
    """The availability matrix: the regions with the AMI first, then the others by reason."""
    from .matrix import regions_phrase, split_matrix

    available, groups = split_matrix(matrix.regions)
    title = (
        f"{matrix.template}: available in {matrix.available_in}/{matrix.checked} regions "
        f"({matrix.duration_ms:.0f} ms, {matrix.aws_calls} AWS calls)"
    )
    parts: list[Any] = []
    if available:
        rows = [
            [
                r.region,
                badge("yes", GOOD),
                r.resolution_method or "",
                code(r.ami_id) if r.ami_id else "",
                r.architecture or "",
                r.reason,
            ]
            for r in available
        ]
        headers = ["region", "available", "method", "AMI", "arch", "reason"]
        parts.append(table(headers, rows, cls="cws-matrix"))
    missing = sum(len(regions) for _, regions in groups)
    if groups:
        parts.append(heading(f"Not available in {regions_phrase(missing)}"))
        rows = [
            [
                nowrap(join([badge("no", WARN), " ", regions_phrase(len(regions))])),
                join([join((nowrap(r) for r in regions), ", "), tag("div", reason, REASON)]),
            ]
            for reason, regions in groups
        ]
        parts.append(table(["", "regions, and why"], rows, cls="cws-matrix-missing"))
    return str(box(*parts, title=title))


def fallbacks_html(rows: Sequence[Any]) -> str:
    """The region fallback map."""
    body = [
        [code(r.region), r.display_name, r.continent or "", ", ".join(r.fallbacks)] for r in rows
    ]
    return str(
        box(
            table(
                ["region", "name", "continent", "fallbacks, nearest first"],
                body,
                cls="cws-fallbacks",
            ),
            title="region fallbacks (searched in parallel)",
        )
    )


def sandbox_html(info: Any) -> str:
    """A running sandbox."""
    facts = pairs(
        [
            ("endpoint", code(info.endpoint_url)),
            ("process", info.pid),
            ("since", info.started_at),
            ("account", info.account_id),
            ("world", info.world),
        ]
    )
    return str(box(facts, title=join([badge("running", GOOD), " sandbox (simulated AWS account)"])))


def message_html(text: str) -> str:
    """A one-line notice."""
    return str(box(tag("div", text)))


def check_html(check: Any) -> str:
    """One validation result."""
    return checks_html([check])
