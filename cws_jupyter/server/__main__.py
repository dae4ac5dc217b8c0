"""``python -m cws_jupyter.server``: a Jupyter server with the cws REST API (the spec's daemon).

Every jupyter-server option works (``--port``, ``--ServerApp.token``, ...); ``--help-all`` lists
them with cws-jupyter's own (``--CwsExtensionApp.region``, ``--CwsExtensionApp.sandbox``, ...).
"""

from __future__ import annotations

from .app import CwsExtensionApp


def main() -> None:
    """Launch the server with this extension as the starter app."""
    CwsExtensionApp.launch_instance()


if __name__ == "__main__":
    main()
