"""Facet counts: how many public records each combination of browse filters matches.

Counting the matches of a filter by scanning costs time in proportion to the matches (60,000
records hold an image in us-east-1 in the benchmark's registry: tens of milliseconds per count).
``ami_facets`` keeps the count of every (template, category, region) combination instead, ``*``
standing for "any", so browse's ``total`` without a text search is one primary-key read. A record
adds one to each combination it belongs to, in the transaction that inserts it; nothing else
changes a record's template, category, regions or visibility (if something ever does, it must
move the record's counts in the same transaction, or run ``REBUILD``).
"""

from __future__ import annotations

from collections.abc import Iterable

from .storage import Sql

#: The key that stands for "any value" (never a template slug, a category or a region).
ANY = "*"

#: Recounts every combination from the records (the migration that made the table, and bulk
#: loads, run it). Changing it changes what migration 3 did: add a migration instead.
REBUILD = (
    "DELETE FROM ami_facets",
    "INSERT INTO ami_facets (template_name, category, region, records) "
    "SELECT CASE WHEN GROUPING(a.template_name) = 1 THEN '*' ELSE a.template_name END, "
    "CASE WHEN GROUPING(a.category) = 1 THEN '*' ELSE a.category END, "
    "CASE WHEN GROUPING(g.region) = 1 THEN '*' ELSE g.region END, "
    "count(DISTINCT a.ami_id) "
    "FROM ami_registry a LEFT JOIN ami_regions g ON g.ami_id = a.ami_id AND g.available "
    "WHERE a.public GROUP BY GROUPING SETS ((), (a.template_name), (a.category), (g.region), "
    "(a.template_name, a.category), (a.template_name, g.region), (a.category, g.region), "
    "(a.template_name, a.category, g.region)) "
    "HAVING (GROUPING(a.category) = 1 OR a.category IS NOT NULL) "
    "AND (GROUPING(g.region) = 1 OR g.region IS NOT NULL)",
)


def keys(template: str, category: str | None, regions: Iterable[str]) -> list[tuple[str, str, str]]:
    """Every (template, category, region) combination a record of these values belongs to,
    sorted: concurrent inserts on PostgreSQL then lock the rows they share in one order, and
    never deadlock."""
    categories = (category, ANY) if category else (ANY,)
    places = (*set(regions), ANY)
    return sorted({(t, c, r) for t in (template, ANY) for c in categories for r in places})


def add(sql: Sql, template: str, category: str | None, regions: Iterable[str]) -> None:
    """Count one more public record of these values (in the transaction that inserts it)."""
    sql.many(
        "INSERT INTO ami_facets (template_name, category, region, records) VALUES (?, ?, ?, 1) "
        "ON CONFLICT (template_name, category, region) DO UPDATE "
        "SET records = ami_facets.records + 1",
        keys(template, category, regions),
    )


def count(sql: Sql, template: str | None, category: str | None, region: str | None) -> int:
    """How many public records match these filters (None: any), exactly."""
    found = sql.value(
        "SELECT records FROM ami_facets WHERE template_name = ? AND category = ? AND region = ?",
        (template or ANY, category or ANY, region or ANY),
    )
    return int(found or 0)
