"""Ending `cws` without the interpreter's teardown loses nothing: threads finish, exit hooks
run, output is flushed, and the exit status is what ``sys.exit`` would give."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cws_jupyter.cli.ending import FLUSH_FAILED, exit_status

SCRIPT = """
import atexit, sys, threading, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from cws_jupyter.cli.ending import end

out = Path(sys.argv[1])

def late_thread():
    time.sleep(0.3)
    (out / "thread").write_text("done")

def queued_work():
    time.sleep(0.3)
    (out / "pool").write_text("done")

threading.Thread(target=late_thread).start()
pool = ThreadPoolExecutor(1)
pool.submit(queued_work)
atexit.register(lambda: (out / "atexit").write_text("ran"))
sys.stdout.write("unflushed output, no newline")
end({code})
"""


#: Output buffered as usual (this environment may ask for unbuffered output).
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _run(tmp_path: Path, code: str, **kwargs) -> subprocess.CompletedProcess:
    script = tmp_path / "ending.py"
    script.write_text(textwrap.dedent(SCRIPT.format(code=code)))
    return subprocess.run(
        [sys.executable, str(script), str(tmp_path)],
        capture_output="stdout" not in kwargs,
        text=True,
        timeout=60,
        check=False,
        env=BUFFERED,
        **kwargs,
    )


@pytest.mark.parametrize(("code", "status"), [("0", 0), ("None", 0), ("3", 3), ("'no'", 1)])
def test_threads_exit_hooks_and_output_all_finish(tmp_path: Path, code: str, status: int) -> None:
    done = _run(tmp_path, code)
    assert done.returncode == status
    assert done.stdout == "unflushed output, no newline"
    assert (tmp_path / "thread").read_text() == "done"  # a non-daemon thread was waited for
    assert (tmp_path / "pool").read_text() == "done"  # an executor's work item too
    assert (tmp_path / "atexit").read_text() == "ran"
    assert done.stderr == ("no\n" if code == "'no'" else "")


def test_output_nobody_reads_fails_the_process(tmp_path: Path) -> None:
    """As Python does: standard output that cannot be flushed (the reader went away) is status
    120; the exit hooks still ran."""
    script = tmp_path / "ending.py"
    script.write_text(textwrap.dedent(SCRIPT.format(code="0")))
    proc = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=BUFFERED,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # before the script flushes (its threads take 0.3 s)
    assert proc.wait(timeout=60) == FLUSH_FAILED
    assert (tmp_path / "atexit").read_text() == "ran"


def test_exit_status_is_that_of_sys_exit() -> None:
    assert [exit_status(c) for c in (None, 0, 2, True)] == [0, 0, 2, True]


def test_the_cws_command_ends_with_its_status_and_whole_output(tmp_path: Path) -> None:
    cws = [sys.executable, "-m", "cws_jupyter.cli.main"]
    env = {"CWS_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "COLUMNS": "200"}
    listed = subprocess.run(
        [*cws, "templates", "list", "--json"], capture_output=True, text=True, env=env, check=False
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.rstrip().endswith("}")  # the JSON document, whole
    missing = subprocess.run(
        [*cws, "templates", "show", "no-such-template"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert missing.returncode == 2
    assert "no template named 'no-such-template'" in missing.stderr
