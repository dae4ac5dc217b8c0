"""The institutional policy file: each class of bad input is a BadInput naming the file, the key
and the fix; each rule judges images as documented (failing closed); edits are picked up."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from security_helpers import ACCOUNT, CANONICAL, NOW, SQUATTER, image, write_policy

from cws_jupyter.core.errors import BadInput
from cws_jupyter.core.security.policy import Policy, PolicyFile, load_policy

GOOD = """\
name: University research computing
allowed_owners: ["099720109477", amazon, self]
max_age_days: 180
require_encrypted: false
require_imdsv2: true
"""


def test_a_good_file_loads_with_its_rules_in_words(tmp_path: Path) -> None:
    path = write_policy(tmp_path, GOOD)
    policy = load_policy(path)
    assert policy.origin == str(path)
    assert policy.allowed_owners == [CANONICAL, "amazon", "self"]
    assert (policy.max_age_days, policy.require_encrypted, policy.require_imdsv2) == (
        180,
        False,
        True,
    )
    summary = policy.summary()
    assert summary.file == str(path) and summary.name == "University research computing"
    assert summary.rules == [
        "owner must be one of: 099720109477, amazon, self",
        "created within the last 180 days",
        "IMDSv2 required by the image (ImdsSupport v2.0)",
    ]


def bad(path: Path) -> BadInput:
    with pytest.raises(BadInput) as caught:
        load_policy(path)
    assert str(path) in caught.value.message  # every error names the file
    return caught.value


def test_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    missing = bad(tmp_path / "nope.yaml")
    assert "does not exist" in missing.message and missing.field == "policy_file"
    assert "CWS_POLICY_FILE" in missing.message
    folder = bad(tmp_path)
    assert "is a folder, not a regular file" in folder.message


def test_bad_yaml_says_where(tmp_path: Path) -> None:
    error = bad(write_policy(tmp_path, "max_age_days: [365\nrequire_imdsv2: true\n"))
    assert "is not valid YAML" in error.message and "line" in error.message
    assert error.field == "policy_file"


def test_empty_and_not_a_mapping(tmp_path: Path) -> None:
    empty = bad(write_policy(tmp_path, "# nothing yet\n"))
    assert "is empty" in empty.message and "allowed_owners" in empty.message
    listed = bad(write_policy(tmp_path, "- max_age_days: 365\n"))
    assert "must be a mapping of rules, not a list" in listed.message


def test_an_unknown_key_suggests_the_known_one(tmp_path: Path) -> None:
    error = bad(write_policy(tmp_path, "allowed_owner: [amazon]\n"))
    assert error.field == "allowed_owner"
    assert "unknown key 'allowed_owner' (did you mean allowed_owners?)" in error.message
    assert "write it as a list of 12-digit account ids" in error.message
    other = bad(write_policy(tmp_path, "colour: blue\n"))
    assert "the keys are name, allowed_owners, max_age_days" in other.message


@pytest.mark.parametrize(
    "text, key, words",
    [
        ("max_age_days: abc\n", "max_age_days", "(got 'abc'); write it as a whole number"),
        ("max_age_days: '365'\n", "max_age_days", "(got '365')"),
        ("max_age_days: 0\n", "max_age_days", "greater than or equal to 1"),
        ("require_encrypted: maybe\n", "require_encrypted", "write it as true or false"),
        ("require_imdsv2: 1\n", "require_imdsv2", "(got 1)"),
        ("name: [a, b]\n", "name", "valid string"),
        ("allowed_owners: {a: 1}\n", "allowed_owners", "expected a list of owners, got dict"),
        ("allowed_owners: []\n", "allowed_owners", "is empty: list at least one owner"),
        (
            "allowed_owners: [canonical]\n",
            "allowed_owners",
            "Canonical (Ubuntu) publishes from account 099720109477",
        ),
        (
            "allowed_owners: [12345]\n",
            "allowed_owners",
            "read as the number 12345: quote account ids",
        ),
        (
            "allowed_owners: [amazon, true]\n",
            "allowed_owners",
            "entry 2 (True) is not an account id",
        ),
    ],
)
def test_wrong_values_name_the_key_and_the_fix(
    tmp_path: Path, text: str, key: str, words: str
) -> None:
    error = bad(write_policy(tmp_path, text))
    assert error.field == key and f": {key}: " in error.message
    assert words in error.message


def test_unquoted_twelve_digit_ids_and_a_lone_owner_are_accepted(tmp_path: Path) -> None:
    policy = load_policy(write_policy(tmp_path, "allowed_owners: 137112412989\n"))
    assert policy.allowed_owners == ["137112412989"]
    assert load_policy(write_policy(tmp_path, "allowed_owners: AMAZON\n")).allowed_owners == [
        "amazon"
    ]


def test_a_file_nested_too_deep_or_too_large_is_refused(tmp_path: Path) -> None:
    deep = bad(write_policy(tmp_path, "name: " + "[" * 100 + "]" * 100 + "\n"))
    assert "nested more than" in deep.message
    huge = bad(write_policy(tmp_path, "# " + "x" * 300_000 + "\nmax_age_days: 3\n"))
    assert "larger than" in huge.message


# -- the rules ------------------------------------------------------------------------------------
def test_allowed_owners_by_id_alias_and_self() -> None:
    policy = Policy(allowed_owners=[CANONICAL, "amazon", "self"]).with_origin("/etc/cws/p.yaml")
    assert policy.check(image(owner_id=CANONICAL), now=NOW) == []
    assert policy.check(image(owner_id="137112412989", owner_alias="amazon"), now=NOW) == []
    assert policy.check(image(owner_id=ACCOUNT), account=ACCOUNT, now=NOW) == []
    denied = policy.check(image(owner_id=SQUATTER), account=ACCOUNT, now=NOW)
    assert [v.rule for v in denied] == ["allowed_owners"]
    assert denied[0].message == (
        f"owner {SQUATTER} is not in allowed_owners (policy /etc/cws/p.yaml)"
    )
    # without the caller's account, self matches nothing
    assert [v.rule for v in policy.check(image(owner_id=ACCOUNT), now=NOW)] == ["allowed_owners"]


def test_max_age_fails_closed_without_a_date() -> None:
    policy = Policy(max_age_days=30)
    assert policy.check(image(creation_date="2026-05-20T00:00:00.000Z"), now=NOW) == []
    old = policy.check(image(creation_date="2026-01-01T00:00:00.000Z"), now=NOW)
    assert old[0].rule == "max_age_days"
    assert (
        "created 2026-01-01, 151 days ago: older than max_age_days 30 (the policy)"
        in old[0].message
    )
    unknown = policy.check(image(creation_date=""), now=NOW)
    assert "no readable creation date" in unknown[0].message


def test_encryption_and_imdsv2_fail_closed_when_unknown() -> None:
    policy = Policy(require_encrypted=True, require_imdsv2=True)
    assert policy.check(image(), now=NOW) == []
    broken = policy.check(image(encrypted=False, imds_support=None), now=NOW)
    assert [v.rule for v in broken] == ["require_encrypted", "require_imdsv2"]
    assert "snapshots are not encrypted: require_encrypted" in broken[0].message
    assert "ImdsSupport not set" in broken[1].message
    unknown = policy.check(image(encrypted=None), now=NOW)
    assert "unknown encryption" in unknown[0].message


def test_a_policy_without_rules_allows_everything() -> None:
    policy = Policy(name="nothing yet")
    assert policy.rules == [] and policy.check(image(owner_id=SQUATTER, encrypted=None)) == []


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    path = write_policy(tmp_path, "max_age_days: 30\n")
    holder = PolicyFile(path)
    first = holder.get()
    assert holder.get() is first  # unchanged: not read again
    path.write_text("max_age_days: 60\nrequire_imdsv2: true\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert holder.get().max_age_days == 60
    path.unlink()
    with pytest.raises(BadInput, match="does not exist"):
        holder.get()
