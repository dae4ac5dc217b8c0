"""Ingest: spool files are claimed by rename, read up to their last whole line, committed with
their offsets, and deleted only after; whatever crashes where, nothing is lost or counted twice."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from analytics_support import spool_files

from cws_jupyter.core.analytics import Analytics
from cws_jupyter.core.analytics.ingest import CLAIM_MARK, STALE_TAIL_SECONDS, claim
from cws_jupyter.core.analytics.spool import append_lines


def line(i: int, kind: str = "saving") -> bytes:
    return (
        json.dumps(
            {"t": time.time(), "kind": kind, "template": "t", "usd": 1.0, "minutes": float(i)}
        )
        + "\n"
    ).encode()


def spool_of(analytics: Analytics) -> Path:
    folder = analytics.folder / "spool"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def savings(analytics: Analytics) -> int:
    return analytics.report().savings.count


def test_a_claimed_file_left_by_a_dead_ingest_is_ingested(analytics: Analytics) -> None:
    folder = spool_of(analytics)
    (folder / f"123-abcd.jsonl{CLAIM_MARK}1-dead").write_bytes(line(1) + line(2))
    assert savings(analytics) == 2
    assert spool_files(analytics.folder) == []


def test_a_crash_after_commit_does_not_count_a_file_twice(analytics: Analytics) -> None:
    """The file's offset is committed with its rows: a file that survived (the ingester died
    before deleting it) is read from that offset, that is, not at all."""
    folder = spool_of(analytics)
    claimed = folder / f"9-beef.jsonl{CLAIM_MARK}1-crashed"
    claimed.write_bytes(line(1) + line(2) + line(3))
    with analytics.store.session() as conn:  # ingests it, as a crashed ingester had done
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 3
    claimed.write_bytes(line(1) + line(2) + line(3))  # "not deleted": it is back
    with analytics.store.session(ingest_spool=False) as conn:
        conn.execute(
            "INSERT INTO spool_progress VALUES (?, ?)", [claimed.name, claimed.stat().st_size]
        )
    assert savings(analytics) == 3
    assert spool_files(analytics.folder) == []


def test_a_half_written_last_line_is_kept_until_it_is_finished(analytics: Analytics) -> None:
    folder = spool_of(analytics)
    whole, half = line(1), line(2)
    path = folder / "77-cafe.jsonl"
    path.write_bytes(whole + half[:10])
    assert savings(analytics) == 1
    (kept,) = spool_files(analytics.folder)
    assert CLAIM_MARK in kept.name  # claimed, kept for later
    with kept.open("ab") as handle:  # its writer finishes the line (no lock: e.g. Windows)
        handle.write(half[10:])
    assert savings(analytics) == 2
    assert spool_files(analytics.folder) == []


def test_an_unfinished_line_of_a_dead_writer_is_dropped_at_last(analytics: Analytics) -> None:
    folder = spool_of(analytics)
    path = folder / "78-cafe.jsonl"
    path.write_bytes(line(1) + b'{"t": 1, "kind": "sav')
    assert savings(analytics) == 1
    (kept,) = spool_files(analytics.folder)
    old = time.time() - STALE_TAIL_SECONDS - 60
    os.utime(kept, (old, old))
    assert savings(analytics) == 1
    assert spool_files(analytics.folder) == []


def test_corrupt_lines_are_skipped_and_the_rest_kept(analytics: Analytics) -> None:
    folder = spool_of(analytics)
    junk = b"not json\n" + b'{"t": "yesterday", "kind": "saving"}\n' + b'{"kind": "saving"}\n'
    (folder / "5-0000.jsonl").write_bytes(line(1) + junk + line(2))
    assert savings(analytics) == 2


def test_a_writer_racing_an_ingester_loses_nothing(analytics: Analytics) -> None:
    """One thread appends with the spool protocol while another claims files over and over:
    every line ends up read exactly once."""
    folder = spool_of(analytics)
    path = folder / "4242-race.jsonl"
    total = 3000
    done = threading.Event()

    def write() -> None:
        for i in range(total):
            append_lines(path, line(i))
        done.set()

    claimed: dict[Path, None] = {}  # claim() also answers files claimed earlier

    def steal() -> None:
        while not done.is_set():
            claimed.update(dict.fromkeys(claim(folder)))
        claimed.update(dict.fromkeys(claim(folder)))

    threads = [threading.Thread(target=write), threading.Thread(target=steal)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = b"".join(p.read_bytes() for p in claimed)
    minutes = sorted(json.loads(raw)["minutes"] for raw in lines.splitlines())
    assert minutes == [float(i) for i in range(total)]
    assert savings(analytics) == total


def test_append_lines_leaves_nothing_of_a_failed_write(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    path = tmp_path / "1-x.jsonl"
    first = line(1)
    append_lines(path, first)
    real_write = os.write

    def half_then_fail(fd: int, data: bytes) -> int:
        monkeypatch.setattr(os, "write", failing)
        return real_write(fd, bytes(data)[:7])

    def failing(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_fail)
    try:
        append_lines(path, line(2))
    except OSError as exc:
        assert exc.errno == 28
    else:
        raise AssertionError("the failed write was not reported")
    assert path.read_bytes() == first
