"""Instance types the shipped list does not know are warnings (with a suggestion), never errors."""

from __future__ import annotations

import pytest

from cws_jupyter.core.pricing import shipped_table
from cws_jupyter.core.templates import TemplateLibrary
from cws_jupyter.core.templates.instance_types import (
    botocore_instance_types,
    known_instance_types,
    type_data,
)

FIELDS = {
    "instance_defaults.type": "instance_defaults: {{type: {t}}}",
    "instance_defaults.instance_type_preference[1]": (
        "instance_defaults: {{instance_type_preference: [t3.medium, {t}]}}"
    ),
    "ami_config.instance_types.arm64": "ami_config: {{instance_types: {{arm64: {t}}}}}",
}


@pytest.mark.parametrize("field", sorted(FIELDS))
@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("t3.notatype", "(t3 comes in nano, micro, small, medium, large, xlarge, 2xlarge)."),
        ("t3.meduim", "; did you mean t3.medium?"),
        ("m7l.large", "; did you mean m7i.large?"),
        ("zz9.large", "knows. If AWS"),
    ],
    ids=["unknown-size", "typo-size", "typo-family", "unknown-family"],
)
def test_unknown_types_load_with_a_warning_naming_file_and_field(
    field: str, value: str, hint: str
) -> None:
    text = "name: Typed\n" + FIELDS[field].format(t=value) + "\n"
    loaded = TemplateLibrary([]).load_text(text, origin="lab/typed.yml")
    assert loaded.template.slug == "typed"  # loads: AWS adds types, so never an error
    (warning,) = loaded.warnings
    assert warning.startswith(
        f"lab/typed.yml: field '{field}': '{value}' is not an EC2 instance type cws-jupyter knows"
    ), warning
    assert hint in warning
    assert "If AWS has added it since this list" in warning and "keep it" in warning


@pytest.mark.parametrize(
    "value", ["t3.medium", "g4dn.xlarge", "t3a.medium", "m7i.metal-24xl", "u7i-12tb.224xlarge"]
)
def test_known_types_are_quiet(value: str) -> None:
    text = f"name: Typed\ninstance_defaults: {{type: {value}}}\n"
    assert TemplateLibrary([]).load_text(text).warnings == []


def test_the_shipped_list_is_what_the_installed_botocore_knows() -> None:
    """If this fails after a botocore upgrade: python -m cws_jupyter.core.templates.instance_types"""
    assert sorted(known_instance_types()) == botocore_instance_types()
    data = type_data()
    assert data["source"].startswith("botocore ") and "InstanceType" in data["source"]
    assert data["as_of"] and data["regenerate"].startswith("python -m ")


def test_every_priced_type_is_a_known_type() -> None:
    assert set(shipped_table().base) <= known_instance_types()


def test_the_shipped_templates_name_only_known_types(shipped: TemplateLibrary) -> None:
    loaded, errors = shipped.list()
    assert errors == []
    assert [w for t in loaded for w in t.warnings if "instance type" in w] == []
