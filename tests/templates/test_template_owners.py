"""Image owners of `ami_search`: a value that is not an owner loads with a warning, and the search
is refused at resolution time with the same reason (never run without the owner meant)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cws_jupyter.core.resolver.models import TierOutcome
from cws_jupyter.core.resolver.tiers import TierContext, dynamic_search
from cws_jupyter.core.templates import TemplateLibrary
from cws_jupyter.core.templates.loader import LoadedTemplate


class NoSearch:
    """An image catalog that fails the test if anything is searched."""

    def search(self, *args: Any, **kwargs: Any) -> list[Any]:
        raise AssertionError(f"searched images with {args}")


class Recording:
    """An image catalog that records the owners searched and finds nothing."""

    def __init__(self) -> None:
        self.owners: list[list[str]] = []

    def search(self, region: str, owners: list[str], filters: dict[str, Any]) -> list[Any]:
        self.owners.append(list(owners))
        return []


def _load(search: str) -> LoadedTemplate:
    text = f"name: Owned\nami_config:\n  ami_search: {search}\n"
    return TemplateLibrary([]).load_text(text, origin="lab/owned.yml")


def _search(loaded: LoadedTemplate, catalog: Any) -> Any:
    config = loaded.template.ami_config
    assert config is not None
    ctx = TierContext(
        template=loaded.template,
        config=config,
        archs=["x86_64"],
        catalog=catalog,
        now=dt.datetime.now(dt.timezone.utc),
    )
    return dynamic_search(ctx, "eu-west-1")


@pytest.mark.parametrize(
    ("search", "field", "value"),
    [
        (
            '{owner: cloudworkstation-community, name_pattern: "x-*"}',
            "owner",
            "cloudworkstation-community",
        ),
        ('{owner: canonical, name_pattern: "x-*"}', "owner", "canonical"),
        ('{owner: "", name_pattern: "x-*"}', "owner", ""),
        ('{owner: "12345", name_pattern: "x-*"}', "owner", "12345"),
        ('{owners: ["099720109477", Amazon], name_pattern: "x-*"}', "owners[1]", "Amazon"),
        ('{owners: "not-an-account", name_pattern: "x-*"}', "owners[0]", "not-an-account"),
        ('{owner: 12345, name_pattern: "x-*"}', "owner", "12345"),
    ],
    ids=[
        "community-name",
        "publisher-name",
        "empty",
        "too-few-digits",
        "in-owners",
        "owners-one",
        "number",
    ],
)
def test_an_owner_that_is_not_one_warns_and_the_search_is_refused(
    search: str, field: str, value: str
) -> None:
    loaded = _load(search)  # loads: a user's existing template must not break
    (warning,) = loaded.warnings
    reason = f"field 'ami_config.ami_search.{field}': {value!r} is not an image owner"
    assert warning.startswith(f"lab/owned.yml: {reason}: use a 12-digit AWS account id"), warning
    assert "refused" in warning
    result = _search(loaded, NoSearch())  # never searched, not even with the valid owners
    assert result.attempt.outcome is TierOutcome.REFUSED
    assert result.attempt.reason.startswith(reason)
    assert result.attempt.reason in warning  # the same reason at load and at resolution
    assert result.image is None
    assert any(reason in w and "refused" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("search", "owners"),
    [
        ('{owner: self, name_pattern: "x-*"}', ["self"]),
        ('{owner: amazon, name_pattern: "x-*"}', ["amazon"]),
        ('{owner: aws-marketplace, name_pattern: "x-*"}', ["aws-marketplace"]),
        ('{owner: "099720109477", name_pattern: "x-*"}', ["099720109477"]),
        ('{owner: 137112412989, name_pattern: "x-*"}', ["137112412989"]),  # unquoted: a number
        ('{owners: ["099720109477", self], name_pattern: "x-*"}', ["099720109477", "self"]),
    ],
    ids=["self", "amazon", "marketplace", "account-id", "unquoted-account-id", "owners"],
)
def test_real_owners_load_quietly_and_are_searched(search: str, owners: list[str]) -> None:
    loaded = _load(search)
    assert loaded.warnings == []
    catalog = Recording()
    result = _search(loaded, catalog)
    assert result.attempt.outcome is TierOutcome.MISS
    assert catalog.owners == [owners]


def test_no_owner_at_all_is_still_refused_as_squatting() -> None:
    loaded = _load('{name_pattern: "ubuntu-*"}')
    (warning,) = loaded.warnings
    assert "field 'ami_config.ami_search': no owner" in warning
    result = _search(loaded, NoSearch())
    assert result.attempt.outcome is TierOutcome.REFUSED
    assert any("CVE-2018-15869" in w for w in result.warnings)


def test_an_owner_of_the_wrong_type_is_still_an_error() -> None:
    from cws_jupyter.core.errors import TemplateError

    with pytest.raises(TemplateError) as err:
        _load('{owner: [a, b], name_pattern: "x-*"}')
    (problem,) = err.value.problems
    assert problem.startswith("lab/owned.yml: field 'ami_config.ami_search.owner': ")
