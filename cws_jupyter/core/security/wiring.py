"""How the service builds its security scanner (the composition root calls ``build_security``)."""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..service import CwsService
    from .scanner import SecurityScanner


def build_security(service: CwsService) -> SecurityScanner:
    """A scanner over the service's public parts: its settings, its AWS access (clients are
    asked for at each call, so a restarted sandbox is followed), the cached caller account,
    and the region map (to check a region before any AWS call)."""
    from .scanner import SecurityScanner

    return SecurityScanner(
        service.settings,
        ec2=lambda region: service.access.client("ec2", region),
        inspector=lambda region: service.access.client("inspector2", region),
        account=lambda: service.catalog.caller_account(),
        check_region=lambda region: service.regions.fallbacks(region),
    )


#: Scanners built for services that have no ``security`` part (one per service, kept while it is).
_BUILT: weakref.WeakKeyDictionary[Any, SecurityScanner] = weakref.WeakKeyDictionary()
_BUILT_LOCK = threading.Lock()


def scanner_for(service: Any) -> SecurityScanner:
    """The service's own scanner (its ``security`` part) when it has one, else one built for it
    once: what the front doors call, so they work before and after the service grows the part."""
    from .scanner import SecurityScanner

    own = getattr(service, "security", None)
    if isinstance(own, SecurityScanner):
        return own
    with _BUILT_LOCK:
        scanner = _BUILT.get(service)
        if scanner is None:
            scanner = _BUILT[service] = build_security(service)
        return scanner
