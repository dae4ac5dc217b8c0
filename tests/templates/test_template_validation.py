"""Validation messages: each error names the file, the field path and the bad value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cws_jupyter.core.errors import TemplateError
from cws_jupyter.core.templates import TemplateLibrary
from cws_jupyter.core.templates.fields import Architecture

Write = Callable[..., Path]

VALID = """\
name: Valid
description: a valid template
package_manager: apt
packages: {system: [git]}
instance_defaults: {type: t3.medium, ports: [22]}
ami_config:
  strategy: ami_preferred
  ami_mappings: {us-east-1: ami-0123456789abcdef0}
  ami_search: {owner: "099720109477", name_pattern: "ubuntu/images/*", architecture: [x86_64]}
  fallback_strategy: script_provisioning
  fallback_timeout: 10m
  preferred_architecture: x86_64
"""


def _errors(path: Path) -> list[str]:
    (check,) = TemplateLibrary([]).check_files([path])
    assert not check.ok
    return check.errors


def _variant(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new)


@pytest.mark.parametrize(
    ("old", "new", "field", "expected"),
    [
        pytest.param(
            "ami-0123456789abcdef0",
            "ami-12345",
            "ami_config.ami_mappings.us-east-1",
            "'ami-12345' is not an AMI id: expected 'ami-' followed by 8 or 17 hex digits",
            id="ami-id-too-short",
        ),
        pytest.param(
            "ami-0123456789abcdef0",
            "ami-0123456789ABCDEF0",
            "ami_config.ami_mappings.us-east-1",
            "'ami-0123456789ABCDEF0' is not an AMI id",
            id="ami-id-uppercase",
        ),
        pytest.param(
            "us-east-1: ami",
            "us-esat-1: ami",
            "ami_config.ami_mappings.us-esat-1",
            "'us-esat-1' is not an AWS region; did you mean us-east-1?",
            id="region-transposed",
        ),
        pytest.param(
            "us-east-1: ami",
            "eu-centrl-1: ami",
            "ami_config.ami_mappings.eu-centrl-1",
            "'eu-centrl-1' is not an AWS region; did you mean eu-central-1?",
            id="region-letter-missing",
        ),
        pytest.param(
            "us-east-1: ami",
            "us-east-1a: ami",
            "ami_config.ami_mappings.us-east-1a",
            "'us-east-1a' is not an AWS region; "
            "that is an availability zone, its region is us-east-1",
            id="region-is-a-zone",
        ),
        pytest.param(
            "us-east-1: ami",
            "mars-north-1: ami",
            "ami_config.ami_mappings.mars-north-1",
            "'mars-north-1' is not an AWS region",
            id="region-nothing-close",
        ),
        pytest.param(
            "fallback_timeout: 10m",
            "fallback_timeout: ten minutes",
            "ami_config.fallback_timeout",
            "'ten minutes' is not a duration: use hours, minutes and seconds like '10m'",
            id="duration-words",
        ),
        pytest.param(
            "fallback_timeout: 10m",
            "fallback_timeout: 10min",
            "ami_config.fallback_timeout",
            "'10min' is not a duration",
            id="duration-unit",
        ),
        pytest.param(
            "fallback_timeout: 10m",
            "fallback_timeout: 600",
            "ami_config.fallback_timeout",
            "Input should be a valid string (got 600)",
            id="duration-bare-number",
        ),
        pytest.param(
            "preferred_architecture: x86_64",
            "preferred_architecture: sparc",
            "ami_config.preferred_architecture",
            "Input should be 'x86_64' or 'arm64' (got 'sparc')",
            id="architecture",
        ),
        pytest.param(
            "architecture: [x86_64]",
            "architecture: [x86_64, i386]",
            "ami_config.ami_search.architecture[1]",
            "Input should be 'x86_64' or 'arm64' (got 'i386')",
            id="search-architecture",
        ),
        pytest.param(
            "strategy: ami_preferred",
            "strategy: fastest",
            "ami_config.strategy",
            "Input should be 'ami_preferred', 'ami_required' or 'ami_fallback' (got 'fastest')",
            id="strategy",
        ),
        pytest.param(
            "fallback_strategy: script_provisioning",
            "fallback_strategy: retry",
            "ami_config.fallback_strategy",
            "Input should be 'script_provisioning', 'error' or 'cross_region' (got 'retry')",
            id="fallback-strategy",
        ),
        # An owner that is not one ('canonical') was an error here; issue 7 made it a warning
        # with the same reason (the template loads, the search is refused): see
        # test_template_owners.py.
        pytest.param(
            "type: t3.medium",
            "type: t3-medium",
            "instance_defaults.type",
            "'t3-medium' is not an EC2 instance type",
            id="instance-type",
        ),
        pytest.param(
            "ports: [22]",
            "ports: [22, 70000]",
            "instance_defaults.ports",
            "port 70000 is outside 1-65535",
            id="port",
        ),
        pytest.param(
            "package_manager: apt",
            "package_manager: brew",
            "package_manager",
            "(got 'brew')",
            id="package-manager",
        ),
    ],
)
def test_error_names_file_field_and_value(
    write: Write, old: str, new: str, field: str, expected: str
) -> None:
    path = write("broken.yml", _variant(old, new))
    errors = _errors(path)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{path}: field '{field}': "), errors[0]
    assert expected in errors[0], errors[0]


def test_the_valid_base_is_valid(write: Write) -> None:
    (check,) = TemplateLibrary([]).check_files([write("valid.yml", VALID)])
    assert check.ok and check.warnings == [] and check.errors == []


def test_every_error_is_reported_at_once(write: Write) -> None:
    text = (
        _variant("strategy: ami_preferred", "strategy: fastest")
        .replace("fallback_timeout: 10m", "fallback_timeout: soon")
        .replace("us-east-1: ami-0123456789abcdef0", "us-esat-1: ami-xyz")
    )
    path = write("many.yml", text)
    with pytest.raises(TemplateError) as err:
        TemplateLibrary([path.parent]).get("many")
    assert err.value.message == f"{path}: template 'Valid' has 4 error(s)"
    fields = sorted(p.split("'")[1] for p in err.value.problems)
    assert fields == [
        "ami_config.ami_mappings.us-esat-1",
        "ami_config.ami_mappings.us-esat-1",
        "ami_config.fallback_timeout",
        "ami_config.strategy",
    ]
    assert all(p.startswith(f"{path}: field ") for p in err.value.problems)
    assert err.value.to_dict()["details"] == err.value.problems


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{x86_64: /aws/a, arm64: /aws/b}", None),
        ("{amd64: /aws/a, aarch64: /aws/b}", None),
        ("/aws/service/one/for-all", None),
        ("{sparc: /aws/a}", "'sparc' is not an architecture: use x86_64 or arm64"),
        ("{x86_64: aws/a}", "x86_64: 'aws/a' is not an SSM parameter path: it must start with '/'"),
        ("{x86_64: [/aws/a]}", "x86_64: expected an SSM parameter path, got ['/aws/a']"),
        ("''", "'' is not an SSM parameter path"),
        ("42", "expected one SSM parameter path, or a mapping of architecture to path"),
    ],
)
def test_ssm_parameter_forms(value: str, expected: str | None) -> None:
    text = f"name: S\nami_config:\n  ssm_parameter: {value}\n"
    library = TemplateLibrary([])
    if expected is None:
        cfg = library.load_text(text, origin="s.yml").template.ami_config
        assert cfg is not None and cfg.ssm_parameter_for(Architecture.X86_64).startswith("/aws/")
        return
    with pytest.raises(TemplateError) as err:
        library.load_text(text, origin="s.yml")
    (problem,) = err.value.problems
    # one message on the field itself, never pydantic's union member names
    assert problem.startswith("s.yml: field 'ami_config.ssm_parameter': "), problem
    assert expected in problem and "function-" not in problem and "dict[" not in problem


def test_unknown_keys_are_warnings_naming_file_and_key(write: Write) -> None:
    text = VALID + "minimum_size: M\nports: [8888]\n"
    text = text.replace(
        "  strategy: ami_preferred\n", "  strategy: ami_preferred\n  cache_ami: true\n"
    )
    text = text.replace("name_pattern:", "owner_alias: canonical, name_pattern:")
    path = write("extra.yml", text)
    (check,) = TemplateLibrary([]).check_files([path])
    assert check.ok and check.errors == []
    assert sorted(check.warnings) == sorted(
        f"{path}: unknown key '{key}' is ignored"
        for key in (
            "minimum_size",
            "ports",
            "ami_config.cache_ami",
            "ami_config.ami_search.owner_alias",
        )
    )
    loaded = TemplateLibrary([path.parent]).get("extra")
    assert (
        loaded.template.ami_config is not None and loaded.template.ami_config.ami_search is not None
    )
    assert loaded.template.ami_config.ami_search.name_pattern == "ubuntu/images/*"


def test_unknown_key_in_a_list_item(write: Write) -> None:
    path = write("svc.yml", "name: Svc\nservices: [{name: jupyter, port: 8888, autostart: true}]\n")
    (check,) = TemplateLibrary([]).check_files([path])
    assert check.ok
    assert check.warnings == [f"{path}: unknown key 'services[0].autostart' is ignored"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "a template must be a YAML mapping of fields, but this is empty"),
        ("- a\n- b\n", "a template must be a YAML mapping of fields, but this is a list"),
        ("description: no name\n", "field 'name': every template needs a display name"),
        ("name: [A]\n", "field 'name': every template needs a display name"),
        ("name: A\n  bad: indent\n", "YAML syntax error"),
        ("name: A\nx: &a [*a]\n", "a YAML alias refers to itself"),
    ],
)
def test_unreadable_documents(write: Write, text: str, expected: str) -> None:
    path = write("doc.yml", text)
    errors = _errors(path)
    assert len(errors) == 1 and errors[0].startswith(str(path)) and expected in errors[0], errors


def test_yaml_syntax_error_has_line_and_column(write: Write) -> None:
    path = write("syntax.yml", "name: A\ntags: {a: 1\n")
    (error,) = _errors(path)
    assert error.startswith(f"{path}:3:1: YAML syntax error"), error


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yml"
    path.write_bytes("name: Caf\xe9\n".encode("latin-1"))
    (error,) = _errors(path)
    assert error == f"{path}: not UTF-8 text (invalid continuation byte at byte 9)"


def test_alias_bomb_is_refused_quickly(write: Write) -> None:
    lines = ["name: Bomb", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = write("bomb.yml", "\n".join(lines) + "\n")
    (error,) = _errors(path)
    assert "expands to more than" in error


def test_package_manager_ami_needs_an_ami_config(write: Write) -> None:
    path = write("ami.yml", "name: AMI only\npackage_manager: ami\n")
    (error,) = _errors(path)
    assert error == (
        f"{path}: field '(top level)': package_manager 'ami' needs an ami_config "
        "saying where the AMI comes from"
    )


def test_scalar_text_fields(write: Write) -> None:
    path = write(
        "t.yml",
        "name: T\nversion: 2.0\nlast_updated: 2024-08-08\ntags: {gpu: true, n: 3, empty: }\n",
    )
    t = TemplateLibrary([path.parent]).get("t").template
    assert (t.version, t.last_updated) == ("2.0", "2024-08-08")
    assert t.tags == {"gpu": "true", "n": "3", "empty": ""}
    bad = write("bad.yml", "name: Bad\ntags: {list: [1, 2]}\nversion: {major: 1}\n")
    errors = _errors(bad)
    assert sorted(e.split("'")[1] for e in errors) == ["tags.list", "version"]


def test_costs_must_be_finite_and_not_negative(write: Write) -> None:
    path = write(
        "c.yml",
        "name: C\ninstance_defaults: {estimated_cost_per_hour: {x86_64: .nan, arm64: -1}}\n",
    )
    errors = _errors(path)
    assert sorted(e.split("'")[1] for e in errors) == [
        "instance_defaults.estimated_cost_per_hour.arm64",
        "instance_defaults.estimated_cost_per_hour.x86_64",
    ]


def test_duplicate_slugs_among_checked_files_each_get_a_verdict(
    tmp_path: Path, write: Write
) -> None:
    one = write("one/same.yml", "name: Same One\n")
    two = write("two/same.yml", "name: Same Two\n")
    checks = {c.path: c for c in TemplateLibrary([]).check_files([one, two])}
    assert set(checks) == {str(one), str(two)}
    assert checks[str(one)].warnings == []
    assert checks[str(two)].ok
    assert checks[str(two)].warnings == [
        f"{two}: slug 'same' is also used by {one}; only one of them can be loaded by that name"
    ]
