"""The community AMI registry: publish, find, rate and launch images others built.

``CommunityRegistry`` is the façade (its reads in ``reads``, tokens in ``accounts``);
``storage`` opens DuckDB or PostgreSQL from a URL, ``migrations`` versions the schema,
``queries``/``writes`` hold the SQL (``facets`` and ``reviews`` what writes keep current for
reads), ``ranking`` the Bayesian order, ``catalog`` the in-memory read model browsing is answered
from (``recordtable`` its columns and orders, ``textindex`` its word index), ``verify`` the AWS
ownership check, ``cache``/``ratelimit`` the caches and the optional Redis parts. Nothing here
imports tornado, Jupyter, boto3, duckdb, psycopg, redis or numpy at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from .errors import DuplicateImage, RateLimited, SelfRating, StorageUnavailable, Unauthorized
    from .models import (
        AmiDetails,
        BestAMI,
        BrowsePage,
        CommunityAMI,
        Principal,
        RateRequest,
        RateResult,
        RegistryStats,
        Review,
        Submission,
        SubmitResult,
        TokenCreated,
        UseRequest,
        UseResult,
    )
    from .registry import CommunityRegistry
    from .verify import Ec2Verifier, NoVerifier, Verification, Verifier, aws_verifier

#: Where each public name lives: imported on first use, so the client side (the resolver's
#: community tier, ``cws ami browse``) does not load the server side's modules.
_HOME = {
    "AmiDetails": "models",
    "BestAMI": "models",
    "BrowsePage": "models",
    "CommunityAMI": "models",
    "CommunityRegistry": "registry",
    "DuplicateImage": "errors",
    "Ec2Verifier": "verify",
    "NoVerifier": "verify",
    "Principal": "models",
    "RateLimited": "errors",
    "RateRequest": "models",
    "RateResult": "models",
    "RegistryStats": "models",
    "Review": "models",
    "SelfRating": "errors",
    "StorageUnavailable": "errors",
    "Submission": "models",
    "SubmitResult": "models",
    "TokenCreated": "models",
    "Unauthorized": "errors",
    "UseRequest": "models",
    "UseResult": "models",
    "Verification": "verify",
    "Verifier": "verify",
    "aws_verifier": "verify",
}


__getattr__ = lazy_exports(__name__, _HOME)


__all__ = [
    "AmiDetails",
    "BestAMI",
    "BrowsePage",
    "CommunityAMI",
    "CommunityRegistry",
    "DuplicateImage",
    "Ec2Verifier",
    "NoVerifier",
    "Principal",
    "RateLimited",
    "RateRequest",
    "RateResult",
    "RegistryStats",
    "Review",
    "SelfRating",
    "StorageUnavailable",
    "Submission",
    "SubmitResult",
    "TokenCreated",
    "Unauthorized",
    "UseRequest",
    "UseResult",
    "Verification",
    "Verifier",
    "aws_verifier",
]
