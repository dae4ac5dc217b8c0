"""``cws-registry``: the community AMI registry as an HTTP service of its own (tornado, not a
Jupyter extension). ``routes`` is the one route table that both tornado and the OpenAPI document
are built from; ``handlers`` are thin (parse, call ``CommunityRegistry`` off the event loop,
reply); ``metrics`` the Prometheus exposition; ``main`` the command line."""

API_PREFIX = "/api/v1/community"
