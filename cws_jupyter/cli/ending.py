"""Ending the `cws` process: everything Python does at exit except freeing every object.

After a command that talked to AWS, the interpreter's own teardown (freeing the botocore
service models, clients and connection pools object by object) takes ~0.2 s: a quarter of a
cold `cws ami resolve`, a sixth of `cws ami test --all-regions`. Nothing of it is visible
work. So once the command has run, ``end`` does what Python's exit does that matters (wait
for the non-daemon threads, run the ``threading`` and ``atexit`` exit hooks: the usage events'
last flush, logging's flush; flush standard output and error) and then leaves at once
(``os._exit``). cws writes its files in ``with`` blocks, closed when the command returns, or
through unbuffered file descriptors (the usage spool), and the SQLite and DuckDB stores commit
each change when it is made, so an ending without closing their connections loses nothing.

Where this Python lacks ``threading._shutdown`` (the hook that waits for threads), the
process ends the usual way.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn

#: The exit status when standard output cannot be flushed (what Python itself uses).
FLUSH_FAILED = 120


def exit_status(code: object) -> int:
    """The status ``sys.exit(code)`` would give (a message is printed to standard error)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def end(code: object = 0) -> NoReturn:
    """End the process as ``sys.exit(code)`` would, without the interpreter's teardown."""
    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is None or threading.current_thread() is not threading.main_thread():
        sys.exit(code)
    status = exit_status(code)
    shutdown()  # joins non-daemon threads, runs threading's exit hooks (executors' included)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`cws ... | head`), a closed stream
            if stream is sys.stdout and status == 0:
                status = FLUSH_FAILED
    os._exit(status)
