"""The sandbox server process: moto on loopback, seeded with the world, announced by a runtime file.

Run as ``python -m cws_jupyter.core.sandbox.server --port 0 --runtime-file STATE/sandbox.json``;
``manager.ensure_running`` does that for you. The runtime file appears only once the world is
seeded and the port is listening, and disappears when the server stops.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path
from types import FrameType

from .app import SandboxApp
from .runtime import EXIT_NO_MOTO, INSTALL_HINT, SandboxInfo, remove_runtime, write_runtime
from .world import World, load_world


def build_parser() -> argparse.ArgumentParser:
    """Command-line options of the server process."""
    parser = argparse.ArgumentParser(prog="python -m " + __spec__.name if __spec__ else None)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    parser.add_argument("--runtime-file", type=Path, required=True, help="where to announce it")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser


def configure_moto_env(world: World) -> None:
    """Settings moto reads from the environment: no default AMIs, our account, AMI validation."""
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
    os.environ["MOTO_ACCOUNT_ID"] = world.account_id
    # RunInstances with an unknown image fails as on AWS (InvalidAMIID.NotFound).
    os.environ["MOTO_ENABLE_AMI_VALIDATION"] = "true"


def serve(args: argparse.Namespace, world: World) -> int:
    """Seed, bind, announce, serve until SIGTERM/SIGINT; returns the exit code."""
    try:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import make_server

        from . import seed
        from .registry import start_registry
    except ImportError as exc:
        print(
            f"cws sandbox: moto's server is not installed ({exc}). {INSTALL_HINT}", file=sys.stderr
        )
        return EXIT_NO_MOTO

    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.WARNING)
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    images = seed.seed_world(world)
    info_body: dict[str, object] = {}
    app = SandboxApp(
        DomainDispatcherApplication(create_backend_app),
        info_body,
        lambda: seed.reset_and_seed(world),
    )
    server = make_server(args.host, args.port, app, threaded=True)
    port = int(server.server_port)
    os.environ["MOTO_PORT"] = str(port)
    endpoint_url = f"http://{args.host}:{port}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="sandbox-http", daemon=True
    )
    thread.start()  # the registry checks its seeded images against this server
    registry = start_registry(args.host, args.runtime_file.parent, endpoint_url, world)
    info = SandboxInfo(
        endpoint_url=endpoint_url,
        port=port,
        pid=os.getpid(),
        started_at=started_at,
        account_id=world.account_id,
        world=world.source,
        registry_url=registry.url,
        registry_token=registry.token,
    )
    info_body.update(info.model_dump(exclude={"registry_token"}))

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        """Ask the main loop to shut the server down."""
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        write_runtime(args.runtime_file, info)
        print(
            f"cws sandbox: {images} world images; serving {info.endpoint_url} (pid {info.pid})",
            flush=True,
        )
        while not stop.wait(0.5):
            if not thread.is_alive():
                print("cws sandbox: the HTTP server thread stopped", file=sys.stderr, flush=True)
                return 1
    finally:
        remove_runtime(args.runtime_file, pid=info.pid)
        registry.stop()
        server.shutdown()
        server.server_close()
    print("cws sandbox: stopped", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the server process."""
    args = build_parser().parse_args(argv)
    world = load_world()
    configure_moto_env(world)
    return serve(args, world)


if __name__ == "__main__":
    sys.exit(main())
