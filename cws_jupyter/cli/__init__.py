"""Front door: the `cws` command line (click), a thin adapter over the core service."""
