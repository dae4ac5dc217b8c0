"""Authentication on every route (from the route table), XSRF for cookie sessions, JSON errors."""

from __future__ import annotations

import inspect
import logging
import re
from typing import Any

import pytest
from jupyter_server.serverapp import ServerApp, ServerWebApplication
from jupyter_server.utils import url_path_join
from tornado import web

from cws_jupyter.server import NAMESPACE
from cws_jupyter.server.base import CwsHandler
from cws_jupyter.server.routes import ROUTES, handler_rules

NO_TOKEN = {"Authorization": ""}
WRONG_TOKEN = {"Authorization": "token wrong-token"}
VERBS = ("get", "head", "post", "put", "patch", "delete")


def concrete(path: str) -> str:
    """A route path with every ``{param}`` filled in (an image id where one is expected)."""
    path = path.replace("{ami_id}", "ami-0123456789abcdef0")
    return re.sub(r"\{\w+\}", "python-ml", path)


def registered_cws_rules(serverapp: ServerApp) -> list[tuple[str, type]]:
    """(pattern, handler) of every rule the running web app holds for a cws handler."""
    found: list[tuple[str, type]] = []

    def walk(router: Any) -> None:
        for rule in getattr(router, "rules", []):
            target = rule.target
            if isinstance(target, type) and issubclass(target, web.RequestHandler):
                if issubclass(target, CwsHandler):
                    found.append((rule.matcher.regex.pattern, target))
            else:
                walk(target)

    walk(serverapp.web_app.default_router)
    return found


def test_every_verb_is_authenticated_and_async() -> None:
    """jupyter-server's own check finds no undecorated verb, and every verb is a coroutine."""
    for pattern, handler, _ in handler_rules():
        assert ServerWebApplication._check_handler_auth(None, pattern, handler) == []  # type: ignore[arg-type]
        for verb in VERBS:
            method = getattr(handler, verb)
            if method is web.RequestHandler._unimplemented_method:
                continue
            assert inspect.iscoroutinefunction(inspect.unwrap(method)), (handler, verb)


def test_the_server_registers_exactly_the_route_table(
    jp_serverapp: ServerApp, jp_base_url: str
) -> None:
    """Every cws rule of the live server is from the table (plus the JSON 404), under base_url."""
    rules = registered_cws_rules(jp_serverapp)
    assert {handler for _, handler in rules} == {handler for _, handler, _ in handler_rules()}
    assert len(rules) == len(ROUTES) + 1
    assert all(pattern.startswith(url_path_join(jp_base_url, NAMESPACE)) for pattern, _ in rules)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.path)
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
@pytest.mark.parametrize("headers", [NO_TOKEN, WRONG_TOKEN], ids=["none", "wrong"])
async def test_every_route_refuses_requests_without_the_token(
    api: Any, route: Any, method: str, headers: dict[str, str]
) -> None:
    """403 JSON on every route of the table, for GET and POST, with no token or a wrong one."""
    body = {"template": "python-ml"} if method == "POST" else None
    status, error, _ = await api(
        concrete(route.path), method=method, body=body, headers=dict(headers)
    )
    assert status == 403, (route.path, method, error)
    assert error["error"] == "forbidden" and "token" in error["message"]


async def test_unknown_routes_also_need_the_token(api: Any) -> None:
    """Even the API's 404 is behind authentication (no route discovery without the token)."""
    status, error, _ = await api("no/such/route", headers=dict(NO_TOKEN))
    assert status == 403 and error["error"] == "forbidden"


async def test_cookie_sessions_need_the_xsrf_token_on_post(
    api: Any, wait_job: Any, jp_serverapp: ServerApp
) -> None:
    """A browser session (login cookie, no token header) can GET; POST needs _xsrf + X-XSRFToken."""
    token = jp_serverapp.identity_provider.token
    status, _, response = await api("version", params={"token": token}, headers=dict(NO_TOKEN))
    assert status == 200
    cookies = [c.split(";", 1)[0] for c in response.headers.get_list("Set-Cookie")]
    login = "; ".join(c for c in cookies if not c.startswith("_xsrf="))
    assert login, "the token in the URL should have set a login cookie"
    status, _, _ = await api("version", headers={"Authorization": "", "Cookie": login})
    assert status == 200
    body = {"template": "python-ml", "regions": ["eu-west-1"]}
    cookie_only = {"Authorization": "", "Cookie": login}
    status, error, _ = await api("ami/test", method="POST", body=body, headers=cookie_only)
    assert status == 403 and error["error"] == "forbidden" and "_xsrf" in error["message"]
    with_xsrf = {
        "Authorization": "",
        "Cookie": f"{login}; _xsrf=f00dcafe",
        "X-XSRFToken": "f00dcafe",
    }
    status, accepted, _ = await api("ami/test", method="POST", body=body, headers=with_xsrf)
    assert status == 202, accepted
    assert (await wait_job(accepted["url"]))["status"] == "succeeded"


async def test_unexpected_errors_are_a_generic_500(
    api: Any, cws_app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug in a service call: 500 JSON without internals; the traceback goes to the log only."""

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("secret internal detail")

    cws_app.service.costs = broken
    with caplog.at_level(logging.ERROR):
        status, error, _ = await api("ami/costs/python-ml")
    assert status == 500
    assert error["error"] == "internal_error" and "log" in error["message"]
    assert "secret" not in str(error) and "Traceback" not in str(error)
    assert "secret internal detail" in caplog.text and "Traceback" in caplog.text


def test_namespace_is_the_specs() -> None:
    """The spec's /api/v1 paths, under the cws namespace."""
    assert NAMESPACE == "cws/api/v1"
    paths = {route.path for route in ROUTES}
    spec = {"ami/resolve/{template}", "ami/test", "ami/costs/{template}", "regions/fallbacks"}
    assert spec <= paths
