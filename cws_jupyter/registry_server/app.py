"""The tornado application and the serving loop of one registry process."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import tornado.web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from ..core.registry import CommunityRegistry
from .handlers import MissingHandler, ServerContext
from .metrics import Metrics
from .openapi import document_bytes
from .routes import ROUTES

log = logging.getLogger("cws_registry")
#: The largest body tornado reads at all; the API's own, smaller limit is answered in JSON.
TRANSPORT_MAX_BODY = 1024 * 1024


def make_context(registry: CommunityRegistry, threads: int = 16) -> ServerContext:
    """The shared context: the registry, a thread pool for its calls, fresh metrics."""
    executor = ThreadPoolExecutor(threads, thread_name_prefix="cws-registry")
    return ServerContext(registry, executor, Metrics(), document_bytes())


def make_app(ctx: ServerContext) -> tornado.web.Application:
    """The application: every route of the table, JSON 404s for the rest."""
    rules: list[Any] = [(route.pattern, route.handler, {"ctx": ctx}) for route in ROUTES]
    return tornado.web.Application(
        rules,
        default_handler_class=MissingHandler,
        default_handler_args={"ctx": ctx},
        compress_response=False,
    )


def make_server(ctx: ServerContext) -> HTTPServer:
    """An HTTP server for the application (keep-alive, bounded bodies)."""
    return HTTPServer(make_app(ctx), max_body_size=TRANSPORT_MAX_BODY, idle_connection_timeout=60)


async def serve(registry: CommunityRegistry, host: str, port: int, threads: int = 16) -> None:
    """Serve on ``host:port`` until SIGINT or SIGTERM (see ``serve_sockets``)."""
    sockets = bind_sockets(port, host)

    def ready(bound: int) -> None:
        log.warning("cws-registry serving http://%s:%d (%s)", host, bound, registry.describe())

    await serve_sockets(registry, sockets, threads, ready)


async def serve_sockets(
    registry: CommunityRegistry,
    sockets: list[socket.socket],
    threads: int,
    ready: Callable[[int], None],
) -> None:
    """Get the registry ready (its catalog loaded), serve on ``sockets`` (``ready`` is told the
    port), and at SIGINT or SIGTERM stop accepting, finish, and close the registry."""
    ctx = make_context(registry, threads)
    await asyncio.get_running_loop().run_in_executor(ctx.executor, registry.warm)
    server = make_server(ctx)
    server.add_sockets(sockets)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    ready(sockets[0].getsockname()[1])  # the port chosen when 0 was asked for
    await stop.wait()
    server.stop()
    await server.close_all_connections()
    await registry.cache.aclose()
    ctx.executor.shutdown(wait=True)
    registry.close()
