"""Clients of one session share their service model and client class.

botocore builds, for every client, a new ``ServiceModel`` and a new client class with one method
per operation (EC2 has about 700): about 60-80% of the time a client takes to build, the same for
every region. Checking all 34 regions builds 68 clients, so this is most of the CPU time of
``cws ami test --all-regions``. Here both are built once per (session, service, API version) and
reused for every region.

Only sessions passed to ``share_client_classes`` (ours) are affected; every other session in the
process builds its clients exactly as botocore does. When botocore's internals are not as
expected (another version), nothing is changed and clients are built the usual way.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

_lock = threading.Lock()
#: The event emitter of each session we own -> its memo of models and classes.
_memos: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], Any]] = weakref.WeakKeyDictionary()
_installed: bool | None = None


def share_client_classes(session: Any) -> bool:
    """Make the clients of ``session`` (boto3 or botocore) share models and classes; False when
    botocore does not allow it (clients are then built the usual way)."""
    if not _install():
        return False
    core = getattr(session, "_session", session)
    try:
        emitter = core.get_component("event_emitter")
        with _lock:
            _memos.setdefault(emitter, {})
    except (AttributeError, TypeError, KeyError):
        return False
    return True


def shares_client_classes(session: Any) -> bool:
    """Whether ``session``'s clients share models and classes (for tests)."""
    core = getattr(session, "_session", session)
    try:
        return core.get_component("event_emitter") in _memos
    except (AttributeError, TypeError, KeyError):
        return False


def _install() -> bool:
    """Wrap botocore's two builders once per process (each wrapper defers to the original for
    sessions that are not ours)."""
    global _installed
    with _lock:
        if _installed is not None:
            return _installed
        try:
            from botocore.client import ClientCreator

            load_model = ClientCreator._load_service_model
            make_class = ClientCreator._create_client_class
        except (ImportError, AttributeError):
            _installed = False
            return False

        def _load_service_model(self: Any, service_name: str, api_version: Any = None) -> Any:
            memo = _memo_of(self)
            if memo is None:
                return load_model(self, service_name, api_version)
            key = ("model", service_name, api_version)
            model = memo.get(key)
            if model is None:
                model = memo.setdefault(key, load_model(self, service_name, api_version))
            return model

        def _create_client_class(self: Any, service_name: str, service_model: Any) -> Any:
            memo = _memo_of(self)
            if memo is None:
                return make_class(self, service_name, service_model)
            key = ("class", service_name, id(service_model))
            cls = memo.get(key)
            if cls is None or memo.get(("model-of", key)) is not service_model:
                cls = make_class(self, service_name, service_model)
                memo[("model-of", key)] = service_model
                memo[key] = cls
            return cls

        ClientCreator._load_service_model = _load_service_model  # type: ignore[method-assign]
        ClientCreator._create_client_class = _create_client_class  # type: ignore[method-assign]
        _installed = True
        return True


def _memo_of(creator: Any) -> dict[tuple[Any, ...], Any] | None:
    emitter = getattr(creator, "_event_emitter", None)
    if emitter is None:
        return None
    try:
        return _memos.get(emitter)
    except TypeError:  # an emitter that cannot be weakly referenced is never ours
        return None
