"""Every size and rate limit of the registry, named once: validation, the server and the OpenAPI
document all read them from here, so what is documented is what is enforced."""

from __future__ import annotations

#: The largest request body accepted (bytes); larger bodies are refused naming ``body``.
MAX_BODY_BYTES = 64 * 1024
#: Deepest nesting of arrays/objects accepted in a JSON body (the API's bodies nest 2 levels).
MAX_JSON_DEPTH = 8

MAX_TEMPLATE_CHARS = 100
MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 10_000
MAX_VERSION_CHARS = 50
MAX_CATEGORY_CHARS = 50
MAX_REVIEW_CHARS = 4_000
MAX_USER_CHARS = 100
#: The longest search text (``q``).
MAX_QUERY_CHARS = 200
#: The most regions one submission may claim.
MAX_REGIONS = 40

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
#: The deepest page served (page x per_page stays bounded: deep offsets cost a scan).
MAX_PAGE = 10_000
#: Where a text search (``q``) stops counting on a backend that counts by scanning
#: (PostgreSQL): past it, ``total`` is this number and ``total_is_estimate`` is true, so a search
#: matching most of the registry costs a bounded amount of work. Filters without ``q`` are
#: counted exactly from maintained facet counts.
COUNT_CAP = 1_000
DEFAULT_REVIEWS_PER_PAGE = 20
MAX_REVIEWS_PER_PAGE = 100

#: Writes (submit, rate, use) one token may make per window, and the window (seconds).
WRITES_PER_MINUTE = 30
RATE_WINDOW_SECONDS = 60

#: How long a cached browse page or details answer lives (a write invalidates it sooner).
CACHE_TTL_SECONDS = 300
#: How far behind another process's write a registry process may answer: it checks for
#: newer record versions (and the shared cache generation) at most this often. Its own writes
#: show at once. 0 checks on every read.
MAX_STALENESS_SECONDS = 0.1

#: The orders ``browse`` accepts (``best`` is the default; see ``ranking``).
SORTS = ("best", "rating", "downloads", "recent", "name")

#: Template slugs and categories: lower-case words joined by ``-``, ``_`` or ``.``.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
#: User names: letters, digits and ``._@-`` (an e-mail address works).
USER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]*$"
#: An AWS region name (checked against the known regions too).
REGION_PATTERN = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$"
#: An EC2 image id.
IMAGE_ID_PATTERN = r"^ami-[0-9a-f]{8,17}$"
#: A registry id: ``cami-`` and 16 hex digits (21 characters, the spec's VARCHAR(21)).
REGISTRY_ID_PATTERN = r"^cami-[0-9a-f]{16}$"
#: A 12-digit AWS account id.
ACCOUNT_PATTERN = r"^[0-9]{12}$"
