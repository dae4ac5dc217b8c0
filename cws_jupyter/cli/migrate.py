"""`cws migrate analyze|template|instance|test-all`: move templates to AMIs."""

from __future__ import annotations

import click


@click.group()
def migrate() -> None:
    """Find which templates gain from an AMI, and move them (and workstations) to one."""
