"""The EC2 instance types cws-jupyter knows: a data file generated from botocore's EC2 model.

``ec2_instance_types.json`` holds the ``InstanceType`` values of the installed botocore's EC2
service model; ``python -m cws_jupyter.core.templates.instance_types`` regenerates it. Loading
it is a small JSON read (the model itself takes botocore about 0.4 s).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

DATA_FILE = "ec2_instance_types.json"


@lru_cache(maxsize=1)
def type_data() -> dict[str, Any]:
    """The shipped data file, parsed once per process."""
    text = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def known_instance_types() -> frozenset[str]:
    """Every instance type of the shipped list."""
    return frozenset(type_data()["instance_types"])


def _size_order(instance_type: str) -> tuple[int, str]:
    """Sizes small to large: nano, micro, small, medium, large, xlarge, 2xlarge, ..., metal."""
    size = instance_type.partition(".")[2]
    named = ["nano", "micro", "small", "medium", "large", "xlarge"]
    if size in named:
        return named.index(size), size
    digits = size.split("xlarge")[0]
    return (len(named) + int(digits), size) if digits.isdigit() else (10_000, size)


def instance_type_problem(value: str) -> str | None:
    """Why ``value`` may not be an EC2 instance type (None when the shipped list has it)."""
    types = known_instance_types()
    if value in types:
        return None
    family = value.partition(".")[0]
    siblings = sorted((t for t in types if t.partition(".")[0] == family), key=_size_order)
    close = difflib.get_close_matches(
        value, siblings or types, n=1, cutoff=0.6 if siblings else 0.8
    )
    text = f"{value!r} is not an EC2 instance type cws-jupyter knows"
    if siblings:
        sizes = ", ".join(t.partition(".")[2] for t in siblings[:8])
        more = ", ..." if len(siblings) > 8 else ""
        text += f" ({family} comes in {sizes}{more})"
    text += f"; did you mean {close[0]}?" if close else "."
    as_of = type_data().get("as_of", "")
    return (
        f"{text} If AWS has added it since this list ({as_of}), keep it: it is used as written, "
        "but without a price"
    )


def botocore_instance_types() -> list[str]:
    """The ``InstanceType`` values of the installed botocore's EC2 model (its own data only)."""
    from botocore.loaders import Loader

    loader = Loader(
        extra_search_paths=[Loader.BUILTIN_DATA_PATH], include_default_search_paths=False
    )
    model = loader.load_service_model("ec2", "service-2")
    return sorted(model["shapes"]["InstanceType"]["enum"])


def document(today: dt.date | None = None) -> dict[str, Any]:
    """The data file's content: where it comes from, when, how to redo it, and the types."""
    import botocore

    return {
        "source": (
            f"botocore {botocore.__version__} EC2 service model "
            "(botocore/data/ec2/*/service-2.json): shape InstanceType, its enum"
        ),
        "as_of": (today or dt.datetime.now(dt.timezone.utc).date()).isoformat(),
        "regenerate": "python -m cws_jupyter.core.templates.instance_types",
        "instance_types": botocore_instance_types(),
    }


def main(argv: list[str] | None = None) -> int:
    """Write the data file (or the path given as the only argument)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path(__file__).with_name(DATA_FILE)
    target.write_text(json.dumps(document(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
