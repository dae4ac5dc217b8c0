"""The extension as users run it: a real `jupyter server`, its config file, help and imports."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cws_server_support import LiveServer, server_env

from cws_jupyter.server.app import CwsExtensionApp
from cws_jupyter.traits import CwsTraits

pytestmark = pytest.mark.sandbox
ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILE = ROOT / "jupyter-config" / "server-config" / "cws_jupyter.json"


def test_a_real_server_starts_clean_and_needs_the_token(tmp_path: Path) -> None:
    """No unauthenticated-access warning, no traceback; the token opens the API; none is 403."""
    home = tmp_path / "home"
    (home / "jupyter-config").mkdir(parents=True)
    (home / "jupyter-config" / "jupyter_server_config.py").write_text(
        'c.CwsExtensionApp.region = "eu-west-1"\nc.CwsExtensionApp.max_workers = 4\n'
    )
    server = LiveServer(home).start()
    try:
        status, body = server.get("version")
        assert status == 200 and json.loads(body)["api"] == "v1"
        status, body = server.get("version", token=False)
        assert status == 403 and json.loads(body)["error"] == "forbidden"
        status, body = server.get("ami/costs/python-ml")  # no ?region=: the config file's
        assert status == 200 and json.loads(body)["region"] == "eu-west-1"
        status, body = server.get("health")
        assert json.loads(body) == {
            "status": "ok",
            "sandbox": True,
            "aws": "sandbox",
            "region": "eu-west-1",
            "problems": [],
        }
    finally:
        log = server.stop()
    assert "cws_jupyter | extension was successfully loaded" in log
    assert "unauthenticated" not in log.lower(), log
    assert "Traceback" not in log, log
    assert "JupyterServerAuthWarning" not in log, log


def test_pip_install_enables_the_extension() -> None:
    """The file pyproject ships into etc/jupyter/jupyter_server_config.d enables it."""
    expected = {"ServerApp": {"jpserver_extensions": {"cws_jupyter": True}}}
    assert json.loads(CONFIG_FILE.read_text()) == expected


def test_loading_the_extension_imports_neither_boto3_nor_the_core(tmp_path: Path) -> None:
    """Linking and loading the extension stays light: AWS code loads on the first request."""
    script = textwrap.dedent("""
        import json, sys, time
        from jupyter_server.serverapp import ServerApp
        started = time.perf_counter()
        app = ServerApp(allow_root=True, open_browser=False, jpserver_extensions={
            "cws_jupyter": True, "jupyter_server_terminals": False, "jupyter_lsp": False,
            "jupyterlab": False, "notebook_shim": False})
        app.initialize(argv=[], new_httpserver=False)
        seconds = time.perf_counter() - started
        heavy = ("boto3", "botocore", "moto", "cws_jupyter.core.service")
        print(json.dumps({"heavy": [m for m in heavy if m in sys.modules], "seconds": seconds,
                          "cws": "cws_jupyter" in app.extension_manager.extensions}))
    """)
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=server_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["cws"] and result["heavy"] == []  # the time it takes: benchmarks/bench_startup


def test_help_all_documents_every_trait() -> None:
    """`python -m cws_jupyter.server --help-all` lists each cws trait with its help text."""
    out = subprocess.run(
        [sys.executable, "-m", "cws_jupyter.server", "--help-all"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    own = {**CwsTraits.class_traits(config=True), **CwsExtensionApp.class_own_traits(config=True)}
    for name, trait in own.items():
        assert f"--CwsExtensionApp.{name}=" in text, name
        assert trait.help and " ".join(trait.help.split())[:50] in text, name
