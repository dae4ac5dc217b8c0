"""The sandbox: a simulated AWS account (a moto server on loopback) seeded with a realistic world.

One server per user serves every process (CLI, kernels, the Jupyter server). It is started on
demand by whoever needs it first and found through ``STATE_DIR/sandbox.json``. Importing this
package imports neither moto nor boto3; only the server process does.
"""

from .manager import ensure_running, reset, status, stop
from .runtime import SANDBOX_CREDENTIALS, SandboxInfo
from .world import ImageFamily, World, WorldImage, load_world, world_image_id

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
