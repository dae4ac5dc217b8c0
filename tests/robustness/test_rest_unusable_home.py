"""The Jupyter server with a home that leads nowhere (CWS_HOME=/dev/null, or a file): no route
answers 500; what needs no folder answers; health names the folders and the setting to change.
(A HOME that is a file is covered from the command line: pytest-jupyter sets its own HOME.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from robust_support import cws_server_config
from test_aws_config_faults import GET_PATHS
from traitlets.config import Config

CASES = ["/dev/null", "a-file"]
#: Routes that need no AWS and no folder.
NO_FOLDER = ("version", "health", "openapi.json", "templates", "templates/{slug}")


@pytest.fixture(params=CASES)
def unusable_home(
    request: pytest.FixtureRequest, cws_home: Path, tmp_path: Path, monkeypatch
) -> str:
    """CWS_HOME pointing at something that is not a folder, before the server starts."""
    home = tmp_path / "plain-file" if request.param == "a-file" else Path(request.param)
    if request.param == "a-file":
        home.write_text("x")
    monkeypatch.setenv("CWS_HOME", str(home))
    return str(home)


@pytest.fixture
def jp_server_config(unusable_home: str) -> Config:
    """The extension on real AWS (unconfigured), with the unusable home."""
    return cws_server_config(sandbox=False)


async def test_no_route_answers_500(api: Any, unusable_home: str) -> None:
    """Every GET route: no 500; the catalogue and costs answer; an error names the setting."""
    for route, (path, _) in GET_PATHS.items():
        status, body, _ = await api(path)
        assert status != 500, (path, body)
        if route in NO_FOLDER:
            assert status == 200, (path, body)
        if status >= 400:
            assert body["error"] and body["message"], (path, body)
    status, listing, _ = await api("templates")
    assert "python-ml" in {t["slug"] for t in listing["templates"]} and listing["errors"] == []
    status, health, _ = await api("health")
    folders = [p for p in health["problems"] if "folder" in p]
    assert health["status"] == "degraded" and len(folders) == 2, health
    assert all(f"{unusable_home}/" in p and "CWS_HOME" in p for p in folders), folders
