"""Refreshing prices from the AWS Pricing API, against a stubbed real ``pricing`` client."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import boto3
import pytest

from cws_jupyter.core.errors import AwsUnavailable, BadInput
from cws_jupyter.core.pricing import (
    PriceBook,
    PricePair,
    RefreshReport,
    on_demand_usd,
    product_filters,
    refresh_from_pricing_api,
)


def expected(instance_type: str, region: str, token: str | None = None) -> dict:
    """The GetProducts parameters the refresh must send for one pair."""
    params = {
        "ServiceCode": "AmazonEC2",
        "Filters": [
            {"Type": "TERM_MATCH", "Field": "instanceType", "Value": instance_type},
            {"Type": "TERM_MATCH", "Field": "regionCode", "Value": region},
            {"Type": "TERM_MATCH", "Field": "operatingSystem", "Value": "Linux"},
            {"Type": "TERM_MATCH", "Field": "tenancy", "Value": "Shared"},
            {"Type": "TERM_MATCH", "Field": "preInstalledSw", "Value": "NA"},
            {"Type": "TERM_MATCH", "Field": "capacitystatus", "Value": "Used"},
        ],
        "FormatVersion": "aws_v1",
        "MaxResults": 100,
    }
    if token:
        params["NextToken"] = token
    return params


def page(items: list[str], token: str | None = None) -> dict:
    """A GetProducts response page."""
    response = {"FormatVersion": "aws_v1", "PriceList": items}
    if token:
        response["NextToken"] = token
    return response


def test_filters_are_the_documented_term_matches():
    """product_filters builds exactly the six TERM_MATCH filters."""
    assert (
        product_filters("t3.medium", "us-east-1") == expected("t3.medium", "us-east-1")["Filters"]
    )


def test_refresh_pages_parses_and_writes(pricing_stub, entry, tmp_path):
    """Two types in two regions: a paginated pair, a plain pair, a missing pair."""
    session, stubber = pricing_stub
    token = "eyJsYXN0S2V5Ijp7InNrdSI6IkE1VjlZUVZVWk1ZNVhBODMifX0="
    stubber.add_response(
        "get_products",
        page([entry("t3.medium", "us-east-1", "0.0420000000", sku="A5V9YQVUZMY5XA83")], token),
        expected("t3.medium", "us-east-1"),
    )
    stubber.add_response("get_products", page([]), expected("t3.medium", "us-east-1", token))
    stubber.add_response(
        "get_products",
        page(
            [
                entry(
                    "g5.xlarge",
                    "us-east-1",
                    "1.0060000000",
                    sku="CPDHBDRGF4E5YY9C",
                    reserved_usd="0.6340000000",
                )
            ]
        ),
        expected("g5.xlarge", "us-east-1"),
    )
    stubber.add_response(
        "get_products",
        page([entry("t3.medium", "mx-central-1", "0.0478000000", sku="XZ7QH2M6WFYB4PDN")]),
        expected("t3.medium", "mx-central-1"),
    )
    stubber.add_response("get_products", page([]), expected("g5.xlarge", "mx-central-1"))

    report = refresh_from_pricing_api(
        session, ["t3.medium", "g5.xlarge"], ["us-east-1", "mx-central-1"], tmp_path
    )

    assert session.calls == [("pricing", "us-east-1")]
    assert isinstance(report, RefreshReport)
    assert report.updated == 3
    assert report.missing == [PricePair(instance_type="g5.xlarge", region="mx-central-1")]
    assert report.as_of.endswith("Z")
    assert report.path == str(tmp_path / "prices.json")
    written = json.loads((tmp_path / "prices.json").read_text(encoding="utf-8"))
    assert written["hourly"] == {
        "us-east-1": {"t3.medium": 0.042, "g5.xlarge": 1.006},
        "mx-central-1": {"t3.medium": 0.0478},
    }
    assert [p.name for p in tmp_path.iterdir()] == ["prices.json"]

    book = PriceBook.load(tmp_path)
    assert book.hourly("t3.medium", "us-east-1") == 0.042
    assert book.basis("t3.medium", "us-east-1") == "refreshed"
    assert book.hourly("g5.xlarge", "mx-central-1") is None
    assert book.hourly("t3.large", "us-east-1") == pytest.approx(0.0832)
    assert book.as_of == report.as_of
    assert "Pricing API" in book.source


def test_refresh_merges_with_an_earlier_refresh(pricing_stub, entry, tmp_path):
    """Prices from an earlier refresh survive a refresh of other pairs."""
    earlier = {
        "format": 1,
        "as_of": "2025-11-01T00:00:00Z",
        "source": "earlier",
        "hourly": {"eu-west-1": {"t3.medium": 0.0457}},
    }
    (tmp_path / "prices.json").write_text(json.dumps(earlier), encoding="utf-8")
    session, stubber = pricing_stub
    stubber.add_response(
        "get_products",
        page([entry("t3.medium", "us-east-1", "0.0416000000", sku="A5V9YQVUZMY5XA83")]),
        expected("t3.medium", "us-east-1"),
    )
    refresh_from_pricing_api(session, ["t3.medium"], ["us-east-1"], tmp_path)
    book = PriceBook.load(tmp_path)
    assert book.hourly("t3.medium", "eu-west-1") == 0.0457
    assert book.hourly("t3.medium", "us-east-1") == 0.0416


def test_access_denied_is_aws_unavailable(pricing_stub, tmp_path):
    """AccessDeniedException becomes AwsUnavailable saying the shipped table is still used."""
    session, stubber = pricing_stub
    stubber.add_client_error(
        "get_products",
        service_error_code="AccessDeniedException",
        service_message="User: arn:aws:iam::123456789012:user/student is not authorized to "
        "perform: pricing:GetProducts",
        http_status_code=400,
        expected_params=expected("t3.medium", "us-east-1"),
    )
    with pytest.raises(AwsUnavailable) as info:
        refresh_from_pricing_api(session, ["t3.medium"], ["us-east-1"], tmp_path)
    assert "access denied" in info.value.message
    assert "pricing:GetProducts" in info.value.message
    assert "shipped price table (as of 2025-11)" in info.value.message
    assert info.value.details["code"] == "AccessDeniedException"
    assert not (tmp_path / "prices.json").exists()


@pytest.fixture
def bare_env(monkeypatch, tmp_path):
    """An environment with no AWS credentials, config or instance metadata."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_PRICING",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    return monkeypatch


def test_no_credentials_is_aws_unavailable(bare_env, tmp_path):
    """Without credentials the refresh fails cleanly before any request."""
    with pytest.raises(AwsUnavailable) as info:
        refresh_from_pricing_api(boto3.Session(), ["t3.medium"], ["us-east-1"], tmp_path / "c")
    assert "no AWS credentials" in info.value.message
    assert "still used" in info.value.message


class _NotPricing(BaseHTTPRequestHandler):
    """Answers every request like a sandbox without a Pricing API."""

    def do_POST(self) -> None:  # noqa: N802
        """Reply 404 with an HTML body."""
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"<html><body>404 Not Found</body></html>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Stay quiet."""


@pytest.fixture
def sandbox_url():
    """A local HTTP endpoint that is not the Pricing API."""
    server = HTTPServer(("127.0.0.1", 0), _NotPricing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_sandbox_endpoint_is_aws_unavailable(bare_env, sandbox_url, tmp_path):
    """An endpoint override (the sandbox) without a Pricing API gives AwsUnavailable."""
    bare_env.setenv("AWS_ENDPOINT_URL", sandbox_url)
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    with pytest.raises(AwsUnavailable) as info:
        refresh_from_pricing_api(session, ["t3.medium"], ["us-east-1"], tmp_path)
    assert "does not offer the Pricing API" in info.value.message
    assert sandbox_url in info.value.message
    assert "still used" in info.value.message
    assert not (tmp_path / "prices.json").exists()


def test_unreachable_endpoint_is_aws_unavailable(bare_env, tmp_path):
    """A closed port is AwsUnavailable, not a traceback."""
    with HTTPServer(("127.0.0.1", 0), _NotPricing) as probe:
        port = probe.server_address[1]
    bare_env.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    with pytest.raises(AwsUnavailable) as info:
        refresh_from_pricing_api(session, ["t3.medium"], ["us-east-1"], tmp_path)
    assert "could not be reached" in info.value.message


def test_bad_input_is_rejected_before_calling_aws(tmp_path):
    """Malformed types or regions are BadInput, and no client is created."""

    class NoClient:
        def client(self, *args, **kwargs):
            raise AssertionError("no AWS call expected")

    with pytest.raises(BadInput) as info:
        refresh_from_pricing_api(NoClient(), ["t3.medium"], ["us-esat-1"], tmp_path)
    assert info.value.field == "region"
    with pytest.raises(BadInput) as info:
        refresh_from_pricing_api(NoClient(), ["t3 medium"], ["us-east-1"], tmp_path)
    assert info.value.field == "instance_type"


def test_parser_reads_on_demand_only(entry):
    """The on-demand hourly USD is read; Reserved terms and other products are ignored."""
    item = entry("t3.medium", "us-east-1", "0.0416000000", sku="A5V9YQVUZMY5XA83")
    assert on_demand_usd(item, "t3.medium", "us-east-1") == 0.0416
    assert on_demand_usd(json.loads(item), "t3.medium", "us-east-1") == 0.0416
    assert on_demand_usd(item, "t3.large", "us-east-1") is None
    assert on_demand_usd(item, "t3.medium", "us-east-2") is None
    local_zone = entry(
        "t3.medium",
        "us-east-1",
        "0.0499000000",
        sku="LZ00000000000000",
        location_type="AWS Local Zone",
    )
    assert on_demand_usd(local_zone, "t3.medium", "us-east-1") is None
    free = entry("t3.medium", "us-east-1", "0.0000000000", sku="ZERO000000000000")
    assert on_demand_usd(free, "t3.medium", "us-east-1") is None
