"""Where to launch a template, seen from the user's region: availability, price, transfer, distance.

The regions weighed are the user's region, its fallback neighbours and the other regions of
its geography (at most ``MAX_REGIONS``), checked for the template's image all at once (the
availability matrix). A region without the image can get a copy from the region that has it
and charges least to send it there (inter-region transfer, USD per GB, from the price table;
the image size is the template's, as for the cost comparison).

Four signals from 0 to 1, weighted: the instance's hourly price there (cheapest = 1), the image
(there already = 1, a copy away = 0.6, nowhere near = 0), the distance (your region = 1, a
neighbour a little less by its rank, the same geography 0.6, elsewhere 0.3) and your recorded
launches of the template there (smoothed towards a 90% success rate, which is also the value
of a region without any: only failures there count against it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import RegionAdvice, RegionOption

if TYPE_CHECKING:
    from ..resolver.availability import RegionAvailability
    from ..templates.loader import LoadedTemplate
    from .sources import Sources

MAX_REGIONS = 12
WEIGHTS = {"price": 0.25, "image": 0.30, "distance": 0.25, "history": 0.20}
IMAGE_SCORE = {"direct": 1.0, "copy": 0.6, "none": 0.0}
DISTANCE_SCORE = {"here": 1.0, "neighbour": 0.85, "same_geography": 0.6, "far": 0.3}
NEIGHBOUR_STEP = 0.05
NEUTRAL = 0.5
PRIOR_SUCCESS, PRIOR_LAUNCHES = 0.9, 4

HISTORY = """
SELECT region, count(*), count(*) FILTER (WHERE result = 'ok')
FROM events WHERE kind = 'launch' AND template = ? AND region IS NOT NULL
GROUP BY region
"""


def regions_to_weigh(sources: Sources, from_region: str) -> list[str]:
    """The user's region, its neighbours, then the rest of its geography (bounded)."""
    region_map = sources.regions
    neighbours = region_map.fallbacks(from_region)
    continent = region_map.continent(from_region)
    same = [
        r
        for r in region_map.regions()
        if continent is not None and region_map.continent(r) == continent
    ]
    return list(dict.fromkeys([from_region, *neighbours, *same]))[:MAX_REGIONS]


def advise(
    sources: Sources,
    loaded: LoadedTemplate,
    from_region: str,
    limit: int,
    history: dict[str, tuple[int, int]],
) -> RegionAdvice:
    """Every region weighed, best first (``history``: region -> (launches, ok))."""
    from ..resolver.costs import template_image_gb
    from ..resolver.instances import candidate_architectures, instance_type_for

    template = loaded.template
    regions = regions_to_weigh(sources, from_region)
    matrix = sources.availability(loaded, regions)
    rows = {row.region: row for row in matrix.regions if row.available}
    arch = next(
        (r.architecture for r in rows.values() if r.architecture),
        candidate_architectures(template)[0],
    )
    instance_type = instance_type_for(template, arch)[0]
    size = template_image_gb(template)
    prices = sources.prices
    neighbours = sources.regions.fallbacks(from_region)
    options = [
        _option(sources, region, from_region, neighbours, rows, instance_type, size, history)
        for region in regions
    ]
    _score(options, [_closeness(o, neighbours) for o in options])
    options.sort(key=lambda o: -o.score)
    for number, option in enumerate(options, 1):
        option.rank = number
    notes = [
        f"transfer: inter-region USD per GB from the price table of {prices.as_of}, for an "
        f"image of {size} GB (the template's size; 30 GB when it names none)"
    ]
    if not rows:
        notes.append(
            "no region weighed holds an image of the template: each would provision by script"
        )
    return RegionAdvice(
        template=template.slug,
        from_region=from_region,
        architecture=arch,
        instance_type=instance_type,
        image_gb=size,
        options=options[:limit],
        prices_as_of=prices.as_of,
        notes=notes,
    )


def _distance(sources: Sources, region: str, home: str, neighbours: list[str]) -> str:
    if region == home:
        return "here"
    if region in neighbours:
        return "neighbour"
    same = sources.regions.continent(region) == sources.regions.continent(home)
    return "same_geography" if same else "far"


def _option(
    sources: Sources,
    region: str,
    home: str,
    neighbours: list[str],
    rows: dict[str, RegionAvailability],
    instance_type: str,
    size: int,
    history: dict[str, tuple[int, int]],
) -> RegionOption:
    prices = sources.prices
    option = RegionOption(
        region=region,
        display_name=sources.regions.display_name(region),
        continent=sources.regions.continent(region),
        distance=_distance(sources, region, home, neighbours),  # type: ignore[arg-type]
        available=region in rows,
        instance_type=instance_type,
        hourly_usd=prices.hourly(instance_type, region),
    )
    if region in rows:
        option.ami_id, option.method = rows[region].ami_id, rows[region].resolution_method
    elif rows:
        nearby = sources.regions.fallbacks(region) if region in sources.regions.regions() else []
        source = min(
            rows,
            key=lambda r: (
                prices.transfer_per_gb(r, region),
                nearby.index(r) if r in nearby else len(nearby),
                r,
            ),
        )
        option.copy_from = source
        option.copy_minutes = round(prices.copy_seconds(size) / 60, 1)
        option.transfer_usd = round(size * prices.transfer_per_gb(source, region), 4)
    launches, ok = history.get(region, (0, 0))
    if launches:
        option.launches, option.launch_success_rate = launches, round(ok / launches, 4)
    return option


def _closeness(option: RegionOption, neighbours: list[str]) -> float:
    """The distance signal: a nearer neighbour (earlier in the fallback list) scores higher."""
    score = DISTANCE_SCORE[option.distance]
    if option.distance == "neighbour":
        score -= NEIGHBOUR_STEP * neighbours.index(option.region)
    return score


def _score(options: list[RegionOption], closeness: list[float]) -> None:
    """Score and explain every option (prices compared with the cheapest weighed)."""
    cheapest = min((o.hourly_usd for o in options if o.hourly_usd), default=None)
    for option, distance in zip(options, closeness, strict=True):
        price = cheapest / option.hourly_usd if cheapest and option.hourly_usd else NEUTRAL
        image = IMAGE_SCORE[
            "direct" if option.available else "copy" if option.copy_from else "none"
        ]
        ok = (option.launch_success_rate or 0.0) * option.launches
        history = (ok + PRIOR_SUCCESS * PRIOR_LAUNCHES) / (option.launches + PRIOR_LAUNCHES)
        values = {"price": price, "image": image, "distance": distance, "history": history}
        option.score = round(sum(WEIGHTS[k] * v for k, v in values.items()), 4)
        option.reasons = _reasons(option, cheapest)


def _reasons(option: RegionOption, cheapest: float | None) -> list[str]:
    words = {
        "here": "your region",
        "neighbour": "a fallback neighbour of your region",
        "same_geography": f"same geography ({option.continent})",
        "far": f"another geography ({option.continent or 'unknown'})",
    }
    reasons = [words[option.distance]]
    if option.available:
        reasons.append(f"image here: {option.ami_id} ({option.method})")
    elif option.copy_from:
        reasons.append(
            f"needs a copy from {option.copy_from}: ~{option.copy_minutes:.0f} min, "
            f"${option.transfer_usd:.2f} once"
        )
    else:
        reasons.append("no image within reach: script provisioning")
    if option.hourly_usd is None:
        reasons.append(f"no known price for {option.instance_type} here")
    else:
        extra = (
            f" ({option.hourly_usd / cheapest - 1:+.0%} vs the cheapest)"
            if cheapest and option.hourly_usd > cheapest
            else " (the cheapest weighed)"
        )
        reasons.append(f"{option.instance_type} at ${option.hourly_usd:.4f}/hour{extra}")
    if option.launches:
        rate = option.launch_success_rate or 0.0
        reasons.append(
            f"{round(rate * option.launches)} of {option.launches} of your launches there succeeded"
        )
    return reasons
