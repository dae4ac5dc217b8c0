"""cws-jupyter: the CloudWorkstation Universal AMI System, Jupyter-first.

The package is split in two on purpose:

- ``cws_jupyter.core``: the domain (templates, the AMI resolver, AWS access, prices, the
  sandbox). It imports nothing from Jupyter.
- the front doors (``cws_jupyter.cli`` today; the server extension, magics and widgets
  next) are thin adapters over ``cws_jupyter.core.service``.

Nothing heavy (boto3, moto) is imported here, so importing the package stays fast.
"""

__version__ = "0.1.0"
