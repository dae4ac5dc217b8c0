"""Damaged or unusable cache and state folders: a damaged or unwritable cache costs speed only,
with one warning, and the answer is still given; leftovers of killed writers are removed; a
home folder that leads nowhere (CWS_HOME=/dev/null, a HOME that is a file) costs only what needs
those folders, and every message names the setting to change."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from robust_support import cws, cws_server_config, make_fifo, unwritable, user_env
from traitlets.config import Config

from cws_jupyter.core import cache_sqlite
from cws_jupyter.core.cache_sqlite import CACHE_FILE, SqliteCache
from cws_jupyter.core.errors import BadInput
from cws_jupyter.core.pricing.book import PriceBook
from cws_jupyter.core.pricing.cache import TEMP_GLOB, write_refreshed
from cws_jupyter.core.pricing.models import CACHE_FILE as PRICES_FILE
from cws_jupyter.core.pricing.models import RefreshedPrices
from cws_jupyter.core.templates import discovery


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees its own once-per-process warnings."""
    monkeypatch.setattr(cache_sqlite, "_warned", set())
    monkeypatch.setattr(discovery, "_warned", set())


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The warnings logged (their messages)."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


# -- the lookup cache's file -----------------------------------------------------------------
def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


def _sqlite_header_then_garbage(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)


def _foreign_schema(path: Path) -> None:
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE entries (k TEXT, v BLOB)")
        db.execute("INSERT INTO entries VALUES ('x', 'y')")


def _json_not_sqlite(path: Path) -> None:
    path.write_text(json.dumps({"k": [1, 2, 3], "other": "not a dict entry"}))


def _folder(path: Path) -> None:
    path.mkdir()
    (path / "inside").write_text("x")


def _fifo(path: Path) -> None:
    make_fifo(path)


def _to_dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _dangling(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere" / "file")


def _truncated(path: Path) -> None:
    cache = SqliteCache(path)
    for i in range(200):
        cache.set(f"k{i}", {"i": i, "pad": "x" * 200}, ttl=600)
    cache._forget_connection()
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size // 3)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "garbage": _garbage,
    "sqlite-header-then-garbage": _sqlite_header_then_garbage,
    "foreign-schema": _foreign_schema,
    "json-not-sqlite": _json_not_sqlite,
    "a-folder": _folder,
    "a-fifo": _fifo,
    "symlink-to-dev-zero": _to_dev_zero,
    "dangling-symlink": _dangling,
    "truncated": _truncated,
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_cache_file_costs_speed_only(
    kind: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever lies where the cache file belongs: lookups answer (a miss at worst), nothing
    raises, at most one warning, and the cache works again afterwards."""
    path = tmp_path / "cache" / CACHE_FILE
    path.parent.mkdir()
    DAMAGE[kind](path)
    with caplog.at_level(logging.WARNING):
        cache = SqliteCache(path)
        assert cache.get("k") is None
        for _ in range(3):
            cache.set("k", {"v": 1}, ttl=60)
            assert cache.get("k") == {"v": 1}
            cache.evict_image("ami-0123456789abcdef0")
            cache.clear("nothing-")
    found = warnings_of(caplog)
    assert len(found) <= 1, found
    assert all(str(path) in w and "Traceback" not in w for w in found)
    assert found, "a damaged cache is worth one warning"
    assert SqliteCache(path).get("k") == {"v": 1}  # set aside and started anew


def test_leftovers_of_the_old_json_cache_and_its_killed_writers_are_removed(
    tmp_path: Path,
) -> None:
    """The JSON cache this one replaced (garbage, or entries that are not objects) and the temp
    files its killed writers left are removed when the cache first opens."""
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "ami-lookups.json").write_text('{"k": 42, "j": [1], "l": "x"}')
    (folder / "ami-lookups.json.lock").write_text("")
    leftovers = [folder / f".cache-{n}.tmp" for n in range(8)]
    for leftover in leftovers:
        leftover.write_text('{"half": ')
    cache = SqliteCache(folder / CACHE_FILE)
    cache.set("k", [1], ttl=60)
    assert cache.get("k") == [1]
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(CACHE_FILE)) == []


# -- the refreshed price table (prices.json) ---------------------------------------------------
PRICE_DAMAGE: dict[str, Callable[[Path], None]] = {
    "garbage": _garbage,
    "not-utf8": lambda p: p.write_bytes(b'{"format": \xff\xfe}'),
    "a-list": lambda p: p.write_text("[1, 2, 3]"),
    "a-number": lambda p: p.write_text("42"),
    "wrong-types": lambda p: p.write_text(json.dumps({"format": 1, "hourly": {"eu-west-1": 5}})),
    "non-dict-entries": lambda p: p.write_text(
        json.dumps({"format": 1, "hourly": {"eu-west-1": {"t3.micro": "cheap"}}})
    ),
    "nested-deep": lambda p: p.write_text("[" * 100_000 + "]" * 100_000),
    "a-folder": _folder,
    "a-fifo": _fifo,
    "symlink-to-dev-zero": _to_dev_zero,
    "truncated": lambda p: p.write_text('{"format": 1, "hourly": {"eu-w'),
}


@pytest.mark.parametrize("kind", sorted(PRICE_DAMAGE))
def test_a_damaged_price_file_falls_back_to_the_shipped_table(
    kind: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Prices are still given (the shipped table), with at most one warning naming the file."""
    path = tmp_path / PRICES_FILE
    PRICE_DAMAGE[kind](path)
    shipped = PriceBook.load(None).hourly("t3.micro", "eu-west-1")
    with caplog.at_level(logging.WARNING):
        book = PriceBook.load(tmp_path)
    assert book.hourly("t3.micro", "eu-west-1") == shipped
    found = warnings_of(caplog)
    assert len(found) <= 1 and all(str(path) in w for w in found), found


def _prices() -> RefreshedPrices:
    return RefreshedPrices(
        as_of="2026-01-01T00:00:00Z", source="test", hourly={"eu-west-1": {"t3.micro": 0.01}}
    )


def _unusable_folder(kind: str, tmp_path: Path) -> Path:
    """A cache folder that cannot hold files, of ``kind``."""
    if kind == "a-file":
        (tmp_path / "plain").write_text("x")
        return tmp_path / "plain"
    if kind == "below-a-file":
        (tmp_path / "plain").write_text("x")
        return tmp_path / "plain" / "cache"
    if kind == "dev-null":
        return Path("/dev/null/cache")
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["a-file", "below-a-file", "dev-null", "read-only"])
def test_writing_prices_where_they_cannot_go_says_what_to_change(kind: str, tmp_path: Path) -> None:
    """`prices refresh` into an unusable cache folder: BadInput naming the file and CWS_HOME."""
    if kind == "read-only":
        folder = tmp_path / "ro"
        with unwritable(folder), pytest.raises(BadInput) as caught:
            write_refreshed(folder, _prices())
        assert list(folder.iterdir()) == []  # no temp file left behind
    else:
        folder = _unusable_folder(kind, tmp_path)
        with pytest.raises(BadInput) as caught:
            write_refreshed(folder, _prices())
    assert caught.value.field == "CWS_HOME"
    assert str(folder / PRICES_FILE) in caught.value.message
    assert "CWS_HOME" in caught.value.message and "shipped price table" in caught.value.message


def test_temp_files_of_killed_price_writers_are_removed(tmp_path: Path) -> None:
    """A writer killed between its temp file and the rename leaves a `.prices.*.tmp`: the next
    write removes the old ones (a temp file being written right now is left alone)."""
    stale = [tmp_path / f".prices.{n}.tmp" for n in range(5)]
    for leftover in stale:
        leftover.write_text('{"half": ')
        os.utime(leftover, (time.time() - 3600, time.time() - 3600))
    busy = tmp_path / ".prices.busy.tmp"
    busy.write_text("{")
    write_refreshed(tmp_path, _prices())
    assert sorted(p.name for p in tmp_path.glob(TEMP_GLOB)) == [busy.name]
    assert PriceBook.load(tmp_path).hourly("t3.micro", "eu-west-1") == 0.01


def test_a_writer_killed_mid_write_leaves_nothing_the_next_run_keeps(tmp_path: Path) -> None:
    """A real process SIGKILLed while it writes prices over and over: whatever temp files it
    left are removed by the next write once stale, and prices.json is whole."""
    script = (
        "import sys, pathlib\n"
        "from cws_jupyter.core.pricing.cache import write_refreshed\n"
        "from cws_jupyter.core.pricing.models import RefreshedPrices\n"
        "data = RefreshedPrices(as_of='2026-01-01T00:00:00Z', source='test', hourly={'eu-west-1': "
        "{f't3.x{i}': 0.01 for i in range(20000)}})\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        "    write_refreshed(pathlib.Path(sys.argv[1]), data)\n"
    )
    for _ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(0.3)
        proc.kill()
        proc.wait(timeout=30)
        proc.stdout.close()
    for leftover in tmp_path.glob(TEMP_GLOB):
        os.utime(leftover, (time.time() - 3600, time.time() - 3600))
    write_refreshed(tmp_path, _prices())
    assert list(tmp_path.glob(TEMP_GLOB)) == []
    json.loads((tmp_path / PRICES_FILE).read_text())


def test_temp_files_of_killed_runtime_writers_are_removed(tmp_path: Path) -> None:
    """The sandbox's runtime file is written the same way, and its stale temp files go too."""
    from cws_jupyter.core.sandbox.runtime import SandboxInfo, write_runtime

    path = tmp_path / "sandbox.json"
    stale = tmp_path / f".{path.name}.abc.tmp"
    stale.write_text("{")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    info = SandboxInfo(
        endpoint_url="http://127.0.0.1:1",
        port=1,
        pid=1,
        started_at="2026-01-01T00:00:00Z",
        account_id="123456789012",
        world="test",
    )
    write_runtime(path, info)
    assert not stale.exists() and path.is_file()


# -- home folders that lead nowhere, from the command line ------------------------------------
def _homes(tmp_path: Path) -> dict[str, dict[str, str]]:
    plain = tmp_path / "plain-file"
    plain.write_text("x")
    return {
        "CWS_HOME=/dev/null": {"CWS_HOME": "/dev/null"},
        "CWS_HOME=a-file": {"CWS_HOME": str(plain)},
        "HOME=/etc/passwd": {"HOME": "/etc/passwd"},
        "HOME=a-file": {"HOME": str(plain)},
        "XDG_CONFIG_HOME=below-a-file": {"XDG_CONFIG_HOME": str(plain / "config")},
    }


HOMES = [
    "CWS_HOME=/dev/null",
    "CWS_HOME=a-file",
    "HOME=/etc/passwd",
    "HOME=a-file",
    "XDG_CONFIG_HOME=below-a-file",
]


def _env(case: str, tmp_path: Path) -> tuple[dict[str, str], str]:
    """The user's environment with ``case`` applied, and the setting the fix must name."""
    env = user_env(tmp_path / "home")
    overrides = _homes(tmp_path)[case]
    if "CWS_HOME" not in overrides:
        env.pop("CWS_HOME")
    env.update(overrides)
    setting = next(iter(overrides))
    return env, ("CWS_HOME" if setting == "CWS_HOME" else setting)


@pytest.mark.parametrize("case", HOMES)
def test_the_catalogue_is_listed_with_one_warning_naming_the_setting(
    case: str, tmp_path: Path
) -> None:
    """`templates list`: the built-in templates, exit 0, one warning line naming the setting;
    the default template folder (never configured) is not an error of the listing."""
    env, setting = _env(case, tmp_path)
    run = cws(env, "templates", "list", "--json", timeout=120)
    assert run.returncode == 0, run.stderr
    listing = json.loads(run.stdout)
    assert "python-ml" in {t["slug"] for t in listing["templates"]}
    assert listing["errors"] == []
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("warning: "), run.stderr
    assert setting in lines[0] and "make it a folder" not in lines[0], lines[0]


@pytest.mark.parametrize("case", HOMES)
def test_work_that_needs_no_folder_is_done(case: str, tmp_path: Path) -> None:
    """Costs (the shipped price table), a template, the region map: exit 0, no traceback."""
    env, _ = _env(case, tmp_path)
    for args in (("ami", "costs", "python-ml"), ("templates", "show", "python-ml")):
        run = cws(env, *args, timeout=120)
        assert run.returncode == 0, (args, run.stderr)
        assert "Traceback" not in run.stderr


@pytest.mark.parametrize("case", ["CWS_HOME=/dev/null", "HOME=a-file"])
def test_the_sandbox_needs_its_state_folder_and_says_which_setting(
    case: str, tmp_path: Path
) -> None:
    """The sandbox keeps its state in the state folder: exit 2, one error line naming the
    setting (after the warning about the default template folder)."""
    env, setting = _env(case, tmp_path)
    run = cws(env, "--sandbox", "ami", "resolve", "python-ml", "--region", "eu-west-1")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if not line.startswith("warning: ")]
    assert len(errors) == 1 and errors[0].startswith("error: "), run.stderr
    assert "state folder" in errors[0] and setting in errors[0] and "CWS_HOME" in errors[0]


# -- the same through the REST API and the notebook magic ------------------------------------
@pytest.fixture
def bad_entry(tmp_path: Path, cws_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A CWS_TEMPLATE_PATH entry that does not exist."""
    missing = tmp_path / "no-such-templates"
    monkeypatch.setenv("CWS_TEMPLATE_PATH", str(missing))
    return missing


@pytest.fixture
def jp_server_config(bad_entry: Path) -> Config:
    """The extension on the sandbox, with the bad entry in its environment."""
    return cws_server_config(sandbox=True)


async def test_rest_templates_reports_a_wrong_template_path_entry(
    api: Any, bad_entry: Path
) -> None:
    """GET templates: the catalogue, and the wrong entry among its errors with the fix."""
    status, listing, _ = await api("templates")
    assert status == 200, listing
    assert "python-ml" in {t["slug"] for t in listing["templates"]}
    (error,) = listing["errors"]
    assert str(bad_entry) in error and "CWS_TEMPLATE_PATH" in error


def test_the_magic_reports_a_wrong_template_path_entry(tmp_path: Path) -> None:
    """`%cws templates list` in a notebook shows the wrong entry with the fix."""
    missing = tmp_path / "no-such-templates"
    env = user_env(tmp_path / "home", CWS_TEMPLATE_PATH=str(missing))
    script = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "from IPython.utils.capture import capture_output\n"
        "shell = InteractiveShell.instance()\n"
        "shell.run_line_magic('load_ext', 'cws_jupyter')\n"
        "with capture_output() as out:\n"
        "    result = shell.run_cell('%cws templates list')\n"
        "assert result.success, result.error_in_exec\n"
        "print(out.stdout, out.stderr)\n"
        "for o in out.outputs:\n"
        "    print(o.data.get('text/html', o.data.get('text/plain', '')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert str(missing) in out.stdout and "CWS_TEMPLATE_PATH" in out.stdout
    assert "python-ml" in out.stdout
