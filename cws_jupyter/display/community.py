"""HTML for the community registry: a page of images, one image with its reviews, what a rating,
a submission or a counted launch did. Every value is escaped (``display.html``)."""

from __future__ import annotations

from typing import Any

from .html import (
    GOOD,
    MUTED,
    WARN,
    Raw,
    badge,
    box,
    code,
    colour,
    heading,
    join,
    pairs,
    table,
    tag,
)

FULL_STAR, EMPTY_STAR = "\u2605", "\u2606"


def star_rating(rating: float | None, count: int) -> Raw:
    """Five stars filled to the rounded average, the average and how many rated; or 'not rated'."""
    if rating is None:
        return Raw(tag("span", "not rated yet", f"color: {MUTED}"))
    filled = max(0, min(5, round(rating)))
    return join(
        [
            colour(FULL_STAR * filled, WARN),
            tag("span", EMPTY_STAR * (5 - filled), f"color: {MUTED}"),
            f" {rating:.1f} ({count})",
        ]
    )


def verified_badge(verified: bool) -> Raw:
    """Verified (green) or not (amber)."""
    return badge("verified", GOOD) if verified else badge("not verified", WARN)


def browse_html(page: Any) -> str:
    """One page of community images (``ami browse``)."""
    if not page.items:
        return box(
            tag("div", "No community images match.", f"color: {MUTED}"), title="Community images"
        )
    rows = [
        [
            code(item.ami_id),
            item.name,
            item.template,
            item.creator,
            star_rating(item.rating, item.rating_count),
            item.download_count,
            ", ".join(item.regions),
            verified_badge(item.verified),
        ]
        for item in page.items
    ]
    shown = (page.page - 1) * page.per_page + len(page.items)
    footer = (
        tag("div", f"{shown} of {page.total_label}; next: page {page.page + 1}", f"color: {MUTED}")
        if shown < page.total
        else ""
    )
    return box(
        table(
            ["id", "name", "template", "by", "rating", "launches", "regions", ""],
            rows,
            cls="cws-community",
        ),
        footer,
        title=f"Community images ({page.total_label})",
    )


def details_html(record: Any) -> str:
    """One community image with its reviews (``ami info cami-...``)."""
    facts = pairs(
        [
            ("template", record.template),
            ("by", record.creator),
            ("version", record.version or None),
            ("category", record.category),
            ("rating", star_rating(record.rating, record.rating_count)),
            ("launches", record.download_count),
            (
                "verified",
                join([verified_badge(record.verified), f" {record.verification or ''}"]),
            ),
            (
                "images",
                join([join([r, ": ", code(i), " "]) for r, i in sorted(record.images.items())]),
            ),
        ]
    )
    parts: list[Any] = []
    if record.description:
        parts.append(tag("div", record.description, f"color: {MUTED}; margin-bottom: 4px"))
    parts.append(facts)
    if record.reviews:
        rows = [[r.user, star_rating(r.rating, 1), r.review or ""] for r in record.reviews]
        parts += [heading("Reviews"), table(["user", "rating", "review"], rows, cls="cws-reviews")]
    title = join([code(record.ami_id), " ", record.name])
    return box(*parts, title=title)


def listing_pairs(listing: Any) -> Raw:
    """An image's community record inside ``ami info``."""
    return pairs(
        [
            ("record", join([code(listing.registry_id), " ", listing.name])),
            ("by", listing.creator),
            ("rating", star_rating(listing.rating, listing.rating_count)),
            ("launches", listing.download_count),
            ("verified", verified_badge(listing.verified)),
        ]
    )


def rated_html(result: Any) -> str:
    """What a rating did."""
    did = "Replaced your rating" if result.replaced else "Rated"
    return box(
        join([did, ": ", code(result.ami_id), f" {result.rating}/5; now "]),
        star_rating(result.average, result.rating_count),
        title="Community rating",
    )


def submitted_html(record: Any) -> str:
    """A new community record."""
    facts = pairs(
        [
            ("template", record.template),
            ("regions", ", ".join(record.regions)),
            ("verified", join([verified_badge(record.verified), f" {record.verification or ''}"])),
        ]
    )
    return box(facts, title=join(["Published ", code(record.ami_id), " ", record.name]))


def used_html(result: Any) -> str:
    """A counted launch."""
    return box(
        join([code(result.ami_id), f": {result.download_count} launches"]),
        title="Community image launched",
    )
