"""The sandbox: a simulated AWS account (a moto server on loopback) seeded with a realistic world.

One server per user serves every process (CLI, kernels, the Jupyter server). It is started on
demand by whoever needs it first and found through ``STATE_DIR/sandbox.json``. Importing this
package imports neither moto nor boto3; only the server process does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .manager import ensure_running, reset, status, stop
from .runtime import SANDBOX_CREDENTIALS, SandboxInfo

if TYPE_CHECKING:
    from .world import ImageFamily, World, WorldImage, load_world, world_image_id

#: The world's models, imported on first use (finding the sandbox never needs them).
_FROM_WORLD = ("ImageFamily", "World", "WorldImage", "load_world", "world_image_id")


def __getattr__(name: str) -> object:
    if name in _FROM_WORLD:
        from . import world

        return getattr(world, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SANDBOX_CREDENTIALS",
    "ImageFamily",
    "SandboxInfo",
    "World",
    "WorldImage",
    "ensure_running",
    "load_world",
    "reset",
    "status",
    "stop",
    "world_image_id",
]
