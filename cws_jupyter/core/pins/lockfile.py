"""The lock file: plain YAML, sorted, one entry per template and region, so it diffs well.

    # cws.lock: AMI pins (cws ami resolve --pin). Commit it beside your notebooks.
    version: 1
    pins:
      python-ml:
        eu-west-1:
          ami_id: ami-0a1b2c3d4e5f60718
          created: '2026-11-06T00:00:00.000Z'
          method: ssm_parameter
          name: Deep Learning OSS Nvidia Driver AMI GPU PyTorch 2.8 (Ubuntu 24.04) 20261106
          owner: '898082745236'
          pinned_at: '2026-11-30T23:59:00Z'

Writes are atomic (a temporary file renamed over the old one) under a file lock, so two
processes pinning at once both land, and a crash leaves the old file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import BadInput

LOCK_NAME = "cws.lock"
FORMAT = 1
HEADER = (
    "# cws.lock: AMI pins written by `cws ami resolve --pin` (or `%cws pin`).\n"
    "# While a template and region are pinned here, resolving them answers this image.\n"
    "# Commit it beside your notebooks; `--refresh` resolves again and updates an entry.\n"
)
MAX_LOCK_BYTES = 1024 * 1024


class Pin(BaseModel):
    """One pinned answer."""

    model_config = ConfigDict(extra="forbid")

    ami_id: str = Field(pattern=r"^ami-[0-9a-f]{8,17}$")
    name: str = ""
    owner: str = ""
    created: str = ""
    method: str
    pinned_at: str


class LockFile(BaseModel):
    """The whole lock file: ``pins[template][region]``."""

    model_config = ConfigDict(extra="forbid")

    version: int = FORMAT
    pins: dict[str, dict[str, Pin]] = Field(default_factory=dict)
    #: Where it was read from (shown, not written).
    source: str = Field("", exclude=True)

    def get(self, template: str, region: str) -> Pin | None:
        """The pin of ``template`` in ``region``, if any."""
        return self.pins.get(template, {}).get(region)

    @classmethod
    def read(cls, path: Path) -> LockFile:
        """The lock at ``path`` (empty when there is none); a damaged one is bad input naming it."""
        from yaml import YAMLError

        from ..files import read_regular_text
        from ..yamlio import load_yaml

        if not path.exists():
            return cls(source=str(path))
        try:
            text = read_regular_text(path, MAX_LOCK_BYTES)
            data: Any = load_yaml(text) or {}
            lock = cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "the file"
            raise BadInput(
                f"{path}: {where}: {first['msg']}; fix the entry, or delete it and pin again",
                field="lock_file",
            ) from None
        except (OSError, ValueError, YAMLError) as exc:
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise BadInput(
                f"{path} is not a readable lock file ({why}); fix it, or move it away and pin again",
                field="lock_file",
            ) from None
        lock.source = str(path)
        return lock

    def write(self, path: Path) -> None:
        """Write atomically: sorted, one entry per template and region."""
        import yaml

        data = self.model_dump(mode="json")
        text = HEADER + yaml.safe_dump(data, sort_keys=True, default_flow_style=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".cws-lock-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
