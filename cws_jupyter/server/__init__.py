"""The jupyter-server front door: the spec's REST API under ``{base_url}cws/api/v1/``.

``app`` holds the extension (configuration, the shared service, the thread pools); ``routes`` the
one route table that both tornado and the OpenAPI document (``openapi``) are built from;
``base`` and ``handlers`` the request handlers; ``jobs`` long requests run as jobs; ``schemas``
the API's own bodies. Loading the extension imports neither boto3 nor the core service: they load
on the first request. ``python -m cws_jupyter.server`` runs a server with it (``--help-all``).
"""

NAMESPACE = "cws/api/v1"
