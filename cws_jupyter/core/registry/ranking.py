"""How community images are ranked: a Bayesian average of ratings plus small, documented terms.

The ``best`` order (browse's default, and ``find_best_ami``) sorts by::

    bayes  = (rating_sum + PRIOR_MEAN * PRIOR_WEIGHT) / (rating_count + PRIOR_WEIGHT)
    score  = bayes
           + VERIFIED_BONUS                     if the submitter's images were verified
           + DOWNLOAD_WEIGHT * log10(1 + download_count)
           + RECENCY_PER_YEAR * years(last_updated - RECENCY_EPOCH)

``bayes`` pulls every image's average towards ``PRIOR_MEAN`` as if it had ``PRIOR_WEIGHT``
extra votes of that value: one 5-star vote gives (5 + 35) / 11 = 3.64, forty 4.6-star votes give
(184 + 35) / 50 = 4.38, so a well-tried image outranks a lucky newcomer. The other terms are
tie-breakers of at most a fraction of a star: a verified image gains 0.25; ten times the
downloads gain 0.1; an image updated a year later than another gains 0.1.

The recency term grows linearly with the update time rather than decaying with age: the gap
between two images is then the same whenever it is computed, so the score is stored on each row
(updated in the same transaction as the rating, download or verification that changes it) and
browse pages sort on an indexed column instead of computing a score for every row.

``sort=rating`` orders by ``bayes`` alone (also stored); the ``rating`` shown to users is the
plain average (``rating_sum / rating_count``).
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

#: The average the estimate starts from (stars), and how many votes that prior is worth.
PRIOR_MEAN = 3.5
PRIOR_WEIGHT = 10.0
#: Stars added when the submitter's images were verified in their regions.
VERIFIED_BONUS = 0.25
#: Stars per tenfold downloads.
DOWNLOAD_WEIGHT = 0.1
#: Stars per year of a later ``last_updated``, counted from ``RECENCY_EPOCH``.
RECENCY_PER_YEAR = 0.1
RECENCY_EPOCH = datetime(2025, 1, 1)
SECONDS_PER_YEAR = 365.25 * 24 * 3600
_EPOCH_SECONDS = RECENCY_EPOCH.replace(tzinfo=timezone.utc).timestamp()


def bayesian_rating(rating_sum: float, rating_count: int) -> float:
    """The Bayesian average of ``rating_count`` ratings adding up to ``rating_sum``."""
    return (rating_sum + PRIOR_MEAN * PRIOR_WEIGHT) / (rating_count + PRIOR_WEIGHT)


def rank_score(
    rating_sum: float,
    rating_count: int,
    verified: bool,
    download_count: int,
    last_updated: datetime,
) -> float:
    """The ``best`` score of one image (``last_updated`` in UTC; naive means UTC)."""
    if last_updated.tzinfo is None:
        last_updated = last_updated.replace(tzinfo=timezone.utc)
    years = (last_updated.timestamp() - _EPOCH_SECONDS) / SECONDS_PER_YEAR
    return (
        bayesian_rating(rating_sum, rating_count)
        + (VERIFIED_BONUS if verified else 0.0)
        + DOWNLOAD_WEIGHT * math.log10(1 + max(download_count, 0))
        + RECENCY_PER_YEAR * years
    )


def _num(value: float) -> str:
    """A constant as an SQL literal (constants only: never a user value)."""
    return repr(float(value))


def bayes_sql(total: str = "rating_sum", count: str = "rating_count") -> str:
    """``bayesian_rating`` as one SQL expression, over the ``ami_registry`` columns (or over
    the expressions given, e.g. ``?`` for the new values a write computed)."""
    return (
        f"((CAST({total} AS DOUBLE PRECISION) + {_num(PRIOR_MEAN * PRIOR_WEIGHT)})"
        f" / ({count} + {_num(PRIOR_WEIGHT)}))"
    )


def score_sql(
    total: str = "rating_sum", count: str = "rating_count", downloads: str = "download_count"
) -> str:
    """``rank_score`` as one SQL expression (both backends), over the ``ami_registry`` columns
    or the expressions given for the rating sum and count and the downloads."""
    return (
        f"({bayes_sql(total, count)}"
        f" + CASE WHEN verified THEN {_num(VERIFIED_BONUS)} ELSE 0.0 END"
        f" + {_num(DOWNLOAD_WEIGHT)} * log10(CAST(1 + {downloads} AS DOUBLE PRECISION))"
        f" + {_num(RECENCY_PER_YEAR)} * ((CAST(EXTRACT(EPOCH FROM last_updated) AS DOUBLE PRECISION)"
        f" - {_num(_EPOCH_SECONDS)}) / {_num(SECONDS_PER_YEAR)}))"
    )


#: The statement that refreshes the stored scores of one record (run after each change).
RESCORE_SQL = (
    f"UPDATE ami_registry SET rating_bayes = {bayes_sql()}, rank_score = {score_sql()} "
    "WHERE ami_id = ?"
)
