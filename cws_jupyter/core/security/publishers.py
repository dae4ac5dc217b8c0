"""Well-known image publishers (``publishers.yaml``): whose accounts publish which image names,
so that a look-alike image from another account is recognised as AMI squatting."""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

DATA_FILE = "publishers.yaml"


class Publisher(BaseModel):
    """One publisher: its accounts, the owner aliases AWS gives it, the globs of its names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    owners: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = Field(min_length=1)
    official: str = ""

    def matches_name(self, image_name: str) -> bool:
        """True when ``image_name`` looks like one of this publisher's images (case ignored)."""
        lowered = image_name.lower()
        return any(fnmatchcase(lowered, pattern.lower()) for pattern in self.names)

    def owns(self, owner_id: str, owner_alias: str | None) -> bool:
        """True when the account (or the AWS-assigned alias) is this publisher's."""
        return owner_id in self.owners or (owner_alias or "") in self.aliases


class PublisherTable(BaseModel):
    """The shipped table, with its source and date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    as_of: str
    publishers: tuple[Publisher, ...]


@lru_cache(maxsize=1)
def publisher_table() -> PublisherTable:
    """The shipped table, read once per process (only when a scan needs it)."""
    from ..yamlio import load_yaml

    text = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    return PublisherTable.model_validate(load_yaml(text))


def imitated_publisher(image_name: str) -> Publisher | None:
    """The publisher whose image names ``image_name`` looks like (None: no well-known one)."""
    if not image_name:
        return None
    for publisher in publisher_table().publishers:
        if publisher.matches_name(image_name):
            return publisher
    return None


def publisher_of(owner_id: str, owner_alias: str | None) -> Publisher | None:
    """The well-known publisher owning the account (by id first; an alias is shared by several)."""
    table = publisher_table().publishers
    by_id = next((p for p in table if owner_id and owner_id in p.owners), None)
    return by_id or next((p for p in table if owner_alias and owner_alias in p.aliases), None)


def publisher_named(text: str) -> Publisher | None:
    """The publisher whose name starts with ``text`` (case ignored), for 'did you mean' hints."""
    wanted = text.strip().lower()
    if len(wanted) < 3:
        return None
    return next(
        (p for p in publisher_table().publishers if p.name.lower().startswith(wanted)), None
    )
