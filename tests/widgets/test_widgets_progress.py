"""ProgressBar and the notebook progress view: events from many threads, the end, failures."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from cws_jupyter.core.progress import Progress, Tally
from cws_jupyter.widgets import ProgressBar
from cws_jupyter.widgets.progress import progress_view


def test_events_move_the_bar_and_say_what_happens() -> None:
    """done/total becomes a percentage; a step of unknown length keeps the bar; words escaped."""
    bar = ProgressBar("copying <b>x</b> $a$")
    assert not bar.shown
    bar.report(Progress(step="copy", message="starting", done=1, total=4))
    assert bar.shown and bar.percent == 25 and bar.events == 1
    bar.report(Progress(step="tag", message="tagging [/x] <i>", done=0, total=0))
    assert bar.percent == 25  # unknown length: stays where it was
    label = bar.label.value
    assert "tagging [/x] &lt;i&gt;" in label and "<i>" not in label
    assert "copying &lt;b&gt;x&lt;/b&gt; &#36;a&#36;" in label and "tex2jax_ignore" in label
    bar.finish()
    assert bar.percent == 100 and bar.ok and bar.bar.bar_style == "success"
    assert "done in" in bar.label.value
    bar.report(Progress(step="late", done=0, total=10))  # after the end: ignored
    assert bar.percent == 100 and bar.events == 2


def test_events_from_many_threads_end_at_one_hundred_percent() -> None:
    """Eight regions reporting at once through a Tally: no error, and the end is 100 %."""
    bar = ProgressBar("copying to 8 regions")
    regions = [f"r{i}" for i in range(8)]
    tally = Tally(bar.report, "copy", regions)
    errors: list[BaseException] = []

    def region(name: str) -> None:
        try:
            for step in range(1, 51):
                tally.update(name, step / 50, f"{name}: {step}/50")
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=region, args=(r,)) for r in regions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors and bar.events == 400
    assert bar.last.done == bar.last.total == 800
    assert bar.percent == 100  # the last event (100 %) is always painted
    bar.finish()
    assert bar.ok and bar.percent == 100


def test_the_view_shows_its_bar_with_the_first_event_and_marks_the_end() -> None:
    """Displayed at once but hidden; shown by the first event; green and full at the end."""
    shown: list[Any] = []
    kept: list[ProgressBar] = []
    with progress_view("launching ws-1", show=shown.append, keep=kept.append) as report:
        bar = kept[0]
        assert shown == [bar] and not bar.shown
        report(Progress(step="launch", message="launching t3.large", done=0, total=0))
        assert bar.shown and "launching t3.large" in bar.label.value
        report(Progress(step="start", message="running", done=60, total=100))
        assert bar.percent == 60
    assert bar.ok and bar.percent == 100 and bar.bar.bar_style == "success"
    assert "launching ws-1" in bar.label.value and "done in" in bar.label.value


def test_the_view_turns_red_when_the_operation_fails_and_closes_when_silent() -> None:
    """An exception leaves the bar red where it stopped; a view never fed is closed."""
    kept: list[ProgressBar] = []
    view = progress_view("building", show=lambda _bar: None, keep=kept.append)
    with pytest.raises(RuntimeError), view as report:
        report(Progress(step="wait", done=30, total=100))
        raise RuntimeError("boom")
    assert kept[0].ok is False and kept[0].percent == 30 and kept[0].bar.bar_style == "danger"
    with progress_view("quiet", show=lambda _bar: None, keep=kept.append):
        pass
    assert kept[1].events == 0 and kept[1].comm is None  # closed: gone from the notebook
