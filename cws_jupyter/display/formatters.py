"""IPython display formatters for the core's result types, registered by name (no early imports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: (module, class) -> (HTML renderer ``module:function`` in this package, CLI text renderer:
#: ``module:function`` under ``cws_jupyter.cli``, or a plain name in ``cws_jupyter.cli.render``)
RESULT_TYPES: dict[tuple[str, str], tuple[str, str]] = {
    ("cws_jupyter.core.resolver.models", "Resolution"): (
        "resolution:resolution_html",
        "render_resolution",
    ),
    ("cws_jupyter.core.resolver.models", "CostComparison"): (
        "resolution:cost_comparison_html",
        "render_costs",
    ),
    ("cws_jupyter.core.resolver.availability", "AvailabilityMatrix"): (
        "catalog:matrix_html",
        "render_matrix",
    ),
    ("cws_jupyter.core.service", "TemplateList"): (
        "catalog:template_list_html",
        "render_templates",
    ),
    ("cws_jupyter.core.templates.loader", "LoadedTemplate"): (
        "catalog:template_html",
        "render_template",
    ),
    ("cws_jupyter.core.templates.loader", "TemplateCheck"): ("catalog:check_html", "render_check"),
    ("cws_jupyter.core.sandbox.runtime", "SandboxInfo"): ("catalog:sandbox_html", "render_sandbox"),
    # Usage analytics: the report, an export, recommendations, region advice.
    ("cws_jupyter.core.analytics.models", "AnalyticsReport"): (
        "analytics:report_html",
        "render_analytics:render_report",
    ),
    ("cws_jupyter.core.analytics.models", "ExportResult"): (
        "analytics:export_html",
        "render_analytics:render_export",
    ),
    ("cws_jupyter.core.analytics.models", "Recommendations"): (
        "analytics:recommendations_html",
        "render_analytics:render_recommendations",
    ),
    ("cws_jupyter.core.analytics.models", "RegionAdvice"): (
        "analytics:region_advice_html",
        "render_analytics:render_region_advice",
    ),
    # The updater: builds on an old base, and a rebuild.
    ("cws_jupyter.core.images.updates", "OutdatedReport"): (
        "updates:outdated_html",
        "render_updates:render_outdated",
    ),
    ("cws_jupyter.core.images.updates", "RebuildResult"): (
        "updates:rebuild_html",
        "render_updates:render_rebuild",
    ),
    # Image security: a scan and a policy check.
    ("cws_jupyter.core.security.models", "SecurityReport"): (
        "security:security_report_html",
        "render_security:render_report",
    ),
    ("cws_jupyter.core.security.models", "PolicyCheck"): (
        "security:policy_check_html",
        "render_security:render_policy_check",
    ),
    # The AMI lifecycle and its jobs.
    ("cws_jupyter.core.images.models", "ImageBuild"): (
        "lifecycle:build_html",
        "render_images:render_build",
    ),
    ("cws_jupyter.core.images.models", "ImageList"): (
        "lifecycle:image_list_html",
        "render_images:render_image_list",
    ),
    ("cws_jupyter.core.images.models", "ImageDetails"): (
        "lifecycle:image_details_html",
        "render_images:render_image_info",
    ),
    ("cws_jupyter.core.images.models", "ShareResult"): (
        "lifecycle:share_html",
        "render_images:render_share",
    ),
    ("cws_jupyter.core.images.models", "CopyResult"): (
        "lifecycle:copy_html",
        "render_images:render_copy",
    ),
    ("cws_jupyter.core.images.models", "DeleteResult"): (
        "lifecycle:delete_html",
        "render_images:render_delete",
    ),
    ("cws_jupyter.core.images.models", "DeprecateResult"): (
        "lifecycle:deprecate_html",
        "render_images:render_deprecate",
    ),
    ("cws_jupyter.core.images.models", "PublishResult"): (
        "lifecycle:publish_html",
        "render_images:render_publish",
    ),
    ("cws_jupyter.core.images.stored_costs", "StoredImageCosts"): (
        "lifecycle:stored_costs_html",
        "render_images:render_stored",
    ),
    ("cws_jupyter.core.pins.lockfile", "LockFile"): ("pins:lock_html", "render_lock"),
    # The community registry.
    ("cws_jupyter.core.registry.models", "BrowsePage"): (
        "community:browse_html",
        "render_community:render_browse",
    ),
    ("cws_jupyter.core.registry.models", "AmiDetails"): (
        "community:details_html",
        "render_community:render_details",
    ),
    ("cws_jupyter.core.registry.models", "RateResult"): (
        "community:rated_html",
        "render_community:render_rated",
    ),
    ("cws_jupyter.core.registry.models", "SubmitResult"): (
        "community:submitted_html",
        "render_community:render_submitted",
    ),
    ("cws_jupyter.core.registry.models", "UseResult"): (
        "community:used_html",
        "render_community:render_used",
    ),
    ("cws_jupyter.core.jobs", "JobRecord"): ("lifecycle:job_html", "render_images:render_job"),
    ("cws_jupyter.core.jobs", "JobList"): ("lifecycle:jobs_html", "render_images:render_jobs"),
    # Workstations.
    ("cws_jupyter.core.instances.models", "InstanceList"): (
        "workstations:instances_html",
        "render_instances:render_instances",
    ),
    ("cws_jupyter.core.instances.models", "LaunchPlan"): (
        "workstations:plan_html",
        "render_instances:render_plan",
    ),
    ("cws_jupyter.core.instances.models", "LaunchResult"): (
        "workstations:launch_html",
        "render_instances:render_launch",
    ),
    ("cws_jupyter.core.instances.models", "InstanceAction"): (
        "workstations:action_html",
        "render_instances:render_action",
    ),
    # The migration tools.
    ("cws_jupyter.core.migration.models", "MigrationReport"): (
        "migration:analysis_html",
        "render_migrate:render_analysis",
    ),
    ("cws_jupyter.core.migration.models", "TemplateMigration"): (
        "migration:template_migration_html",
        "render_migrate:render_template_migration",
    ),
    ("cws_jupyter.core.migration.models", "InstanceMigration"): (
        "migration:instance_migration_html",
        "render_migrate:render_instance_migration",
    ),
    ("cws_jupyter.core.migration.models", "MigrationMatrix"): (
        "migration:matrix_html",
        "render_migrate:render_test_all",
    ),
}


def html_of(result: Any) -> str:
    """The HTML a notebook shows for a core result (KeyError: not a registered result type)."""
    return _html_renderer(RESULT_TYPES[_type_key(result)][0])(result)


def text_renderer_of(result: Any) -> str:
    """The terminal renderer's name (``module:function`` under ``cws_jupyter.cli``) of a result."""
    return RESULT_TYPES[_type_key(result)][1]


def _type_key(result: Any) -> tuple[str, str]:
    return type(result).__module__, type(result).__name__


def _html_renderer(spec: str) -> Callable[[Any], str]:
    """A lazy HTML renderer: imports ``cws_jupyter.display.<module>`` on first display."""
    module_name, func_name = spec.split(":")

    def render(obj: Any) -> str:
        import importlib

        module = importlib.import_module(f"{__package__}.{module_name}")
        return getattr(module, func_name)(obj)

    render.__name__ = func_name
    return render


def _text_renderer(name: str) -> Callable[[Any, Any, bool], None]:
    """A text/plain printer; a single check is printed as a one-item list."""
    from .text import pretty_printer

    if name == "render_check":
        inner = pretty_printer("render_checks")
        return lambda obj, p, cycle: inner([obj], p, cycle)
    return pretty_printer(name)


def register_formatters(shell: Any) -> None:
    """Register HTML and text forms of every core result type with an IPython shell."""
    formatters = shell.display_formatter.formatters
    html, plain = formatters["text/html"], formatters["text/plain"]
    for (module, name), (html_spec, text_name) in RESULT_TYPES.items():
        html.for_type_by_name(module, name, _html_renderer(html_spec))
        plain.for_type_by_name(module, name, _text_renderer(text_name))
