"""What a command costs before its first AWS call: credentials named without botocore (so the
lookup cache is consulted before any session exists, never across accounts), an endpoint checked
without botocore, clients of many regions built side by side sharing one class, and a first wave
of requests to an endpoint that never answered kept small."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from cws_jupyter.core.aws.breaker import Breaker, EndpointDown
from cws_jupyter.core.aws.endpoint import endpoint_problem
from cws_jupyter.core.aws.profile import credentials_fingerprint
from cws_jupyter.core.aws.session import AwsAccess
from cws_jupyter.core.config import Settings
from cws_jupyter.core.errors import AwsUnavailable


@pytest.fixture
def aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Empty AWS config and credentials files, and no AWS variable from the caller."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    config, credentials = tmp_path / "config", tmp_path / "credentials"
    config.write_text("")
    credentials.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return config, credentials


# -- naming the credentials --------------------------------------------------------------------
def test_keys_in_the_environment_name_the_credentials(aws_files, monkeypatch) -> None:
    """Two access keys are two names; the same key is the same name, whatever its secret."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAONE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s1")
    one = credentials_fingerprint(None)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s2")
    assert credentials_fingerprint(None) == one
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIATWO")
    two = credentials_fingerprint(None)
    assert one and two and one != two


def test_profiles_of_different_accounts_have_different_names(aws_files, monkeypatch) -> None:
    """Static keys, a role and an SSO account, each in its own profile: every one named, no two
    alike; an explicit profile ignores the environment's keys (as botocore does)."""
    config, credentials = aws_files
    credentials.write_text(
        "[keys]\naws_access_key_id = AKIAKEYS\naws_secret_access_key = x\n"
        "[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n"
    )
    config.write_text(
        "[profile role]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = keys\n"
        "[profile role2]\nrole_arn = arn:aws:iam::222222222222:role/r\nsource_profile = keys\n"
        "[profile sso]\nsso_account_id = 333333333333\nsso_role_name = Dev\n"
        "sso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
    )
    names = {p: credentials_fingerprint(p) for p in ("keys", "other", "role", "role2", "sso")}
    assert all(names.values()), names
    assert len(set(names.values())) == len(names)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    assert credentials_fingerprint("keys") == names["keys"]
    assert credentials_fingerprint(None) not in names.values()


@pytest.mark.parametrize(
    ("config", "credentials", "profile", "why"),
    [
        ("", "", "missing", "a profile no file defines"),
        ("[profile p]\ncredential_process = /bin/creds\n", "", "p", "a credential process"),
        ("[profile broken\nregion", "", None, "a config file that does not parse"),
        ("", "[default]\naws_access_key_id = AKIA\n", None, "a key without its secret"),
        ("", "", None, "no credentials at all (an instance role, maybe)"),
    ],
)
def test_credentials_only_botocore_can_name_are_not_named(
    aws_files, config: str, credentials: str, profile: str | None, why: str
) -> None:
    """Anything that does not pin one identity is left to botocore (the session is opened)."""
    config_file, credentials_file = aws_files
    config_file.write_text(config)
    credentials_file.write_text(credentials)
    assert credentials_fingerprint(profile) is None, why


def test_named_credentials_open_no_session_until_a_call(aws_files, monkeypatch) -> None:
    """Real AWS with keys in the environment: the access carries the name, and no session (no
    botocore) exists until a client is asked for."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAONE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s1")
    access = AwsAccess.from_settings(Settings.from_env())
    assert access.credentials_key == credentials_fingerprint(None)
    assert not access.has_session
    access.client("ec2", "eu-west-1")
    assert access.has_session


def test_unnamed_credentials_fail_at_once_as_before(aws_files) -> None:
    """No credentials anywhere: the session is opened at once, and says what to do."""
    with pytest.raises(AwsUnavailable) as caught:
        AwsAccess.from_settings(Settings.from_env())
    assert "--sandbox" in caught.value.message


def test_two_accounts_never_share_lookups(aws_files, monkeypatch, tmp_path) -> None:
    """The lookup namespace follows the credentials: another key, another namespace."""
    from cws_jupyter.core.service import CwsService

    monkeypatch.setenv("CWS_HOME", str(tmp_path / "home"))
    namespaces = set()
    for key in ("AKIAONE", "AKIATWO"):
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
        service = CwsService(Settings.from_env())
        namespaces.add(service.catalog.namespace)
        assert not service.access.has_session
    assert len(namespaces) == 2


def test_one_endpoint_from_the_environment_or_the_settings_is_one_namespace(
    aws_files, monkeypatch, tmp_path
) -> None:
    """AWS_ENDPOINT_URL or ``Settings(endpoint_url=...)``: the same account view, one namespace
    (a process started with the variable shares the lookups of one given the setting); another
    endpoint, or a per-service endpoint variable, is another namespace."""
    from cws_jupyter.core.service import CwsService

    monkeypatch.setenv("CWS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAONE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    url = "http://127.0.0.1:4566"
    given = CwsService(Settings.from_env(endpoint_url=url)).catalog.namespace
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    from_env = CwsService(Settings.from_env()).catalog.namespace
    assert from_env == given
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4567")
    assert CwsService(Settings.from_env()).catalog.namespace != given
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:4568")
    assert CwsService(Settings.from_env()).catalog.namespace != given


# -- the endpoint --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:4566",
        "https://ec2.eu-west-1.amazonaws.com",
        "http://127.0.0.1:5000",
        "http://[::1]:80",
        "http://[fe80::1%25eth0]:80",
        "http://a_b.com",
        "http://-a.com",
        "http://a..b",
        "http://" + "a" * 64 + ".com",
        "http://ex%41.com",
        "http://h\u00e9.com",
    ],
)
def test_endpoint_host_check_agrees_with_botocore(url: str) -> None:
    """The host rule kept here accepts and refuses what botocore's does."""
    from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

    botocore_ok = bool(is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url))
    assert (endpoint_problem(url) is None) == botocore_ok, url


# -- clients -------------------------------------------------------------------------------------
def test_clients_of_many_regions_are_built_side_by_side_sharing_one_class() -> None:
    """Clients for 12 regions asked for by 24 threads at once: one per region, all of one class
    and one service model (built once), and a session outside cws-jupyter is left alone."""
    import boto3

    from cws_jupyter.core.aws.clientcache import shares_client_classes

    session = boto3.Session(
        aws_access_key_id="a", aws_secret_access_key="b", region_name="us-east-1"
    )
    access = AwsAccess(session, endpoint_url="http://127.0.0.1:9")
    regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1", "sa-east-1"]
    regions += [
        "ca-central-1",
        "eu-north-1",
        "ap-northeast-1",
        "us-east-2",
        "eu-west-2",
        "me-south-1",
    ]
    got: list[object] = []
    lock = threading.Lock()

    def ask(region: str) -> None:
        client = access.client("ec2", region)
        with lock:
            got.append(client)

    threads = [threading.Thread(target=ask, args=(r,)) for r in regions * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    clients = {access.client("ec2", r) for r in regions}
    assert len(clients) == len(regions) and set(got) == clients
    assert len({type(c) for c in clients}) == 1
    assert len({id(c.meta.service_model) for c in clients}) == 1
    assert sorted(c.meta.region_name for c in clients) == sorted(regions)
    assert shares_client_classes(session)
    outside = boto3.Session(aws_access_key_id="a", aws_secret_access_key="b")
    assert not shares_client_classes(outside)
    assert type(outside.client("ec2", region_name="us-east-1")) is not type(next(iter(clients)))


# -- the first wave to an endpoint ---------------------------------------------------------------
def test_an_endpoint_that_never_answered_gets_a_small_first_wave() -> None:
    """Beyond ``first_contact`` requests in flight, the rest wait for a first answer; once it
    answers, nothing waits."""
    breaker = Breaker()
    url = "http://127.0.0.1:9/"
    breaker.admit(url, first_contact=1)
    released = threading.Event()

    def second() -> None:
        breaker.admit(url, first_contact=1)
        released.set()
        breaker.settled(answered=True)

    waiting = threading.Thread(target=second)
    waiting.start()
    assert not released.wait(0.3)  # held back while the first is in flight
    breaker.settled(answered=True)
    assert released.wait(5)
    waiting.join()
    breaker.admit(url, first_contact=1)  # proven: admitted at once, however many are in flight
    breaker.admit(url, first_contact=1)


def test_a_first_time_out_holds_the_endpoint_down_for_those_waiting() -> None:
    """The first attempt to an unproven endpoint runs out of time: waiting requests (and
    retries) fail at once instead of waiting their own time-outs."""
    breaker = Breaker()
    url = "http://127.0.0.1:9/"
    breaker.admit(url, first_contact=1)
    failures: list[BaseException] = []

    def second() -> None:
        try:
            breaker.admit(url, first_contact=1)
        except EndpointDown as exc:
            failures.append(exc)

    waiting = threading.Thread(target=second)
    waiting.start()
    time.sleep(0.1)
    breaker.settled(answered=False, timed_out=TimeoutError("read timeout"))
    waiting.join(5)
    assert len(failures) == 1
    with pytest.raises(EndpointDown):
        breaker.admit(url)
