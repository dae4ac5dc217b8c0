"""Is an AMI worth it? Per template: setup time, what an AMI saves and costs a month (no AWS)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import BadInput
from ..resolver.instances import candidate_architectures
from .models import MigrationReport, TemplateAnalysis, Verdict
from .selection import chosen_templates

if TYPE_CHECKING:
    from ..resolver.models import CostComparison
    from ..templates.loader import LoadedTemplate
    from .context import Services

#: Without a price, an AMI is worth it when it saves at least this much setup per launch.
UNPRICED_WORTH_SECONDS = 300


def analyze(
    service: Services,
    templates: list[str] | None,
    region: str | None,
    launches_per_month: int = 20,
) -> MigrationReport:
    """One row per template (every template on the path when none is named), no AWS calls."""
    if launches_per_month < 0:
        raise BadInput(
            f"launches per month must be 0 or more (got {launches_per_month})", field="launches"
        )
    region = region or service.settings.region
    service.regions.fallbacks(region)  # a bad region is bad input before any work
    loaded, errors = chosen_templates(service, templates)
    rows = [analyze_one(item, service.costs(item, region), launches_per_month) for item in loaded]
    return MigrationReport(
        region=region,
        launches_per_month=launches_per_month,
        price_as_of=service.prices.as_of,
        rows=rows,
        errors=errors,
    )


def analyze_one(
    loaded: LoadedTemplate, costs: CostComparison, launches_per_month: int
) -> TemplateAnalysis:
    """The row of one template, from its cost comparison."""
    template = loaded.template
    setup_cost = costs.script_setup_cost
    savings = round(setup_cost * launches_per_month, 4) if setup_cost is not None else None
    storage = costs.snapshot_storage_per_month
    net = round(savings - storage, 4) if savings is not None else None
    verdict = verdict_for(
        has_ami_config=template.ami_config is not None,
        ami_only=template.is_ami_only,
        net=net,
        setup_seconds=costs.script_setup_seconds,
    )
    return TemplateAnalysis(
        template=template.slug,
        name=template.name,
        path=loaded.path,
        has_ami_config=template.ami_config is not None,
        strategy=template.ami_config.strategy.value if template.ami_config else None,
        ami_only=template.is_ami_only,
        instance_type=costs.instance_type,
        architecture=candidate_architectures(template, None)[0],
        hourly_price=costs.hourly_price,
        script_setup_seconds=costs.script_setup_seconds,
        ami_launch_seconds=costs.ami_launch_seconds,
        minutes_saved_per_launch=round(costs.time_saved_seconds / 60, 1),
        setup_cost_per_launch=setup_cost,
        launches_per_month=launches_per_month,
        savings_per_month=savings,
        ami_storage_per_month=storage,
        net_per_month=net,
        break_even_launches_per_month=costs.break_even_launches_per_month,
        verdict=verdict,
        reason=_reason(verdict, costs, launches_per_month, savings, net),
    )


def verdict_for(
    *, has_ami_config: bool, ami_only: bool, net: float | None, setup_seconds: int
) -> Verdict:
    """The verdict: AMI-only or configured templates say so; else money (or, unpriced, time)."""
    if ami_only:
        return Verdict.AMI_ONLY
    if has_ami_config:
        return Verdict.ALREADY_USES_AN_AMI
    worth = setup_seconds >= UNPRICED_WORTH_SECONDS if net is None else net > 0
    return Verdict.WORTH_AN_AMI if worth else Verdict.SCRIPT_IS_FINE


def _reason(
    verdict: Verdict,
    costs: CostComparison,
    launches: int,
    savings: float | None,
    net: float | None,
) -> str:
    """One sentence: the numbers behind the verdict."""
    minutes = costs.time_saved_seconds / 60
    storage = costs.snapshot_storage_per_month
    if verdict is Verdict.AMI_ONLY:
        return "its software lives in the image; there is nothing to provision by script"
    if savings is None or net is None:
        return (
            f"an AMI saves about {minutes:.1f} min per launch; no price is known for "
            f"{costs.instance_type} in {costs.region}, so only the time was weighed"
        )
    money = (
        f"an AMI saves {minutes:.1f} min and ${costs.script_setup_cost or 0:.4f} per launch: "
        f"${savings:.2f} a month at {launches} launch(es), against ${storage:.2f} a month of "
        f"storage (net ${net:+.2f})"
    )
    if verdict is Verdict.ALREADY_USES_AN_AMI:
        return f"its ami_config finds images already; {money}"
    if costs.break_even_launches_per_month is not None:
        money += f"; break-even at {costs.break_even_launches_per_month:g} launches a month"
    return money
