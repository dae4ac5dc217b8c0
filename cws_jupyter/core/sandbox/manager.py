"""One sandbox per user: start it on demand, find it, stop it, reset it (safe across processes)."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AwsUnavailable
from ..folders import require_folder
from . import runtime
from .runtime import (
    EXIT_NO_MOTO,
    INSTALL_HINT,
    LOCK_FILE,
    LOG_FILE,
    RUNTIME_FILE,
    SERVER_MODULE,
    SandboxInfo,
)

#: Modules the server process needs (``moto[server]``).
_SERVER_REQUIREMENTS = ("moto", "flask", "werkzeug")

if TYPE_CHECKING:
    from filelock import FileLock, Timeout
_STOP_GRACE = 10.0


def _paths(state_dir: Path) -> tuple[Path, Path, Path]:
    """The runtime file, lock file and log file in ``state_dir``."""
    return state_dir / RUNTIME_FILE, state_dir / LOCK_FILE, state_dir / LOG_FILE


def _lock(state_dir: Path, timeout: float) -> FileLock:
    """The cross-process lock guarding start, stop and cleanup of the runtime file (in a state
    folder checked usable: BadInput naming CWS_HOME otherwise)."""
    from filelock import FileLock  # only to start, stop or clean up (finding one needs none)

    require_folder(state_dir, "state")
    return FileLock(str(state_dir / LOCK_FILE), timeout=timeout)


def _lock_timeout() -> type[Timeout]:
    from filelock import Timeout

    return Timeout


def _live(runtime_file: Path) -> SandboxInfo | None:
    """The runtime file's sandbox if its process is alive and its port answers as it."""
    info = runtime.read_runtime(runtime_file)
    if info is not None and runtime.pid_alive(info.pid) and runtime.probe(info):
        return info
    return None


def _log_tail(log_file: Path, lines: int = 20) -> str:
    """The last lines of the server log, for error messages."""
    try:
        text = log_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def _check_installed() -> None:
    """Fail early, and say what to install, when moto's server is missing."""
    missing = [name for name in _SERVER_REQUIREMENTS if importlib.util.find_spec(name) is None]
    if missing:
        raise AwsUnavailable(
            f"The sandbox needs moto's server ({', '.join(missing)} not installed): {INSTALL_HINT}"
        )


def _terminate(pid: int, grace: float = _STOP_GRACE) -> None:
    """SIGTERM a server process, then SIGKILL it if it has not exited after ``grace`` seconds."""
    try:
        os.kill(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not runtime.pid_alive(pid):
            return
        time.sleep(0.05)
    kill = getattr(signal, "SIGKILL", signal.SIGTERM)
    try:
        os.kill(pid, kill)
    except (ProcessLookupError, PermissionError):
        return


def _discard_stale(runtime_file: Path) -> None:
    """Remove a runtime file whose server is gone; stop its process if it hangs but is ours."""
    info = runtime.read_runtime(runtime_file)
    if info is not None and runtime.pid_alive(info.pid) and runtime.looks_like_server(info.pid):
        _terminate(info.pid)
    runtime.remove_runtime(runtime_file)


def _reap_in_background(proc: subprocess.Popen[bytes]) -> None:
    """Wait for the child in a daemon thread, so a stopped server does not linger as a zombie."""
    threading.Thread(target=proc.wait, name=f"sandbox-reaper-{proc.pid}", daemon=True).start()


def _server_environment() -> dict[str, str]:
    """The server's environment: the caller's, without any of the user's AWS configuration (a
    missing profile or a broken AWS file must not stop the simulated account)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def _spawn(state_dir: Path) -> subprocess.Popen[bytes]:
    """Start the detached server process, its output going to the log file."""
    runtime_file, _, log_file = _paths(state_dir)
    env = _server_environment()
    package_root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    command = [
        sys.executable,
        "-m",
        SERVER_MODULE,
        "--port",
        "0",
        "--runtime-file",
        str(runtime_file),
    ]
    windows = sys.platform == "win32"
    # Detached from the caller's terminal and process group, so it outlives the CLI.
    flags = 0
    if windows:
        flags = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    with open(log_file, "wb") as log:
        proc = subprocess.Popen(  # noqa: S603 - our own module, with this interpreter
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=str(state_dir),
            env=env,
            close_fds=True,
            start_new_session=not windows,
            creationflags=flags,
        )
    _reap_in_background(proc)
    return proc


def _start(state_dir: Path, timeout: float) -> SandboxInfo:
    """Start a server (caller holds the lock) and wait until it has announced itself."""
    _check_installed()
    runtime_file, _, log_file = _paths(state_dir)
    proc = _spawn(state_dir)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = runtime.read_runtime(runtime_file)
        if info is not None and info.pid == proc.pid and runtime.probe(info):
            return info
        code = proc.poll()
        if code is not None:
            if code == EXIT_NO_MOTO:
                raise AwsUnavailable(f"The sandbox needs moto's server: {INSTALL_HINT}")
            raise AwsUnavailable(
                f"The sandbox server exited with code {code} while starting. "
                f"Log ({log_file}):\n{_log_tail(log_file)}"
            )
        time.sleep(0.05)
    _terminate(proc.pid, grace=2.0)
    runtime.remove_runtime(runtime_file, pid=proc.pid)
    raise AwsUnavailable(
        f"The sandbox did not come up within {timeout:g} s. "
        f"Log ({log_file}):\n{_log_tail(log_file)}"
    )


def ensure_running(
    state_dir: Path, timeout: float = 30.0, on_start: Callable[[], None] | None = None
) -> SandboxInfo:
    """The running sandbox, started first if there is none (or only a dead or deaf one).

    ``on_start()`` is called just before this process starts one (a start takes seconds: the
    front door says so instead of pausing silently).
    """
    state_dir = Path(state_dir).absolute()
    runtime_file, _, _ = _paths(state_dir)
    info = _live(runtime_file)
    if info is not None:
        return info
    try:
        with _lock(state_dir, timeout + _STOP_GRACE):
            info = _live(runtime_file)  # someone may have started it while we waited
            if info is not None:
                return info
            _discard_stale(runtime_file)
            if on_start is not None:
                on_start()
            return _start(state_dir, timeout)
    except _lock_timeout() as exc:
        raise AwsUnavailable(
            f"Timed out waiting for another process to start the sandbox ({exc.lock_file})"
        ) from exc


def status(state_dir: Path) -> SandboxInfo | None:
    """The running sandbox, or None (a stale runtime file is cleaned up on the way)."""
    state_dir = Path(state_dir).absolute()
    runtime_file, _, _ = _paths(state_dir)
    info = _live(runtime_file)
    if info is not None or not runtime_file.exists():
        return info
    try:
        with _lock(state_dir, 0.5):
            info = _live(runtime_file)
            if info is None:
                _discard_stale(runtime_file)
            return info
    except _lock_timeout():
        return None  # someone is starting or stopping it right now


def stop(state_dir: Path) -> bool:
    """Stop the running sandbox; True if one was stopped."""
    state_dir = Path(state_dir).absolute()
    runtime_file, _, _ = _paths(state_dir)
    try:
        with _lock(state_dir, _STOP_GRACE * 3):
            info = _live(runtime_file)
            if info is None:
                _discard_stale(runtime_file)
                return False
            _terminate(info.pid)
            runtime.remove_runtime(runtime_file, pid=info.pid)
            return True
    except _lock_timeout() as exc:
        raise AwsUnavailable(f"Timed out waiting for the sandbox lock ({exc.lock_file})") from exc


def reset(state_dir: Path) -> SandboxInfo:
    """Wipe all sandbox state and seed the world again (starting the sandbox if needed)."""
    info = ensure_running(Path(state_dir).absolute())
    try:
        runtime.post(info, runtime.RESET_PATH)
    except OSError as exc:
        raise AwsUnavailable(f"The sandbox at {info.endpoint_url} did not reset: {exc}") from exc
    return info
