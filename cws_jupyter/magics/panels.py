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
def panel_command(service: Any, which: str, template: str | None) -> Any:
    """Show a panel: launch (resolve and launch a template), browse (catalogue), cost (compare
    regions) or instances (your workstations: stop, start, terminate). TEMPLATE preselects a
    template in the launch, cost and browse panels."""
    from .. import widgets

    if template is not None:
        service.get_template(template)  # an unknown template is a clear error, not a blank panel
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


def open_panel(args: list[str], make_service: Any) -> Any:
    """Parse ``panel WHICH`` with click and build the widget; errors become ``UsageError``."""
    try:
        result = panel_command.main(
            args, prog_name="%cws panel", obj=make_service({}), standalone_mode=False
        )
    except (click.ClickException, click.Abort, CwsError) as exc:
        raise as_usage_error(exc) from None
    return None if isinstance(result, int) else result
