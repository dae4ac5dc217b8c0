"""`%cws panel launch|browse|cost|instances`: the ipywidgets panels, on the magic's service."""

from __future__ import annotations

from typing import Any

import click

from ..core.errors import CwsError
from .errors import as_usage_error

PANELS = ("launch", "browse", "cost", "instances")


@click.command("panel")
@click.argument("which", metavar="PANEL", type=click.Choice(PANELS))
@click.argument("template", required=False)
@click.pass_obj
def panel_command(context: tuple[Any, str | None], which: str, template: str | None) -> Any:
    """Show a panel: launch (resolve and launch a template), browse (catalogue), cost (compare
    regions) or instances (your workstations: stop, start, terminate). TEMPLATE preselects a
    template in the launch, cost and browse panels; without it, the template of your last
    `%cws` command that named one (resolve, costs, test, launch...) is preselected."""
    from .. import widgets

    service, recent = context
    if template is not None:
        service.get_template(template)  # an unknown template is a clear error, not a blank panel
    else:
        template = known_template(service, recent)
    if which == "launch":
        return widgets.LaunchPanel(service=service, template=template)
    if which == "cost":
        return widgets.CostPanel(service=service, template=template)
    if which == "browse":
        panel = widgets.BrowsePanel(service=service)
        if template is not None:
            panel.select(template)
        return panel
    return widgets.InstancesPanel(service=service)


def known_template(service: Any, slug: str | None) -> str | None:
    """``slug`` when it names a template of the catalogue (a cell's template does not)."""
    if not slug:
        return None
    try:
        return str(service.get_template(slug).template.slug)
    except CwsError:
        return None


def open_panel(args: list[str], make_service: Any, recent_template: str | None = None) -> Any:
    """Parse ``panel WHICH`` with click and build the widget; errors become ``UsageError``.

    ``recent_template``: the template the notebook's last `%cws` command named (the default)."""
    try:
        result = panel_command.main(
            args,
            prog_name="%cws panel",
            obj=(make_service({}), recent_template),
            standalone_mode=False,
        )
    except (click.ClickException, click.Abort, CwsError) as exc:
        raise as_usage_error(exc) from None
    return None if isinstance(result, int) else result
