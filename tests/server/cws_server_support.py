"""Test support: the cws server config for pytest-jupyter, and a real `jupyter server` process."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_server.serverapp import ServerApp
from traitlets.config import Config

_DROP = (
    "AWS_",
    "CWS_",
    "JUPYTER_",
    "AMI_CACHE_TTL",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
)
#: jupyter_server_terminals 0.5.4 registers a websocket handler without an auth decorator: it is
#: switched off so that any unauthenticated-access warning in these tests is ours.
#: cws_jupyter on; other server extensions of the environment off (jupyter_lsp, which comes with
#: JupyterLab, registers a handler without an auth decorator: not ours to test).
EXTENSIONS = {"cws_jupyter": True, "jupyter_server_terminals": False, "jupyter_lsp": False}


def server_config(**cws: Any) -> Config:
    """Server config: the extension on, undecorated handlers refused, these cws traits set."""
    server: dict[str, Any] = {"jpserver_extensions": dict(EXTENSIONS)}
    if "allow_unauthenticated_access" in ServerApp.class_trait_names():
        server["allow_unauthenticated_access"] = False
    cws_traits = {"sandbox": True, "region": "us-east-1", **cws}
    return Config({"ServerApp": server, "CwsExtensionApp": cws_traits})


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(home: Path) -> dict[str, str]:
    """An environment with a private CWS_HOME, Jupyter dirs and HOME, and no AWS credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROP)}
    env.update(
        HOME=str(home),
        CWS_HOME=str(home / "cws"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(home / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-aws-creds"),
        JUPYTER_CONFIG_DIR=str(home / "jupyter-config"),
        JUPYTER_DATA_DIR=str(home / "jupyter-data"),
        JUPYTER_RUNTIME_DIR=str(home / "jupyter-runtime"),
    )
    return env


def jupyter_server_command() -> list[str]:
    """`jupyter server` from this interpreter's environment (or `python -m jupyter_server`)."""
    jupyter = Path(sys.executable).with_name("jupyter")
    if jupyter.exists():
        return [str(jupyter), "server"]
    return [sys.executable, "-m", "jupyter_server"]


@dataclass
class LiveServer:
    """A running `jupyter server` subprocess; ``api`` is the cws API root URL."""

    home: Path
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    base_url: str = "/jp-base/"
    process: subprocess.Popen[bytes] | None = None

    @property
    def api(self) -> str:
        """Absolute URL of the API root, ending in a slash."""
        return f"http://127.0.0.1:{self.port}{self.base_url}cws/api/v1/"

    @property
    def log_path(self) -> Path:
        """Where the server's output goes."""
        return self.home / "jupyter-server.log"

    def start(self, *extra: str, timeout: float = 60.0) -> LiveServer:
        """Start the server and wait until the API answers with the token."""
        self.home.mkdir(parents=True, exist_ok=True)
        argv = [
            *jupyter_server_command(),
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.base_url={self.base_url}",
            f"--ServerApp.root_dir={self.home}",
            "--ServerApp.allow_unauthenticated_access=False",
            f"--ServerApp.jpserver_extensions={EXTENSIONS!r}",
            "--CwsExtensionApp.sandbox=True",
            *extra,
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                argv,
                env=server_env(self.home),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter server exited early:\n{self.log()}")
            try:
                if self.get("version")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"jupyter server did not answer within {timeout}s:\n{self.log()}")

    def get(self, path: str, *, token: bool = True) -> tuple[int, bytes]:
        """GET a path under the API root; returns (status, body) for errors too."""
        headers = {"Authorization": f"token {self.token}"} if token else {}
        request = urllib.request.Request(self.api + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def log(self) -> str:
        """Everything the server printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> str:
        """Stop the server (SIGTERM, then kill) and its sandbox; return the server's log."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        from cws_jupyter.core.sandbox import stop

        stop(self.home / "cws" / "state")
        return self.log()
