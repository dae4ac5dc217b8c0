"""Special files where a user's file belongs: a FIFO, a link to /dev/zero, a folder named *.yml, a
socket, an unreadable file, a huge file. Each is refused at once with a message naming the file,
what it is and what to do, in a template folder, as a file to validate and as
CWS_REGION_FALLBACKS, through the core, the service and the `cws` command line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cws_testing import isolate, isolated_environ

from cws_jupyter.core.config import Settings
from cws_jupyter.core.errors import BadInput
from cws_jupyter.core.files import FileRefused, read_regular_file
from cws_jupyter.core.regions import RegionMap
from cws_jupyter.core.service import CwsService
from cws_jupyter.core.templates import TemplateLibrary

CWS = [sys.executable, "-m", "cws_jupyter.cli.main"]
#: Seconds any of these may take; a hang (the bug) fails the test instead of stalling the suite.
PROMPT = 20
HUGE = 3 * 1024**3  # sparse: st_size says 3 GB, the disk holds nothing
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

#: kind -> a phrase of the reason every message must give
KINDS = {
    "fifo": "is a named pipe (FIFO), not a regular file",
    "dev-zero": "is a character device (like /dev/zero or a terminal), not a regular file",
    "folder": "is a folder, not a regular file",
    "socket": "is a socket, not a regular file",
    "unreadable": "is not readable (permission denied",
    "huge": "larger than",
}


def make(kind: str, path: Path) -> Iterator[Path]:
    """Create a special file of ``kind`` at ``path`` (a generator: cleanup after the yield)."""
    held: Any = None
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
        (path / "inner.txt").write_text("not a template\n", encoding="utf-8")
    elif kind == "socket":  # bound by its short relative name: AF_UNIX paths are short
        held = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        here = os.getcwd()
        os.chdir(path.parent)
        try:
            held.bind(path.name)
        finally:
            os.chdir(here)
        held.listen(1)
    elif kind == "unreadable":
        path.write_text("name: Secret\n", encoding="utf-8")
        path.chmod(0)
    elif kind == "huge":
        with open(path, "wb") as handle:
            handle.truncate(HUGE)
    yield path
    if held is not None:
        held.close()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private home for the test process (no user settings)."""
    isolate(monkeypatch, tmp_path / "home")
    return tmp_path / "home"


@pytest.fixture(params=sorted(KINDS))
def special(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(kind, path) of a special file named ``trap.yml`` in a template folder of its own."""
    folder = tmp_path / "lab"
    folder.mkdir()
    (folder / "good.yml").write_text("name: Good\ndescription: still loads\n", encoding="utf-8")
    yield from ((request.param, p) for p in make(request.param, folder / "trap.yml"))


def _unreadable_for_root(kind: str, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Root reads a mode-000 file anyway: in-process, make opening it fail as it would."""
    if kind != "unreadable" or not AS_ROOT:
        return
    real_open = os.open

    def fake_open(name: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(name) == path:
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)


def promptly(action: Callable[[], Any]) -> Any:
    """``action()``, failing the test if it takes longer than PROMPT seconds (a hang)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = action()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(PROMPT)
    assert not thread.is_alive(), f"still running after {PROMPT} s: it hangs"
    if "error" in box:
        raise box["error"]
    return box["value"]


def _skip_unreadable_as_root(kind: str) -> None:
    if kind == "unreadable" and AS_ROOT:
        pytest.skip("root can read a mode-000 file; covered in-process with a refused open")


# -- the reader itself -----------------------------------------------------------------------------


def test_the_reader_refuses_each_kind_naming_it(
    special: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    kind, path = special
    _unreadable_for_root(kind, monkeypatch, path)
    with pytest.raises(FileRefused) as err:
        promptly(lambda: read_regular_file(path, 1_000_000))
    assert err.value.path == str(path)
    assert KINDS[kind] in str(err.value) and str(err.value).startswith(f"{path}: ")


def test_the_read_stops_past_the_limit_whatever_st_size_says(tmp_path: Path) -> None:
    # /proc files say st_size 0 and hold more; a growing file says less than it holds.
    assert read_regular_file(Path("/proc/self/status"), 1_000_000).startswith(b"Name:")
    with pytest.raises(FileRefused, match="is larger than 100 bytes"):
        read_regular_file(Path("/proc/self/status"), 100)
    exact = tmp_path / "exact.yml"
    exact.write_bytes(b"x" * 100)
    assert read_regular_file(exact, 100) == b"x" * 100


def test_a_file_swapped_for_a_pipe_after_the_check_is_caught_by_fstat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The type is checked again on the open descriptor, not only by name before opening."""
    import cws_jupyter.core.files as files

    pipe = tmp_path / "pipe.yml"
    os.mkfifo(pipe)
    monkeypatch.setattr(files, "regular_file_problem", lambda path: None)  # the race: looked fine
    with pytest.raises(FileRefused, match="named pipe"):
        promptly(lambda: read_regular_file(pipe, 1000))


@pytest.mark.parametrize(
    ("make_path", "phrase"),
    [
        (lambda tmp: tmp / "missing.yml", "does not exist"),
        (lambda tmp: tmp / "file.txt" / "below.yml", "a part of the path before it is a file"),
        (lambda tmp: tmp / "loop.yml", "loop of symbolic links"),
    ],
    ids=["missing", "below-a-file", "symlink-loop"],
)
def test_paths_that_lead_nowhere(tmp_path: Path, make_path: Callable[[Path], Path], phrase: str):
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "loop.yml", tmp_path / "loop.yml")
    with pytest.raises(FileRefused, match=phrase):
        read_regular_file(make_path(tmp_path), 1000)


# -- templates -------------------------------------------------------------------------------------


def test_in_a_template_folder_the_rest_still_load(
    special: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    kind, path = special
    _unreadable_for_root(kind, monkeypatch, path)
    loaded, errors = promptly(TemplateLibrary([path.parent]).list)
    assert [t.template.slug for t in loaded] == ["good"]
    if kind == "folder":  # a folder is searched like any sub-folder: nothing in it is a template
        assert errors == []
        return
    (error,) = errors
    assert error.message.startswith(f"{path}: ") and KINDS[kind] in error.message
    if kind != "huge" and kind != "unreadable":  # says what to do with it
        assert "remove it from the template folder, or rename it" in error.message


def test_as_a_file_to_validate(special: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    kind, path = special
    _unreadable_for_root(kind, monkeypatch, path)
    (check,) = promptly(lambda: TemplateLibrary([]).check_files([path]))
    assert not check.ok
    (error,) = check.errors
    assert error.startswith(f"{path}: ") and KINDS[kind] in error


def test_through_the_service(
    special: tuple[str, Path], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kind, path = special
    _unreadable_for_root(kind, monkeypatch, path)
    monkeypatch.setenv("CWS_TEMPLATE_PATH", str(path.parent))
    monkeypatch.setenv("CWS_REGION_FALLBACKS", str(path))
    service = CwsService(Settings.from_env())
    listing = promptly(service.list_templates)
    assert "good" in {t.slug for t in listing.templates}
    assert "python-ml" in {t.slug for t in listing.templates}
    if kind != "folder":
        assert [e for e in listing.errors if str(path) in e and KINDS[kind] in e]
    (check,) = promptly(lambda: service.validate_templates([path]))
    assert not check.ok and KINDS[kind] in check.errors[0]
    with pytest.raises(BadInput) as err:
        promptly(service.region_fallbacks)
    assert err.value.field == "region_fallbacks_file"
    assert str(path) in err.value.message and KINDS[kind].split(" (")[0] in err.value.message
    assert "point CWS_REGION_FALLBACKS" in err.value.message or kind == "huge"


# -- region fallbacks --------------------------------------------------------------------------


def test_as_the_region_fallbacks_file(
    special: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    kind, path = special
    _unreadable_for_root(kind, monkeypatch, path)
    with pytest.raises(BadInput) as err:
        promptly(lambda: RegionMap.load(path))
    message = err.value.message
    assert message.startswith(f"Region fallbacks file {path}: cannot be read: it "), message
    assert KINDS[kind].split(" (")[0] in message
    assert (
        "point CWS_REGION_FALLBACKS (the region_fallbacks_file setting) at a regular YAML file"
        in message
    )
    assert err.value.details["file"] == str(path)


# -- the command line, as separate processes -------------------------------------------------------


def _cws(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**isolated_environ(home), "HOME": str(home), **env}
    return subprocess.run(
        [*CWS, *args], env=environ, capture_output=True, text=True, timeout=PROMPT * 3
    )


def test_the_cli_returns_promptly(special: tuple[str, Path], tmp_path: Path) -> None:
    kind, path = special
    _skip_unreadable_as_root(kind)
    home = tmp_path / "cli-home"
    listing = _cws(home, "templates", "list", CWS_TEMPLATE_PATH=str(path.parent))
    assert listing.returncode == 0, listing.stderr
    assert "good" in listing.stdout and "python-ml" in listing.stdout
    if kind != "folder":
        assert str(path) in listing.stdout.replace("\n", "")
    checked = _cws(home, "templates", "validate", "--json", str(path))
    assert checked.returncode == 2, checked.stdout + checked.stderr
    assert KINDS[kind] in checked.stdout.replace("\n", " ")
    fallbacks = _cws(home, "regions", "fallbacks", CWS_REGION_FALLBACKS=str(path))
    assert fallbacks.returncode == 2, fallbacks.stdout + fallbacks.stderr
    assert "CWS_REGION_FALLBACKS" in fallbacks.stderr and "Traceback" not in fallbacks.stderr
