"""The `cws` command line with one EC2 call refused in one region, as AWS would refuse it.

    python cli_with_faults.py OPERATION REGION CODE -- CWS-ARGUMENTS...

Every OPERATION request to EC2 in REGION is answered with the error CODE (HTTP 400); everything
else reaches the sandbox as usual. Then it is exactly `cws CWS-ARGUMENTS...` (same exit code).
"""

from __future__ import annotations

import sys
from typing import Any

from lifecycle_helpers import ec2_error

from cws_jupyter.core.aws import session


def main(argv: list[str]) -> None:
    operation, region, code, separator, *args = argv
    assert separator == "--", __doc__
    make_client = session.AwsAccess.client
    faulty: set[int] = set()

    def refuse(request: Any, **_: Any) -> Any:
        return ec2_error(request, code, f"{operation} refused in {region} (injected by the test)")

    def client(self: session.AwsAccess, service: str, where: str) -> Any:
        made = make_client(self, service, where)
        if service == "ec2" and where == region and id(made) not in faulty:
            made.meta.events.register(f"before-send.ec2.{operation}", refuse)
            faulty.add(id(made))
        return made

    session.AwsAccess.client = client  # type: ignore[method-assign]
    from cws_jupyter.cli.main import main as cws

    sys.argv = ["cws", *args]
    cws()


if __name__ == "__main__":
    main(sys.argv[1:])
