"""A cws process that dies (SIGKILL, so nothing of its own cleans up) during a rebuild, just as
it sends one EC2 call: what a laptop closing mid-rebuild leaves behind.

    python rebuild_crash.py HOME TEMPLATE_DIR OPERATION TEMPLATE REGION

Exits by SIGKILL when it got there; exits 3 if the rebuild finished without sending that call.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from cws_jupyter.core.config import Settings
from cws_jupyter.core.service import CwsService


def main(argv: list[str]) -> int:
    home, template_dir, operation, template, region = argv

    def die(request: Any, **_: Any) -> None:
        print(f"dying at {operation}", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    root = Path(home)
    settings = Settings(
        region="us-east-1",
        sandbox=True,
        state_dir=root / "state",
        cache_dir=root / "cache",
        user_template_dir=root / "templates",
        template_path=[Path(template_dir)],
    )
    svc = CwsService(settings)
    svc.access.session.events.register(f"before-send.ec2.{operation}", die)
    svc.images.rebuild(template, region, yes=True)
    return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
