"""The state of workstations in the shared store: one record per instance, names unique among
live ones (a name is reserved before anything is launched, so two launches cannot share it)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import uuid
from collections.abc import Callable

from ..errors import BadInput, Conflict, NotFound
from ..store import StateStore, now
from .models import InstanceRecord

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


def check_name(name: str) -> str:
    """A workstation name: 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit."""
    if not NAME_RE.match(name or ""):
        raise BadInput(
            f"{name!r} is not a workstation name: use 1-63 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            field="name",
        )
    return name


class InstanceBook:
    """Workstation records of one account view (the sandbox, or one AWS account)."""

    def __init__(self, store: StateStore, namespace: Callable[[], str]) -> None:
        """Records in ``store``; ``namespace()`` names the account view (asked lazily)."""
        self.store = store
        self._namespace = namespace

    @property
    def namespace(self) -> str:
        """The account view these records belong to."""
        return self._namespace()

    def reserve(self, record: InstanceRecord) -> InstanceRecord:
        """Record a new workstation (state ``launching``); Conflict when the name is taken."""
        check_name(record.name)
        record = record.model_copy(update={"key": uuid.uuid4().hex, "updated_at": _stamp()})
        namespace = self.namespace  # may ask STS: never inside the write transaction
        try:
            with self.store.write() as conn:
                conn.execute(
                    "INSERT INTO instances (key, namespace, name, state, updated, body) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        record.key,
                        namespace,
                        record.name,
                        record.state,
                        now(),
                        record.model_dump_json(),
                    ),
                )
        except sqlite3.IntegrityError:
            raise Conflict(
                f"a workstation named {record.name!r} already exists (see `cws list`): choose "
                "another name, or terminate it first",
                field="name",
            ) from None
        return record

    def get(self, name: str) -> InstanceRecord:
        """The live workstation with this name; NotFound names the command that lists them."""
        rows = self.store.query(
            "SELECT body FROM instances WHERE namespace = ? AND name = ? AND state != 'terminated'",
            (self.namespace, name),
        )
        if not rows:
            raise NotFound(
                f"no workstation named {name!r} (see `cws list` for yours)", field="name"
            )
        return InstanceRecord.model_validate_json(rows[0]["body"])

    def find(self, name: str) -> InstanceRecord | None:
        """The live workstation with this name, or None."""
        try:
            return self.get(name)
        except NotFound:
            return None

    def list(self, include_terminated: bool = False) -> list[InstanceRecord]:
        """Workstations of this account view, oldest first."""
        sql = "SELECT body FROM instances WHERE namespace = ?"
        if not include_terminated:
            sql += " AND state != 'terminated'"
        rows = self.store.query(sql + " ORDER BY rowid", (self.namespace,))
        return [InstanceRecord.model_validate_json(r["body"]) for r in rows]

    def update(self, key: str, change: Callable[[InstanceRecord], None]) -> InstanceRecord:
        """Read, change and write one record in one transaction (no update is ever lost)."""
        with self.store.write() as conn:
            row = conn.execute("SELECT body FROM instances WHERE key = ?", (key,)).fetchone()
            if row is None:
                raise NotFound(f"workstation record {key} is gone", field="name")
            record = InstanceRecord.model_validate_json(row["body"])
            change(record)
            record.updated_at = _stamp()
            conn.execute(
                "UPDATE instances SET state = ?, updated = ?, body = ? WHERE key = ?",
                (record.state, now(), record.model_dump_json(), key),
            )
        return record

    def release(self, key: str) -> None:
        """Forget a reservation whose launch did not happen."""
        with self.store.write() as conn:
            conn.execute("DELETE FROM instances WHERE key = ?", (key,))


def _stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
