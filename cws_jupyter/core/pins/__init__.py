"""Reproducible AMI pins: a lock file (``cws.lock``) that holds, per template and region, the
image a resolution chose, so that a notebook re-run next month gets the same image.

``lockfile`` reads and writes the file; ``pinning`` resolves through it.
"""
