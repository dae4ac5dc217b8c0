"""Regenerate ``aws_regions.json`` from the installed botocore: ``python -m cws_jupyter.core.regions.generate``.

Reads botocore's own endpoint data file (never the user's AWS profile, config or
``~/.aws/models``) and writes every EC2 region of the partitions cws-jupyter accepts.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from .known import DATA_FILE, PARTITIONS


def botocore_regions() -> dict[str, list[str]]:
    """EC2 regions per partition, as the installed botocore's endpoint data lists them."""
    from botocore.loaders import Loader
    from botocore.regions import EndpointResolver

    loader = Loader(
        extra_search_paths=[Loader.BUILTIN_DATA_PATH], include_default_search_paths=False
    )
    resolver = EndpointResolver(loader.load_data("endpoints"))
    return {
        partition: sorted(resolver.get_available_endpoints("ec2", partition_name=partition))
        for partition in PARTITIONS
    }


def document(today: dt.date | None = None) -> dict[str, Any]:
    """The data file's content: where it comes from, when, how to redo it, and the regions."""
    import botocore

    return {
        "source": (
            f"botocore {botocore.__version__} endpoint data (botocore/data/endpoints.json): "
            "EndpointResolver.get_available_endpoints('ec2', partition)"
        ),
        "as_of": (today or dt.datetime.now(dt.timezone.utc).date()).isoformat(),
        "regenerate": "python -m cws_jupyter.core.regions.generate",
        "partitions": botocore_regions(),
    }


def main(argv: list[str] | None = None) -> int:
    """Write the data file (or the path given as the only argument)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path(__file__).with_name(DATA_FILE)
    target.write_text(json.dumps(document(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
