"""Rank candidate images: launch success, time to ready, community rating, cost and freshness.

Each signal is a number from 0 (worst) to 1 (best); the score is their weighted sum, plus a
small bonus for the resolver's own order so that equal candidates keep it. A signal nobody
has a value for (no launches recorded yet, no rating) is the same neutral value for all, so it
moves nothing. Launch success is smoothed towards a prior (``PRIOR_SUCCESS`` over
``PRIOR_LAUNCHES`` imagined launches): one failure of a new image does not bury it, twenty do.

Without any recorded launch of any candidate, the order is the resolver's, and the answer says
so (``basis: resolver_order``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .events import OK
from .models import Candidate

WEIGHTS = {"success": 0.35, "speed": 0.20, "rating": 0.15, "cost": 0.15, "freshness": 0.15}
#: The bonus of the resolver's first candidate (later ones get less, the last none).
ORDER_BONUS = 0.10
PRIOR_SUCCESS, PRIOR_LAUNCHES = 0.9, 4
#: Community ratings are pulled towards this mean by this many imagined ratings.
PRIOR_RATING, PRIOR_RATINGS = 3.5, 3
#: An image this many days old scores half on freshness.
HALF_FRESH_DAYS = 180
NEUTRAL = 0.5
#: Flagged in the reasons: at least this many launches, fewer than this share succeeding.
WARN_LAUNCHES, WARN_RATE = 5, 0.5

HISTORY = f"""
SELECT ami_id, count(*), count(*) FILTER (WHERE result = '{OK}'),
       median(seconds_to_ready) FILTER (WHERE result = '{OK}'), max(ts)
FROM events
WHERE kind = 'launch' AND ami_id IN (SELECT unnest(CAST(? AS VARCHAR[])))
GROUP BY ami_id
"""


@dataclass(frozen=True)
class LaunchHistory:
    """Recorded launches of one image."""

    launches: int
    ok: int
    median_ready: float | None
    last: dt.datetime | None


def launch_history(conn: Any, ami_ids: list[str]) -> dict[str, LaunchHistory]:
    """The recorded launches of each of ``ami_ids`` (images never launched are left out)."""
    if not ami_ids:
        return {}
    rows = conn.execute(HISTORY, [ami_ids]).fetchall()
    return {
        ami: LaunchHistory(launches=n, ok=ok, median_ready=ready, last=last)
        for ami, n, ok, ready, last in rows
    }


def rank(
    candidates: list[Candidate], history: dict[str, LaunchHistory], limit: int
) -> tuple[list[Candidate], str]:
    """``candidates`` (given in the resolver's order) scored, explained and ranked; the basis."""
    for candidate in candidates:
        seen = history.get(candidate.ami_id)
        if seen is not None:
            candidate.launches = seen.launches
            candidate.launch_success_rate = round(seen.ok / seen.launches, 4)
            candidate.median_seconds_to_ready = (
                None if seen.median_ready is None else round(seen.median_ready, 1)
            )
    signals = _signals(candidates)
    count = len(candidates)
    for position, candidate in enumerate(candidates):
        bonus = ORDER_BONUS * (1 - position / count) if count > 1 else ORDER_BONUS
        score = sum(WEIGHTS[name] * signals[name][position] for name in WEIGHTS) + bonus
        candidate.score = round(score, 4)
        candidate.reasons = _reasons(candidate)
    basis = "history" if any(c.launches for c in candidates) else "resolver_order"
    ordered = sorted(candidates, key=lambda c: -c.score) if basis == "history" else list(candidates)
    for number, candidate in enumerate(ordered, 1):
        candidate.rank = number
    return ordered[:limit], basis


def _signals(candidates: list[Candidate]) -> dict[str, list[float]]:
    """Each signal of each candidate, 0..1 (the same neutral value where nothing is known)."""
    fastest = min(
        (c.median_seconds_to_ready for c in candidates if c.median_seconds_to_ready), default=None
    )
    costs = [_cost(c) for c in candidates]
    cheapest = min((c for c in costs if c), default=None)
    return {
        "success": [_success(c) for c in candidates],
        "speed": [
            fastest / c.median_seconds_to_ready
            if fastest and c.median_seconds_to_ready
            else NEUTRAL
            for c in candidates
        ],
        "rating": [_rating(c) for c in candidates],
        "cost": [cheapest / cost if cheapest and cost else NEUTRAL for cost in costs],
        "freshness": [
            NEUTRAL if c.age_days is None else 1 / (1 + c.age_days / HALF_FRESH_DAYS)
            for c in candidates
        ],
    }


def _success(candidate: Candidate) -> float:
    ok = (candidate.launch_success_rate or 0.0) * candidate.launches
    return (ok + PRIOR_SUCCESS * PRIOR_LAUNCHES) / (candidate.launches + PRIOR_LAUNCHES)


def _rating(candidate: Candidate) -> float:
    if candidate.rating is None or not candidate.rating_count:
        return (PRIOR_RATING - 1) / 4
    total = candidate.rating * candidate.rating_count + PRIOR_RATING * PRIOR_RATINGS
    return (total / (candidate.rating_count + PRIOR_RATINGS) - 1) / 4


def _cost(candidate: Candidate) -> float | None:
    """A launch's cost for comparison: an hour of the instance, plus the copy when one is needed
    (spread over ten launches)."""
    if candidate.hourly_usd is None:
        return None
    return candidate.hourly_usd + (candidate.transfer_usd or 0.0) / 10


def _reasons(candidate: Candidate) -> list[str]:
    """Why the candidate ranks where it does, in words."""
    reasons = []
    if "resolver" in candidate.sources:
        reasons.append(f"the resolver's pick ({candidate.method})")
    elif "fallback" in candidate.sources:
        reasons.append("the resolver's fallback image (the strategy provisions by script first)")
    if "own_build" in candidate.sources:
        reasons.append("your own build of the template as it is now")
    if candidate.launches:
        rate = candidate.launch_success_rate or 0.0
        ok = round(rate * candidate.launches)
        reasons.append(f"{ok} of {candidate.launches} recorded launches succeeded ({rate:.0%})")
        if candidate.launches >= WARN_LAUNCHES and rate < WARN_RATE:
            reasons.append("most of its launches failed: ranked down")
    else:
        reasons.append("never launched on this machine")
    if candidate.median_seconds_to_ready is not None:
        reasons.append(f"ready in {candidate.median_seconds_to_ready:.0f} s (median)")
    if candidate.rating is not None and candidate.rating_count:
        check = "verified" if candidate.verified else "not verified"
        reasons.append(
            f"rated {candidate.rating:.1f}/5 by {candidate.rating_count} in the community ({check})"
        )
    elif "community" in candidate.sources:
        reasons.append("a community image nobody has rated yet")
    if candidate.hourly_usd is not None:
        reasons.append(f"{candidate.instance_type} at ${candidate.hourly_usd:.4f}/hour")
    if candidate.copy_from:
        cost = f" (${candidate.transfer_usd:.2f} to copy)" if candidate.transfer_usd else ""
        reasons.append(f"needs a copy from {candidate.copy_from}{cost}")
    if candidate.age_days is not None:
        what = "updated" if candidate.sources == ["community"] else "built"
        reasons.append(f"{what} {candidate.age_days} day(s) ago")
    return reasons
