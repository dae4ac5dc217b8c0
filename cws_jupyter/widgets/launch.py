"""``LaunchPanel``: pick template, region, strategy, architecture; resolve; then launch what the
resolution found as a named workstation, in the background, with a progress bar."""

from __future__ import annotations

import ipaddress
import re
import threading
from typing import Any

import ipywidgets as widgets

from ..core.errors import BadInput
from ..display.html import BAD, GOOD, MUTED, Raw, colour, join, no_math, tag
from ..display.resolution import resolution_html
from ..display.workstations import launch_html
from .base import (
    ARCHITECTURES,
    LABEL_STYLE,
    PICKER_LAYOUT,
    NoMathHTML,
    Panel,
    dropdown,
    panel_title,
    region_options,
    short_error_html,
    template_options,
)
from .progress import ProgressBar

STRATEGIES = [
    ("the template's own", ""),
    ("ami_preferred", "ami_preferred"),
    ("ami_required", "ami_required"),
    ("ami_fallback", "ami_fallback"),
]
RESOLVE_FIRST = "Resolve first: Launch starts the workstation the resolution describes."
RESOLVE_AGAIN = "The choices changed since the last resolution: resolve again, then launch."
LAUNCHED_STYLE = f"border-left: 4px solid {GOOD}; padding: 2px 0 2px 10px; margin: 8px 0"
LAUNCH_READY = "Launch this workstation (runs in the background; it is billed while it runs)."
CIDR_HINT = "your address/32, e.g. 203.0.113.7/32 (empty: no port open)"
#: ``<template>-<n>``: a default name, bumped after each launch.
NUMBERED = re.compile(r"^(?P<stem>.+)-(?P<n>\d+)$")


def default_name(template: str | None, number: int = 1) -> str:
    """``<template>-1``: a valid workstation name for a template slug."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", template or "workstation").strip("-._")
    return f"{stem[:58] or 'workstation'}-{number}"


def parse_cidrs(text: str) -> list[str]:
    """Address ranges typed as ``a/32, b/24`` (commas or spaces); BadInput for a malformed one.

    Only the notation is checked here; the core decides what may be opened (not the world).
    """
    ranges = [part for part in re.split(r"[,\s]+", text.strip()) if part]
    for item in ranges:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise BadInput(
                f"{item!r} is not an address range: use CIDR notation such as 203.0.113.7/32",
                field="cidr",
            ) from None
    return ranges


def check_workstation_name(name: str) -> str:
    """The name as the core will check it (BadInput says what is allowed)."""
    from ..core.instances.book import check_name

    return check_name(name)


class LaunchPanel(Panel):
    """Resolve the best AMI for a template in a region, then launch it as a named workstation."""

    def __init__(
        self,
        service: Any = None,
        template: str | None = None,
        region: str | None = None,
        name: str | None = None,
    ) -> None:
        """Build the pickers from the service's catalogue and region map."""
        super().__init__(service)
        self.summaries = {t.slug: t for t in self.service.list_templates().templates}
        self.template_picker = dropdown("Template", template_options(self.service), template)
        self.template_info = NoMathHTML()
        self.region_picker = dropdown(
            "Region", region_options(self.service), region or self.service.settings.region
        )
        self.strategy_picker = dropdown("Strategy", STRATEGIES)
        self.arch_picker = dropdown("Architecture", ARCHITECTURES)
        self.name_field = widgets.Text(
            value=name or default_name(self.template_picker.value),
            description="Name",
            placeholder="letters, digits, '.', '_' or '-'",
            continuous_update=True,
            style=LABEL_STYLE,
            layout=widgets.Layout(**PICKER_LAYOUT),
        )
        self.cidr_field = widgets.Text(
            value="",
            description="Access from",
            placeholder=CIDR_HINT,
            continuous_update=True,
            style=LABEL_STYLE,
            layout=widgets.Layout(**PICKER_LAYOUT),
        )
        self.field_hint = NoMathHTML()
        self.resolve_button = widgets.Button(
            description="Resolve",
            button_style="primary",
            icon="search",
            tooltip="Find the best AMI (runs in the background)",
        )
        self.launch_button = widgets.Button(
            description="Launch", icon="rocket", disabled=True, tooltip=RESOLVE_FIRST
        )
        self.progress = ProgressBar(width="300px")
        self.status = NoMathHTML()
        self.launch_output = NoMathHTML()
        self.result = NoMathHTML()
        self.resolution: Any = None
        self.resolved_choices: tuple[Any, ...] | None = None
        self.launched: Any = None
        self.launch_error: BaseException | None = None
        self.launching = False
        self._working = False
        self._name_follows_template = name is None
        self._setting_name = False
        self.template_picker.observe(self._describe, names="value")
        self.template_picker.observe(self._template_changed, names="value")
        for picker in (self.region_picker, self.strategy_picker, self.arch_picker):
            picker.observe(self._update_launch_button, names="value")
        self.name_field.observe(self._name_edited, names="value")
        self.cidr_field.observe(self._update_launch_button, names="value")
        self.resolve_button.on_click(self.resolve)
        self.launch_button.on_click(self.launch)
        self._describe()
        self.children = [
            panel_title("Resolve and launch a workstation"),
            self.template_picker,
            self.template_info,
            self.region_picker,
            self.strategy_picker,
            self.arch_picker,
            self.name_field,
            self.cidr_field,
            self.field_hint,
            widgets.HBox([self.resolve_button, self.launch_button]),
            self.progress,
            self.status,
            self.launch_output,
            self.result,
        ]
        self._update_launch_button()

    # -- choices -------------------------------------------------------------------------------
    def choices(self) -> tuple[Any, ...]:
        """What a resolution depends on: template, region, strategy, architecture."""
        return (
            self.template_picker.value,
            self.region_picker.value,
            self.strategy_picker.value,
            self.arch_picker.value,
        )

    def _describe(self, _change: Any = None) -> None:
        """Show the selected template's description and strategy."""
        summary = self.summaries.get(self.template_picker.value)
        if summary is None:
            self.template_info.value = ""
            return
        strategy = summary.strategy or "script provisioning"
        about = join(
            [
                summary.description,
                " ",
                tag("i", f"({summary.category or 'uncategorised'}; {strategy})"),
            ]
        )
        self.template_info.value = str(
            no_math(tag("div", about, f"margin: 0 0 4px 100px; color: {MUTED}"))
        )

    def _template_changed(self, change: Any) -> None:
        """A new template: the default name follows it (unless the user typed one)."""
        if self._name_follows_template:
            self._set_name(default_name(change["new"]))
        self._update_launch_button()

    def _set_name(self, name: str) -> None:
        self._setting_name = True
        try:
            self.name_field.value = name
        finally:
            self._setting_name = False

    def _name_edited(self, _change: Any) -> None:
        """The user typed a name: it no longer follows the template."""
        if not self._setting_name:
            self._name_follows_template = False
        self._update_launch_button()

    def input_problems(self) -> list[str]:
        """What is wrong with the name and the address ranges (empty when both are fine)."""
        problems = []
        for check, value in (
            (check_workstation_name, self.name_field.value.strip()),
            (parse_cidrs, self.cidr_field.value),
        ):
            try:
                check(value)
            except BadInput as exc:
                problems.append(exc.message)
        return problems

    def _update_launch_button(self, _change: Any = None) -> None:
        """Launch is possible once a resolution for the current choices is shown."""
        problems = self.input_problems()
        self.field_hint.value = (
            str(no_math(join(tag("div", colour(p, BAD), "margin-left: 100px") for p in problems)))
            if problems
            else ""
        )
        if self._working:
            return
        if self.resolution is None:
            self.launch_button.disabled, self.launch_button.tooltip = True, RESOLVE_FIRST
        elif self.resolved_choices != self.choices():
            self.launch_button.disabled, self.launch_button.tooltip = True, RESOLVE_AGAIN
        elif problems:
            self.launch_button.disabled, self.launch_button.tooltip = True, problems[0]
        else:
            self.launch_button.disabled, self.launch_button.tooltip = False, LAUNCH_READY

    # -- resolve -------------------------------------------------------------------------------
    def resolve(self, _button: Any = None) -> threading.Thread | None:
        """Start resolving with the current choices (ignored while a resolution runs)."""
        if self.busy:
            return None
        template, region = self.template_picker.value, self.region_picker.value
        strategy = self.strategy_picker.value or None
        arch = None if self.arch_picker.value == "auto" else self.arch_picker.value
        choices = self.choices()
        self._set_busy(True, f"Resolving {template} in {region}\u2026")
        return self.run_in_background(
            lambda: self.service.resolve(
                template, region=region, strategy=strategy, architecture=arch
            ),
            lambda resolution: self._show(resolution, choices),
            self._fail,
            lambda: self._set_busy(False),
        )

    def _set_busy(self, busy: bool, message: str = "") -> None:
        """Disable the buttons and say what runs, or restore them."""
        self._working = busy
        self.resolve_button.disabled = busy
        self.resolve_button.description = "Resolving\u2026" if busy else "Resolve"
        self.resolve_button.icon = "hourglass-half" if busy else "search"
        if busy:
            self.launch_button.disabled = True
            self.status.value = self._busy_html(message)
        else:
            self._update_launch_button()

    @staticmethod
    def _busy_html(message: str) -> str:
        return str(
            no_math(tag("span", f"\u23f3 {message}", f"color: {MUTED}", class_="cws-busy"), True)
        )

    def _show(self, resolution: Any, choices: tuple[Any, ...] | None = None) -> None:
        """Show a resolution."""
        self.resolution = resolution
        self.resolved_choices = choices if choices is not None else self.choices()
        self.status.value = str(no_math(tag("span", resolution.summary(), f"color: {MUTED}"), True))
        self.result.value = resolution_html(resolution)

    def _fail(self, exc: BaseException) -> None:
        """Show a failed resolution: one sentence, the tiers tried folded beneath it."""
        self.resolution = None
        self.resolved_choices = None
        self.status.value = ""
        self.result.value = short_error_html(exc)

    # -- launch --------------------------------------------------------------------------------
    def launch(self, _button: Any = None) -> threading.Thread | None:
        """Launch the workstation in the background (ignored while work runs).

        Plans with the current choices (``service.instances.plan``: it resolves again, checks
        the name and the address ranges), then runs it (``service.instances.run``) feeding the
        progress bar. The button waits for a resolution; called directly, this resolves
        itself. An architecture chosen by hand means the resolution's instance type.
        """
        if self.busy:
            return None
        problems = self.input_problems()
        if problems:
            self.launch_error = BadInput(problems[0])
            self.launch_output.value = short_error_html(self.launch_error)
            return None
        template, region = self.template_picker.value, self.region_picker.value
        strategy = self.strategy_picker.value or None
        arch = None if self.arch_picker.value == "auto" else self.arch_picker.value
        shown = self.resolution if self.resolved_choices == self.choices() else None
        name = self.name_field.value.strip()
        cidrs = parse_cidrs(self.cidr_field.value)
        self._set_launching(True, name, region)
        self.progress.start(f"Launching {name}")

        def work() -> Any:
            service = self.service
            instance_type = None
            if arch is not None:  # the plan knows architectures by instance type only
                found = shown or service.resolve(
                    template, region=region, strategy=strategy, architecture=arch
                )
                instance_type = found.instance_type
            plan = service.instances.plan(
                service.get_template(template),
                name,
                region=region,
                strategy=strategy,
                cidrs=cidrs,
                instance_type=instance_type,
            )
            self.progress.title = f"Launching {name} ({plan.instance_type} in {plan.region})"
            return service.instances.run(plan, progress=self.progress.report)

        return self.run_in_background(
            work, self._launched, self._launch_failed, lambda: self._set_launching(False)
        )

    def _set_launching(self, busy: bool, name: str = "", region: str = "") -> None:
        """Disable both buttons while a launch runs, or restore them."""
        self.launching = self._working = busy
        self.resolve_button.disabled = busy
        self.launch_button.disabled = busy
        self.launch_button.description = "Launching\u2026" if busy else "Launch"
        self.launch_button.icon = "hourglass-half" if busy else "rocket"
        if busy:
            self.launch_error = None
            self.launch_output.value = ""
            self.status.value = self._busy_html(f"Launching {name} in {region}\u2026")
        else:
            self._update_launch_button()

    def _launched(self, result: Any) -> None:
        """Show the launched workstation (marked off from the resolution); offer the next name."""
        self.launched = result
        record = result.instance
        self.progress.finish(ok=True, message=f"{record.name} is {record.state}")
        self.status.value = ""
        self.launch_output.value = str(
            tag("div", Raw(launch_html(result)), LAUNCHED_STYLE, class_="cws-launched")
        )
        numbered = NUMBERED.match(record.name)
        if numbered and self.name_field.value.strip() == record.name:
            self._set_name(f"{numbered['stem']}-{int(numbered['n']) + 1}")

    def _launch_failed(self, exc: BaseException) -> None:
        """Show a failed launch: one sentence, the details folded (the bar only if it moved)."""
        self.launch_error = exc
        if self.progress.events:
            self.progress.finish(ok=False, message="launch failed")
        else:  # refused while planning: nothing ran
            self.progress.hide()
        self.status.value = ""
        self.launch_output.value = short_error_html(exc)
