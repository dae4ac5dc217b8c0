"""Several registry processes on one listening socket, for a host with several cores.

One process serves HTTP on one core (Python runs one thread at a time), so a host with N cores
runs N of them. ``cws-registry --processes N`` binds the socket, then forks N servers that
accept from it (the kernel hands each new connection to one of them); each opens its own
database pool and catalog after the fork. The parent only supervises: it says "serving" once
all are ready, passes SIGTERM and SIGINT on, and if one server dies it stops the others and
exits non-zero (a supervisor such as systemd then restarts the whole set). PostgreSQL only:
DuckDB lets one process open a file.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable
from typing import Any

from tornado.netutil import bind_sockets

from ..core.registry import CommunityRegistry
from .app import serve_sockets

log = logging.getLogger("cws_registry")


def serve_processes(
    open_registry: Callable[[], CommunityRegistry],
    host: str,
    port: int,
    threads: int,
    processes: int,
    description: str,
) -> int:
    """Fork ``processes`` servers on one socket and supervise them; the exit code (0: all
    stopped cleanly after a signal)."""
    sockets = bind_sockets(port, host)
    bound = sockets[0].getsockname()[1]
    children: dict[int, int] = {}  # pid -> the read end of its "ready" pipe
    for _ in range(processes):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # a server
            os.close(read_end)
            os._exit(_child(open_registry, sockets, threads, write_end))
        os.close(write_end)
        children[pid] = read_end
    code = 0
    for pid, read_end in children.items():
        if os.read(read_end, 1) != b"1":  # end of file: it died before it was ready
            log.error("cws-registry process %d failed to start; stopping the others", pid)
            code = 1
        os.close(read_end)
    stopping = {"now": code != 0}

    def stop(signum: int, _: Any) -> None:
        stopping["now"] = True
        _signal(children, signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if code:
        _signal(children, signal.SIGTERM)
    else:
        log.warning(
            "cws-registry serving http://%s:%d (%d processes, %s)",
            host,
            bound,
            processes,
            description,
        )
    while children:
        pid, status = os.wait()
        children.pop(pid, None)
        if os.waitstatus_to_exitcode(status) != 0 or not stopping["now"]:
            if not stopping["now"]:
                log.error("cws-registry process %d exited; stopping the others", pid)
                stopping["now"] = True
                _signal(children, signal.SIGTERM)
            code = 1
    return code


def _signal(children: dict[int, int], signum: int) -> None:
    for pid in list(children):
        with contextlib.suppress(ProcessLookupError):  # exited meanwhile
            os.kill(pid, signum)


def _child(
    open_registry: Callable[[], CommunityRegistry],
    sockets: list[Any],
    threads: int,
    ready_fd: int,
) -> int:
    """One server: open the registry, serve, and say when ready; its exit code."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        registry = open_registry()

        def ready(_: int) -> None:
            os.write(ready_fd, b"1")
            os.close(ready_fd)

        asyncio.run(serve_sockets(registry, sockets, threads, ready))
    except BaseException as exc:  # noqa: BLE001 - reported, then the exit code says it
        log.error("cws-registry process %d failed: %s", os.getpid(), exc)
        return 1
    return 0
