"""Suite-wide settings: property-based tests explore freely on a developer's machine and replay
a fixed set of examples in CI (CI=true), so a landing never depends on a lucky draw."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev")
