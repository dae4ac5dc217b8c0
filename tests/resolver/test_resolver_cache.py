"""The lookup cache: warm resolutions make no AWS calls, in this process and in a new one."""

from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from resolver_world import CANONICAL, family, image_id

from cws_jupyter.core.cache import LayeredCache, MemoryCache
from cws_jupyter.core.cache_sqlite import CACHE_FILE, SqliteCache

SEARCH = f"""
    name: T
    ami_config:
      ami_search: {{owner: "{CANONICAL}", name_pattern: "ubuntu-*"}}
"""


def test_warm_resolution_makes_no_calls(aws_world, make_service):
    """The second resolution in a process is served from memory."""
    aws_world([family("ubuntu", ["us-east-1"], name="ubuntu-{arch}")])
    svc = make_service({"t": SEARCH})
    cold = svc.resolve("t", region="us-east-1")
    warm = svc.resolve("t", region="us-east-1")
    # cold: the own-build tier's two lookups (own images, images shared with us), then the search
    assert cold.aws_calls == 3 and warm.aws_calls == 0
    assert warm.ami_id == cold.ami_id


def test_new_service_reads_the_disk_cache(aws_world, make_service):
    """A new service (as in a new process) with the same cache folder makes zero AWS calls."""
    aws_world([family("ubuntu", ["us-east-1"], name="ubuntu-{arch}")])
    first = make_service({"t": SEARCH})
    first.resolve("t", region="us-east-1")
    second = make_service({"t": SEARCH})
    assert second.resolve("t", region="us-east-1").aws_calls == 0


def test_ttl_zero_disables_caching(aws_world, make_service):
    """AMI_CACHE_TTL=0: every resolution asks AWS."""
    aws_world([family("ubuntu", ["us-east-1"], name="ubuntu-{arch}")])
    svc = make_service({"t": SEARCH}, cache_ttl=0)
    svc.resolve("t", region="us-east-1")
    assert svc.resolve("t", region="us-east-1").aws_calls == 3  # own builds (2) + the search


def test_deregistered_mapped_ami_is_evicted(aws_world, make_service):
    """An AMI found gone is dropped from every cached lookup that mentions it."""
    aws_world([family("ubuntu", ["us-east-1"], name="ubuntu-{arch}")])
    mapped = image_id("ubuntu", "us-east-1")
    svc = make_service(
        {
            "t": f"""
        name: T
        packages: {{system: [git]}}
        ami_config:
          ami_mappings: {{us-east-1: {mapped}}}
    """
        }
    )
    assert svc.resolve("t", region="us-east-1").ami_id == mapped
    svc.access.client("ec2", "us-east-1").deregister_image(ImageId=mapped)
    svc.catalog.forget(
        mapped
    )  # what the lifecycle does when it deregisters, or a launch finds it gone
    res = svc.resolve("t", region="us-east-1")
    assert res.ami_id is None and any("no longer exists" in w for w in res.warnings)
    with sqlite3.connect(svc.settings.cache_dir / CACHE_FILE) as db:
        values = [row[0] for row in db.execute("SELECT value FROM entries")]
    assert values and all(mapped not in v for v in values)


def test_disk_cache_survives_a_damaged_file(tmp_path, caplog: pytest.LogCaptureFixture):
    """A cache file that is not a database is set aside with one warning, and a new one serves."""
    path = tmp_path / CACHE_FILE
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    with caplog.at_level(logging.WARNING, logger="cws_jupyter.core.cache_sqlite"):
        cache = SqliteCache(path)
        assert cache.get("k") is None
        cache.set("k", [1], ttl=60)
    assert SqliteCache(path).get("k") == [1]
    assert (tmp_path / f"{CACHE_FILE}.damaged").exists()
    assert [r.getMessage() for r in caplog.records if "damaged" in r.getMessage()] != []
    assert len(caplog.records) == 1


def test_cache_entries_expire(tmp_path):
    """Entries past their TTL are misses in both layers."""
    now = [1000.0]
    cache = LayeredCache(
        MemoryCache(lambda: now[0]), SqliteCache(tmp_path / CACHE_FILE, lambda: now[0])
    )
    cache.set("k", {"a": 1}, ttl=10)
    assert cache.get("k") == {"a": 1}
    now[0] += 11
    assert cache.get("k") is None


def test_concurrent_processes_share_the_disk_cache(tmp_path):
    """Several real processes writing the cache at once lose no entries."""
    script = textwrap.dedent(f"""
        import sys
        from cws_jupyter.core.cache_sqlite import SqliteCache
        cache = SqliteCache(__import__("pathlib").Path({str(tmp_path / CACHE_FILE)!r}))
        for i in range(20):
            cache.set(f"{{sys.argv[1]}}-{{i}}", [i], ttl=600)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n)]) for n in range(4)]
    assert all(p.wait(timeout=60) == 0 for p in procs)
    cache = SqliteCache(tmp_path / CACHE_FILE)
    assert all(cache.get(f"{n}-{i}") == [i] for n in range(4) for i in range(20))


def test_clearing_the_sandbox_keeps_real_aws_entries(tmp_path):
    """`cws sandbox reset` forgets sandbox lookups only."""
    cache = LayeredCache(MemoryCache(), SqliteCache(tmp_path / CACHE_FILE))
    cache.set("sandbox@http://127.0.0.1:1|us-east-1|ssm|x", {"a": 1}, ttl=60)
    cache.set("aws:default::abc|us-east-1|ssm|x", {"b": 2}, ttl=60)
    cache.clear("sandbox@")
    assert cache.get("sandbox@http://127.0.0.1:1|us-east-1|ssm|x") is None
    assert SqliteCache(tmp_path / CACHE_FILE).get("aws:default::abc|us-east-1|ssm|x") == {"b": 2}


def test_inline_validation_reports_instead_of_raising(make_service, aws_world):
    """A template in a notebook cell is checked: errors in the result, no exception."""
    aws_world([])
    svc = make_service({})
    bad = svc.validate_inline("name: X\nami_config: {strategy: sometimes}\n")
    assert not bad.ok and "ami_config.strategy" in bad.errors[0]
    good = svc.validate_inline("name: X\nminimum_size: M\n")
    assert good.ok and "minimum_size" in good.warnings[0]


# -- a damaged or unusable cache costs speed only: the answer is given, with one warning ---------
#: Cached values of a shape no lookup ever stores (each lookup's own values are lists of image
#: dicts, or maps of names to strings).
WRONG_SHAPES = [42, "text", True, [1, 2], {"a": 1}, [{"Tags": 5}], {"a": [1]}, [[]]]


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("value", WRONG_SHAPES, ids=[json.dumps(v) for v in WRONG_SHAPES])
def test_entries_of_the_wrong_shape_are_asked_again(
    aws_world, make_service, caplog: pytest.LogCaptureFixture, value
):
    """Every entry of the shared cache rewritten to a wrong shape (a foreign or damaged cache):
    a new process gives the same answer, asking AWS again, with one warning."""
    aws_world([family("ubuntu", ["us-east-1"], name="ubuntu-{arch}")])
    first = make_service({"t": SEARCH}).resolve("t", region="us-east-1")
    with sqlite3.connect(make_service({}).settings.cache_dir / CACHE_FILE) as db:
        db.execute("UPDATE entries SET value = ?", (json.dumps(value),))
    with caplog.at_level(logging.WARNING):
        svc = make_service({"t": SEARCH})
        again = svc.resolve("t", region="us-east-1")
        warm = svc.resolve("t", region="us-east-1")
    assert again.ami_id == first.ami_id == warm.ami_id and again.aws_calls > 0
    assert warm.aws_calls == 0  # the fresh answers replaced the damaged entries
    (warning,) = _warnings(caplog)
    assert "wrong shape" in warning and "asked of AWS again" in warning


def _unusable(kind: str, tmp_path: Path) -> Path:
    """A folder path that cannot hold files, of ``kind``."""
    if kind == "a-file":
        (tmp_path / "plain").write_text("x")
        return tmp_path / "plain"
    if kind == "below-a-file":
        (tmp_path / "plain").write_text("x")
        return tmp_path / "plain" / "cws"
    if kind == "dev-null":
        return Path("/dev/null/cws")
    raise AssertionError(kind)


UNUSABLE = ["a-file", "below-a-file", "dev-null"]


@pytest.mark.parametrize("kind", UNUSABLE)
@pytest.mark.parametrize("which", ["cache", "state", "both"])
def test_an_unusable_cache_or_state_folder_costs_speed_only(
    aws_world, make_service, tmp_path, caplog: pytest.LogCaptureFixture, kind, which
):
    """The lookup cache's folder, the state folder (its generation counter keys the cache), or
    both (CWS_HOME=/dev/null, a HOME that is a file): resolutions answer, one warning names the
    folder and the setting to change."""
    aws_world([family("ubuntu", ["us-east-1"], name="ubuntu-{arch}")])
    expected = make_service({"t": SEARCH}).resolve("t", region="us-east-1").ami_id
    (tmp_path / "bad").mkdir()
    bad = _unusable(kind, tmp_path / "bad")
    svc = make_service({"t": SEARCH})
    if which in ("cache", "both"):
        svc.settings.cache_dir = bad / "cache"
    if which in ("state", "both"):
        svc.settings.state_dir = bad / "state"
    with caplog.at_level(logging.WARNING):
        answers = [svc.resolve("t", region="us-east-1") for _ in range(2)]
        costs = svc.costs("t", region="us-east-1")
    assert [a.ami_id for a in answers] == [expected, expected] and costs.hourly_price
    (warning,) = _warnings(caplog)
    assert str(bad) in warning and "CWS_HOME" in warning, warning
    assert "Traceback" not in warning


def test_a_read_only_cache_folder_costs_speed_only(
    aws_world, make_service, tmp_path, caplog: pytest.LogCaptureFixture
):
    """A cache folder that cannot be written: the answer is given, with one warning."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "robust_support", Path(__file__).parents[1] / "robustness" / "robust_support.py"
    )
    support = sys.modules.setdefault("robust_support", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(support)
    unwritable = support.unwritable
    aws_world([family("ubuntu", ["us-east-1"], name="ubuntu-{arch}")])
    svc = make_service({"t": SEARCH})
    svc.settings.cache_dir = tmp_path / "ro-cache"
    with unwritable(svc.settings.cache_dir), caplog.at_level(logging.WARNING):
        answers = [svc.resolve("t", region="us-east-1") for _ in range(2)]
    assert answers[0].ami_id and answers[0].ami_id == answers[1].ami_id
    (warning,) = _warnings(caplog)
    assert str(svc.settings.cache_dir) in warning and "not writable" in warning
