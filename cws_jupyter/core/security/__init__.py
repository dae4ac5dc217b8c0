"""Image security: a scanner (``cws ami scan``: owner trust and squatting, age, deprecation,
public launch permission, encryption, IMDSv2, boot mode, Amazon Inspector; a score and a fix
for each finding) and the institutional image policy (``CWS_POLICY_FILE``), which the resolver
and launch enforce.

``scanner`` holds the façade, ``checks`` one function per check, ``scoring`` the score and
advice, ``inspector`` the optional Inspector v2 findings, ``policy`` the policy file, and
``wiring`` how the service builds the scanner. Nothing here imports boto3 at import time.
"""

from __future__ import annotations

from .models import (
    Finding,
    ImageVerdict,
    PolicyCheck,
    PolicyRules,
    PolicyViolation,
    SecurityReport,
)

__all__ = [
    "Finding",
    "ImageVerdict",
    "PolicyCheck",
    "PolicyRules",
    "PolicyViolation",
    "SecurityReport",
]
