"""Cross-origin requests from a browser session: refused with a 403 in the cws error shape that
says the request was refused as cross-origin and how to allow an origin (never "no such
endpoint"), on every route of the table and on unknown cws paths alike."""

from __future__ import annotations

from typing import Any

import pytest
from jupyter_server.serverapp import ServerApp
from test_server_auth import NO_TOKEN, concrete

from cws_jupyter.server.routes import ROUTES

FOREIGN = ("http://evil.example", "https://attacker.test:8443", "null")


async def browser_session(api: Any, serverapp: ServerApp) -> str:
    """The login cookie a browser gets after opening the server's URL with its token."""
    token = serverapp.identity_provider.token
    status, _, response = await api("version", params={"token": token}, headers=dict(NO_TOKEN))
    assert status == 200
    cookies = [c.split(";", 1)[0] for c in response.headers.get_list("Set-Cookie")]
    login = "; ".join(c for c in cookies if not c.startswith("_xsrf="))
    assert login, "the token in the URL should have set a login cookie"
    return login


def assert_cross_origin(status: int, error: Any, origin: str, where: str) -> None:
    """403 cross_origin, naming the origin and the setting that allows one."""
    assert status == 403, (where, status, error)
    assert error["error"] == "cross_origin", (where, error)
    message = error["message"]
    assert "cross-origin" in message and "no such endpoint" not in message, (where, error)
    assert origin in message and "allow_origin" in message, (where, error)


@pytest.mark.parametrize("origin", FOREIGN)
async def test_every_route_refuses_a_foreign_origin_saying_so(
    api: Any, jp_serverapp: ServerApp, origin: str
) -> None:
    """GET and POST (with a valid XSRF pair) from a page of another origin: 403 cross_origin."""
    login = await browser_session(api, jp_serverapp)
    headers = {
        "Authorization": "",
        "Cookie": f"{login}; _xsrf=f00dcafe",
        "X-XSRFToken": "f00dcafe",
        "Origin": origin,
    }
    for route in ROUTES:
        for method in route.operations:
            verb = method.upper()
            body = {"template": "python-ml"} if verb == "POST" else None
            status, error, _ = await api(
                concrete(route.path), method=verb, body=body, headers=dict(headers)
            )
            assert_cross_origin(status, error, origin, f"{verb} {route.path}")


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_an_unknown_path_from_a_foreign_origin_is_refused_the_same_way(
    api: Any, jp_serverapp: ServerApp, method: str
) -> None:
    """The refusal is about the origin, not the path: an unknown cws path says the same."""
    login = await browser_session(api, jp_serverapp)
    headers = {"Authorization": "", "Cookie": login, "Origin": FOREIGN[0]}
    body = {} if method == "POST" else None
    status, error, _ = await api("no/such/route", method=method, body=body, headers=headers)
    assert_cross_origin(status, error, FOREIGN[0], f"{method} no/such/route")


async def test_a_foreign_post_without_xsrf_is_refused_as_cross_origin(
    api: Any, jp_serverapp: ServerApp
) -> None:
    """A cross-site form post (cookie, no XSRF pair, foreign Origin): cross_origin, not 404."""
    login = await browser_session(api, jp_serverapp)
    headers = {"Authorization": "", "Cookie": login, "Origin": FOREIGN[0]}
    body = {"template": "python-ml", "regions": ["eu-west-1"]}
    status, error, _ = await api("ami/test", method="POST", body=body, headers=headers)
    assert_cross_origin(status, error, FOREIGN[0], "POST ami/test")


async def test_same_origin_pages_and_token_clients_are_served(
    api: Any, jp_serverapp: ServerApp
) -> None:
    """The check refuses only foreign pages: same-origin pages and token clients get answers."""
    login = await browser_session(api, jp_serverapp)
    origin = f"http://127.0.0.1:{jp_serverapp.port}"  # where jp_fetch sends its requests
    status, _, _ = await api(
        "version", headers={"Authorization": "", "Cookie": login, "Origin": origin}
    )
    assert status == 200
    status, _, _ = await api("version", headers={"Origin": FOREIGN[0]})  # token-authenticated
    assert status == 200
