"""The institutional image policy (``CWS_POLICY_FILE``): which images an institution allows.

A small YAML file of rules: ``allowed_owners``, ``max_age_days``, ``require_encrypted``,
``require_imdsv2`` (and an optional ``name``). ``Policy.check`` judges one image against them,
with no AWS call, cheaply enough for the resolver to ask it of every candidate image; an image
it denies is skipped with the rule as the reason, and launch refuses it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import threading
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
)

from ..aws.images import AMIInfo, parse_time
from ..errors import BadInput
from .models import PolicyRules, PolicyViolation

#: The setting (and the BadInput field when the file as a whole is at fault).
FIELD = "policy_file"
ENV = "CWS_POLICY_FILE"
#: The most of a policy file read (a real one is a few hundred bytes).
MAX_POLICY_BYTES = 256_000
#: Owner aliases a policy may name besides account ids (``self``: the calling account).
ALIASES = ("amazon", "aws-marketplace", "self")
ACCOUNT_RE = re.compile(r"^\d{12}$")
RULES = ("allowed_owners", "max_age_days", "require_encrypted", "require_imdsv2")
KEYS = ("name", *RULES)
#: How to write each key: the fix a BadInput names.
KEY_FIX = {
    "name": "a short text, e.g. name: University research computing",
    "allowed_owners": 'a list of 12-digit account ids (quoted) or amazon, aws-marketplace, self, e.g. allowed_owners: ["099720109477", amazon, self]',
    "max_age_days": "a whole number of days from 1 to 36500, e.g. max_age_days: 365",
    "require_encrypted": "true or false",
    "require_imdsv2": "true or false",
}


class Policy(BaseModel):
    """An institution's rules for the images its users may launch."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: StrictStr | None = Field(None, max_length=200, description="What the policy is")
    allowed_owners: list[str] = Field(
        default_factory=list,
        description="Account ids or aliases (amazon, aws-marketplace, self) whose images are "
        "allowed; none listed: any owner",
    )
    max_age_days: StrictInt | None = Field(
        None, ge=1, le=36500, description="Images older than this are denied"
    )
    require_encrypted: StrictBool = Field(False, description="Every snapshot must be encrypted")
    require_imdsv2: StrictBool = Field(False, description="The image must require IMDSv2")

    _origin: str = PrivateAttr("")
    _ids: frozenset[str] = PrivateAttr(frozenset())
    _aliases: frozenset[str] = PrivateAttr(frozenset())
    _self: bool = PrivateAttr(False)

    @field_validator("allowed_owners", mode="before")
    @classmethod
    def _owners(cls, value: Any) -> list[str]:
        """Account ids (12 digits, as text) or known aliases; a lone owner may be a scalar."""
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            raise ValueError(f"expected a list of owners, got {type(value).__name__}")
        if not value:
            raise ValueError("is empty: list at least one owner, or leave the key out")
        return [_owner(item, index) for index, item in enumerate(value, start=1)]

    def model_post_init(self, context: Any, /) -> None:
        """Sets of owners for cheap checks (the resolver asks of every candidate image)."""
        self._ids = frozenset(o for o in self.allowed_owners if ACCOUNT_RE.match(o))
        self._aliases = frozenset(o for o in self.allowed_owners if o in ALIASES and o != "self")
        self._self = "self" in self.allowed_owners

    @property
    def origin(self) -> str:
        """The file it was read from ('' when built in code)."""
        return self._origin

    def with_origin(self, origin: str | Path) -> Policy:
        """This policy, remembering the file it came from (messages name it)."""
        self._origin = str(origin)
        return self

    @property
    def rules(self) -> list[str]:
        """Each rule in words (empty: the policy allows every image)."""
        rules = []
        if self.allowed_owners:
            rules.append("owner must be one of: " + ", ".join(self.allowed_owners))
        if self.max_age_days is not None:
            rules.append(f"created within the last {self.max_age_days} days")
        if self.require_encrypted:
            rules.append("every snapshot encrypted")
        if self.require_imdsv2:
            rules.append("IMDSv2 required by the image (ImdsSupport v2.0)")
        return rules

    def summary(self) -> PolicyRules:
        """The policy as ``cws policy check`` shows it."""
        return PolicyRules(
            file=self.origin,
            name=self.name,
            allowed_owners=list(self.allowed_owners),
            max_age_days=self.max_age_days,
            require_encrypted=self.require_encrypted,
            require_imdsv2=self.require_imdsv2,
            rules=self.rules,
        )

    def check(
        self,
        image: AMIInfo,
        *,
        account: str | None = None,
        now: dt.datetime | None = None,
    ) -> list[PolicyViolation]:
        """The rules ``image`` breaks (empty: allowed). No AWS call. ``account`` is the calling
        account, for ``self`` in ``allowed_owners`` (unknown: ``self`` matches nothing).

        Fails closed: what cannot be told (no creation date, encryption not reported) breaks a
        rule that needs it."""
        where = f"policy {self._origin}" if self._origin else "the policy"
        found: list[PolicyViolation] = []
        if self.allowed_owners and not self.owner_allowed(image, account):
            alias = f" ({image.owner_alias})" if image.owner_alias else ""
            found.append(
                PolicyViolation(
                    rule="allowed_owners",
                    message=f"owner {image.owner_id or 'unknown'}{alias} is not in "
                    f"allowed_owners ({where})",
                )
            )
        if self.max_age_days is not None:
            message = _too_old(image, self.max_age_days, now or dt.datetime.now(dt.timezone.utc))
            if message:
                found.append(PolicyViolation(rule="max_age_days", message=f"{message} ({where})"))
        if self.require_encrypted and image.encrypted is not True:
            state = "are not encrypted" if image.encrypted is False else "are of unknown encryption"
            found.append(
                PolicyViolation(
                    rule="require_encrypted",
                    message=f"{image.ami_id}'s snapshots {state}: require_encrypted ({where})",
                )
            )
        if self.require_imdsv2 and image.imds_support != "v2.0":
            found.append(
                PolicyViolation(
                    rule="require_imdsv2",
                    message=f"{image.ami_id} does not require IMDSv2 (ImdsSupport "
                    f"{image.imds_support or 'not set'}): require_imdsv2 ({where})",
                )
            )
        return found

    def owner_allowed(self, image: AMIInfo, account: str | None = None) -> bool:
        """Is the image's owner one ``allowed_owners`` names (always, when it names none)?"""
        if not self.allowed_owners:
            return True
        return (
            image.owner_id in self._ids
            or (image.owner_alias or "") in self._aliases
            or (self._self and account is not None and image.owner_id == account)
        )


def _owner(item: Any, index: int) -> str:
    """One ``allowed_owners`` entry, checked."""
    if isinstance(item, bool) or not isinstance(item, (str, int)):
        raise ValueError(f"entry {index} ({item!r}) is not an account id or an alias")
    text = str(item).strip()
    if isinstance(item, int) and not ACCOUNT_RE.match(text):
        raise ValueError(
            f"entry {index} was read as the number {item}: quote account ids, e.g. "
            '"012345678901" (YAML drops leading zeros)'
        )
    if ACCOUNT_RE.match(text):
        return text
    if text.lower() in ALIASES:
        return text.lower()
    from .publishers import publisher_named

    known = publisher_named(text)
    hint = (
        f"; {known.name} publishes from account {known.owners[0]}" if known and known.owners else ""
    )
    raise ValueError(
        f"entry {index} ({text!r}) is neither a 12-digit account id nor one of "
        f"{', '.join(ALIASES)}{hint}"
    )


def _too_old(image: AMIInfo, limit: int, now: dt.datetime) -> str | None:
    created = parse_time(image.creation_date)
    if created is None:
        return (
            f"{image.ami_id} has no readable creation date, so max_age_days {limit} cannot be met"
        )
    days = (now - created).days
    if days <= limit:
        return None
    return f"{image.ami_id} was created {created.date()}, {days} days ago: older than max_age_days {limit}"


# -- reading the file ---------------------------------------------------------------------------
def _bad(path: Path, problem: str, key: str | None = None, fix: str | None = None) -> BadInput:
    """A BadInput naming the policy file, the key at fault and the fix."""
    where = f"policy file {path}" + (f": {key}" if key else "")
    text = f"{where}: {problem}"
    text += f"; write it as {fix}" if fix else f"; fix the file ({ENV} or --file names it)"
    details: dict[str, Any] = {"file": str(path), "problem": problem}
    if key:
        details["key"] = key
    return BadInput(text, field=key or FIELD, details=details)


def load_policy(path: Path) -> Policy:
    """The policy in the YAML file ``path``; anything wrong (unreadable, bad YAML, an unknown
    key, a value of the wrong type) is a BadInput naming the file, the key and the fix."""
    import yaml

    from ..files import FileRefused, read_regular_text
    from ..yamlio import MAX_DEPTH, NestedTooDeep, load_yaml

    path = Path(path)
    try:
        text = read_regular_text(path, MAX_POLICY_BYTES)
    except FileRefused as exc:
        raise _bad(path, f"cannot be read: it {exc.problem}") from None
    try:
        data = load_yaml(text)
    except NestedTooDeep:
        raise _bad(path, f"is nested more than {MAX_DEPTH} levels deep") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise _bad(path, f"is not valid YAML ({exc.problem}{at})") from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, AttributeError) as exc:
        raise _bad(path, f"is not valid YAML ({type(exc).__name__}: {exc})") from None
    if data is None:
        raise _bad(path, "is empty", fix="a mapping with at least one rule: " + ", ".join(RULES))
    if not isinstance(data, dict):
        raise _bad(
            path,
            f"must be a mapping of rules, not a {type(data).__name__}",
            fix="lines like max_age_days: 365",
        )
    for key in data:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise _bad(
                path,
                f"unknown key {key!r}{hint}; the keys are {', '.join(KEYS)}",
                key=str(key),
                fix=KEY_FIX[close[0]] if close else None,
            )
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = str(error["loc"][0]) if error["loc"] else FIELD
        message = str(error["msg"]).removeprefix("Value error, ")
        got = error.get("input")
        shown = "" if isinstance(got, (list, dict)) or got is None else f" (got {got!r})"
        raise _bad(path, f"{message}{shown}", key=key, fix=KEY_FIX.get(key)) from None
    return policy.with_origin(path)


class PolicyFile:
    """The policy of one file, read again only when the file changes (a stat per call): a long
    running Jupyter server follows edits without restarting."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._seen: tuple[int, int, int] | None = None
        self._policy: Policy | None = None
        self._lock = threading.Lock()

    def get(self) -> Policy:
        """The current policy (a BadInput when the file is missing or wrong)."""
        try:
            info = os.stat(self.path)
            stamp: tuple[int, int, int] | None = (info.st_mtime_ns, info.st_size, info.st_ino)
        except OSError:
            stamp = None  # load_policy says what is wrong with the path
        with self._lock:
            if stamp is None or stamp != self._seen or self._policy is None:
                self._policy = load_policy(self.path)
                self._seen = stamp
            return self._policy
