"""The sandbox's own community registry: ``cws-registry`` on a DuckDB file, served from the sandbox
process beside moto, seeded from ``community.yaml`` with records that match the sandbox world.

The registry starts fresh with every sandbox (as the simulated account does), verifies the seeded
records against the simulated account like any submission, and gives the sandbox user
(``student``) a token, kept in the runtime file, for ``rate`` and ``submit``.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import suppress
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from ..yamlio import load_yaml

if TYPE_CHECKING:
    from ..registry import CommunityRegistry
    from .world import World

DB_FILE = "sandbox-registry.duckdb"


class SeedRecord(BaseModel):
    """One record of community.yaml: a world family's images, who published them, ratings."""

    model_config = ConfigDict(extra="forbid")

    family: str
    architecture: str
    template: str
    category: str | None = None
    name: str
    description: str = ""
    version: str = ""
    creator: str
    downloads: int = Field(0, ge=0, le=1000)
    ratings: list[tuple[str, int, str | None]] = Field(default_factory=list)


class CommunitySeed(BaseModel):
    """The whole of community.yaml."""

    model_config = ConfigDict(extra="forbid")

    student: str
    users: dict[str, str | None]
    records: list[SeedRecord]


def load_seed() -> CommunitySeed:
    """community.yaml, parsed and validated."""
    text = resources.files(__package__).joinpath("community.yaml").read_text(encoding="utf-8")
    return CommunitySeed.model_validate(load_yaml(text))


def seed_registry(registry: CommunityRegistry, world: World, seed: CommunitySeed) -> str:
    """Publish, rate and count launches of the seed's records; the student's token."""
    tokens = {user: registry.create_token(user, account) for user, account in seed.users.items()}
    for record in seed.records:
        family = world.family(record.family)
        images = {
            image.region: image.image_id
            for image in family.expand(world.account_id)
            if image.architecture == record.architecture
        }
        body: dict[str, Any] = {
            "template": record.template,
            "name": record.name,
            "description": record.description,
            "version": record.version,
            "regions": images,
        }
        if record.category:
            body["category"] = record.category
        made = registry.submit(record.creator, body)
        for user, stars, review in record.ratings:
            if user not in tokens:
                tokens[user] = registry.create_token(user)
            registry.rate(user, made.ami_id, stars, review)
        for _ in range(record.downloads):
            registry.use(made.ami_id)
    return tokens[seed.student].token


@dataclass
class SandboxRegistry:
    """A running sandbox registry: its address, the student's token, how to stop it."""

    url: str
    token: str
    _loop: asyncio.AbstractEventLoop
    _thread: threading.Thread
    _registry: CommunityRegistry

    def stop(self) -> None:
        """Stop serving and close the database."""
        with suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._registry.close()


def start_registry(host: str, folder: Path, endpoint_url: str, world: World) -> SandboxRegistry:
    """Open a fresh registry in ``folder``, seed it (verifying against the sandbox at
    ``endpoint_url``), and serve it on a free port of ``host`` from a thread of its own."""
    import tornado.netutil

    from ...registry_server.app import make_context, make_server
    from ..registry import CommunityRegistry
    from ..registry.verify import Ec2Verifier

    path = folder / DB_FILE
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    verifier = Ec2Verifier(lambda: _sandbox_access(endpoint_url, world.account_id))
    registry = CommunityRegistry.open(f"duckdb:///{path}", verifier=verifier)
    try:
        token = seed_registry(registry, world, load_seed())
        sockets = tornado.netutil.bind_sockets(0, host)
        port = sockets[0].getsockname()[1]
        ready = threading.Event()
        holder: dict[str, asyncio.AbstractEventLoop] = {}

        def serve() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            holder["loop"] = loop
            server = make_server(make_context(registry, threads=4))
            server.add_sockets(sockets)
            loop.call_soon(ready.set)
            loop.run_forever()
            server.stop()

        thread = threading.Thread(target=serve, name="sandbox-registry", daemon=True)
        thread.start()
        if not ready.wait(10):
            raise RuntimeError("the sandbox registry did not start")
    except BaseException:
        registry.close()
        raise
    return SandboxRegistry(f"http://{host}:{port}", token, holder["loop"], thread, registry)


def _sandbox_access(endpoint_url: str, account_id: str) -> Any:
    """AWS access to the sandbox itself (for the registry's image checks)."""
    from ..aws.isolated import isolated_session
    from ..aws.session import AwsAccess
    from . import SANDBOX_CREDENTIALS

    return AwsAccess(
        factory=lambda: isolated_session("us-east-1", SANDBOX_CREDENTIALS),
        endpoint_url=endpoint_url,
        label="sandbox",
        credentials_key="sandbox",
    )
