"""The AWS regions cws-jupyter accepts: a shipped data file, checks and spelling suggestions.

The list is ``aws_regions.json``, generated from botocore's endpoint data by
``python -m cws_jupyter.core.regions.generate``. Reading it never builds a botocore session, so
a broken AWS profile or config file cannot break a region check (and start-up stays fast).
"""

from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

DATA_FILE = "aws_regions.json"
#: The partitions whose regions are accepted: commercial, China, GovCloud.
PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
AZ_RE = re.compile(r"^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$")


@lru_cache(maxsize=1)
def region_data() -> dict[str, Any]:
    """The shipped data file, parsed once per process."""
    text = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def partitions() -> dict[str, str]:
    """Every known EC2 region, mapped to its partition name (aws, aws-cn, aws-us-gov)."""
    listed: dict[str, list[str]] = region_data()["partitions"]
    return {region: name for name in PARTITIONS for region in listed.get(name, [])}


def known_regions() -> frozenset[str]:
    """Every EC2 region of the commercial, China and GovCloud partitions."""
    return frozenset(partitions())


def _typo_distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit (us-esat-1)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def nearest_region(value: str) -> str | None:
    """The known region a mistyped name most likely meant, or None when nothing is close."""
    text = value.strip().lower()[:64]
    regions = sorted(known_regions())
    if text in regions:
        return text
    zone = AZ_RE.match(text)
    if zone and zone.group(1) in regions:
        return zone.group(1)
    scored = sorted(
        regions,
        key=lambda r: (_typo_distance(text, r), -difflib.SequenceMatcher(None, text, r).ratio()),
    )
    best = scored[0]
    return best if _typo_distance(text, best) <= max(2, len(best) // 4) else None


def _shown(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_region(value: str) -> str:
    """A region must be one AWS actually has; suggest the nearest spelling otherwise."""
    if not isinstance(value, str) or value not in known_regions():
        hint = nearest_region(value) if isinstance(value, str) else None
        if hint and AZ_RE.match(str(value).strip().lower()):
            suggestion = f"; that is an availability zone, its region is {hint}"
        else:
            suggestion = f"; did you mean {hint}?" if hint else ""
        raise ValueError(
            f"{_shown(value)} is not an AWS region{suggestion} (e.g. us-east-1, eu-west-1)"
        )
    return value
