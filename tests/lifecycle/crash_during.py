"""A cws process that dies (SIGKILL, so nothing of its own cleans up) just as it sends one EC2
call: what a laptop closing or a kernel restarted mid-operation leaves behind.

    python crash_during.py HOME OPERATION create TEMPLATE WORKSTATION
    python crash_during.py HOME OPERATION launch TEMPLATE NAME REGION

OPERATION is the EC2 call to die at (CreateTags dies only when it tags snapshots). Exits by
SIGKILL when it got there; exits 3 if it finished without sending that call.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from lifecycle_helpers import launch, make_settings

from cws_jupyter.core.service import CwsService


def main(argv: list[str]) -> int:
    home, operation, action, *args = argv

    def die(request: Any, **_: Any) -> None:
        body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
        params = parse_qs(body)
        resources = [v[0] for k, v in params.items() if k.startswith("ResourceId")]
        if operation == "CreateTags" and not any(r.startswith("snap-") for r in resources):
            return
        print(f"dying at {operation}", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    svc = CwsService(make_settings(Path(home)))
    svc.access.session.events.register(f"before-send.ec2.{operation}", die)
    if action == "create":
        template, workstation = args
        svc.images.create(template, workstation)
    elif action == "launch":
        template, name, region = args
        launch(svc, template, name, region)
    else:
        raise SystemExit(f"unknown action {action!r}")
    return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
