"""cws-jupyter: the CloudWorkstation Universal AMI System, Jupyter-first.

The package is split in two on purpose:

- ``cws_jupyter.core``: the domain (templates, the AMI resolver, AWS access, prices, the
  sandbox). It imports nothing from Jupyter.
- the front doors (``cws_jupyter.cli``, the server extension, the magics, the widgets, and the
  JupyterLab panel built from ``labextension/``) are thin adapters over the core.

Nothing heavy (boto3, moto) is imported here, so importing the package stays fast.
"""

__version__ = "0.1.0"


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    """Tell jupyter-server where the cws-jupyter server extension lives."""
    from .server.app import CwsExtensionApp

    return [{"module": "cws_jupyter.server.app", "app": CwsExtensionApp}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Tell JupyterLab where the prebuilt lab extension (the CloudWorkstation panel) lives."""
    return [{"src": "labextension", "dest": "cws-jupyter-labextension"}]


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext cws_jupyter``: register the ``%cws`` magics and the result formatters."""
    from .magics import load_ipython_extension as load

    load(ipython)
