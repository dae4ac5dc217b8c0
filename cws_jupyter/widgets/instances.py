"""``InstancesPanel``: your workstations in a table; stop, start or terminate the selected one.

Listing and actions run in the background (``wait()`` joins them); every action ends with a
fresh list. Terminating needs a confirmation first: its disk is destroyed.
"""

from __future__ import annotations

import threading
from typing import Any

import ipywidgets as widgets

from ..display.html import MUTED, box, error_block, no_math, notes_block, tag
from ..display.workstations import action_html, instances_table, no_instances
from .base import LABEL_STYLE, PICKER_LAYOUT, NoMathHTML, Panel, panel_title, short_error_html
from .progress import ProgressBar

#: Which actions make sense in which state.
CAN_STOP = ("pending", "running")
CAN_START = ("stopped",)
GONE = ("terminated", "shutting-down")
CONFIRM_TEXT = "Yes, terminate it: its disk is destroyed"
VERB = {"stop": "Stopping", "start": "Starting", "terminate": "Terminating"}


class InstancesPanel(Panel):
    """Workstations launched from any front door: a table, Refresh, Stop, Start, Terminate."""

    def __init__(self, service: Any = None, include_terminated: bool = False) -> None:
        """Build the panel and start loading the list (in the background)."""
        super().__init__(service)
        self.listing: Any = None
        self.records: list[Any] = []
        self.last_action: Any = None
        self._working = False
        self.refresh_button = widgets.Button(
            description="Refresh", icon="refresh", tooltip="Ask AWS for the current state"
        )
        self.show_terminated = widgets.Checkbox(
            value=include_terminated, description="show terminated", indent=False
        )
        self.table = NoMathHTML()
        self.picker = widgets.Dropdown(
            options=[],
            description="Workstation",
            style=LABEL_STYLE,
            layout=widgets.Layout(**PICKER_LAYOUT),
        )
        self.stop_button = widgets.Button(
            description="Stop", icon="stop", tooltip="Stop it: the disk is kept, compute not billed"
        )
        self.start_button = widgets.Button(
            description="Start", icon="play", tooltip="Start it again"
        )
        self.terminate_button = widgets.Button(
            description="Terminate",
            icon="trash",
            button_style="danger",
            tooltip="Terminate it and delete its security group (tick the box first)",
        )
        self.confirm = widgets.Checkbox(value=False, description=CONFIRM_TEXT, indent=False)
        self.progress = ProgressBar(width="300px")
        self.status = NoMathHTML()
        self.result = NoMathHTML()
        self.refresh_button.on_click(self.refresh)
        self.show_terminated.observe(lambda _change: self.refresh(), names="value")
        self.picker.observe(self._selected, names="value")
        self.confirm.observe(lambda _change: self._update_buttons(), names="value")
        self.stop_button.on_click(self.stop)
        self.start_button.on_click(self.start)
        self.terminate_button.on_click(self.terminate)
        self.children = [
            panel_title("Your workstations"),
            widgets.HBox([self.refresh_button, self.show_terminated]),
            self.table,
            self.picker,
            widgets.HBox([self.stop_button, self.start_button, self.terminate_button]),
            self.confirm,
            self.progress,
            self.status,
            self.result,
        ]
        self._update_buttons()
        self.refresh()

    # -- the list ------------------------------------------------------------------------------
    @property
    def selected(self) -> Any:
        """The selected workstation's record, or None."""
        return next((r for r in self.records if r.name == self.picker.value), None)

    def select(self, name: str) -> None:
        """Select a workstation by name (it must be listed)."""
        self.picker.value = name

    def refresh(self, _button: Any = None) -> threading.Thread | None:
        """Load the list again (ignored while work runs)."""
        if self.busy:
            return None
        self._begin("Loading your workstations\u2026")
        return self.run_in_background(self._list, self._show_list, self._fail, self._end)

    def _list(self) -> Any:
        return self.service.instances.list(self.show_terminated.value)

    def _show_list(self, listing: Any) -> None:
        """Fill the table and the picker; keep the selection if it is still listed."""
        self.listing = listing
        self.records = list(listing.instances)
        names = [r.name for r in self.records]
        current = self.picker.value
        self.picker.options = [(f"{r.name} ({r.state}, {r.region})", r.name) for r in self.records]
        self.picker.value = current if current in names else (names[0] if names else None)
        self._draw_table()
        count = f"{len(self.records)} workstation(s)"
        self.status.value = str(no_math(tag("span", count, f"color: {MUTED}"), True))

    def _draw_table(self) -> None:
        body = instances_table(self.records, self.picker.value) if self.records else no_instances()
        notes = self.listing.notes if self.listing is not None else []
        self.table.value = str(box(body, notes_block(notes)))

    def _selected(self, _change: Any) -> None:
        """A new selection: mark it in the table; the confirmation starts unticked."""
        self.confirm.value = False
        if self.records:
            self._draw_table()
        self._update_buttons()

    # -- actions -------------------------------------------------------------------------------
    def stop(self, _button: Any = None) -> threading.Thread | None:
        """Stop the selected workstation."""
        return self.act("stop")

    def start(self, _button: Any = None) -> threading.Thread | None:
        """Start the selected workstation."""
        return self.act("start")

    def terminate(self, _button: Any = None) -> threading.Thread | None:
        """Terminate the selected workstation, once the confirmation is ticked."""
        if not self.confirm.value:
            self.result.value = str(
                error_block(f"Tick \u201c{CONFIRM_TEXT}\u201d first, then click Terminate.")
            )
            return None
        return self.act("terminate")

    def act(self, action: str, name: str | None = None) -> threading.Thread | None:
        """Run ``action`` on workstation ``name`` (default: the selected one) in the background,
        then list again (ignored while work runs)."""
        if self.busy:
            return None
        name = name or self.picker.value
        if not name:
            self.result.value = str(error_block("Select a workstation first."))
            return None
        yes = action == "terminate"
        self._begin(f"{VERB.get(action, action)} {name}\u2026")
        self.result.value = ""
        self.progress.start(f"{VERB.get(action, action)} {name}")
        instances = self.service.instances

        def work() -> tuple[Any, Any]:
            result = instances.act(name, action, yes=yes, progress=self.progress.report)
            return result, self._list()

        def done(outcome: tuple[Any, Any]) -> None:
            result, listing = outcome
            self.last_action = result
            self.confirm.value = False
            self.progress.finish(ok=True, message=f"{name} is {result.instance.state}")
            self._show_list(listing)
            self.result.value = action_html(result)

        def failed(exc: BaseException) -> None:
            if self.progress.events:
                self.progress.finish(ok=False, message=f"{action} failed")
            else:  # refused before anything ran
                self.progress.hide()
            self._fail(exc)
            self._reload_quietly()

        return self.run_in_background(work, done, failed, self._end)

    def _reload_quietly(self) -> None:
        """After a failed action, list again (still in the worker thread) if AWS answers."""
        try:
            self._show_list(self._list())
        except Exception:  # noqa: BLE001 - the action's error is the one shown
            return

    # -- busy, errors, buttons -----------------------------------------------------------------
    def _begin(self, message: str) -> None:
        self._working = True
        self._update_buttons()
        self.refresh_button.disabled = True
        self.status.value = str(
            no_math(tag("span", f"\u23f3 {message}", f"color: {MUTED}", class_="cws-busy"), True)
        )

    def _end(self) -> None:
        self._working = False
        self.refresh_button.disabled = False
        self._update_buttons()

    def _fail(self, exc: BaseException) -> None:
        """Show a failure: one sentence, the details folded."""
        self.status.value = ""
        self.result.value = short_error_html(exc)

    def _update_buttons(self) -> None:
        """Offer only what the selected workstation's state allows (nothing while work runs)."""
        record = self.selected
        state = record.state if record is not None else None
        idle = not self._working
        self.stop_button.disabled = not (idle and state in CAN_STOP)
        self.start_button.disabled = not (idle and state in CAN_START)
        alive = state is not None and state not in GONE
        self.confirm.disabled = not (idle and alive)
        self.terminate_button.disabled = not (idle and alive and self.confirm.value)
