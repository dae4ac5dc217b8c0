"""Writes need a live token: missing, wrong and revoked tokens are refused; tokens are stored
hashed and never echoed; each token has a write limit (429 with Retry-After)."""

from __future__ import annotations

import pytest
from registry_support import Api, LiveServer, submission

from cws_jupyter.core.errors import NotFound
from cws_jupyter.core.registry import CommunityRegistry

AMIS = "/api/v1/community/amis"


def _writes(record_id: str) -> list[tuple[str, dict]]:
    return [
        (AMIS, submission(99)),
        (f"{AMIS}/{record_id}/rate", {"rating": 5}),
        (f"{AMIS}/{record_id}/use", {}),
    ]


def test_writes_without_a_token_are_401(api: Api, users) -> None:
    record = api.post(AMIS, submission(1), users["alice"]).json()
    for path, body in _writes(record["ami_id"]):
        for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}):
            answer = api.post(path, body, headers=headers)
            assert answer.status_code == 401, (path, headers)
            assert answer.headers["WWW-Authenticate"].startswith("Bearer")
            assert answer.json()["error"] == "unauthorized"
    assert api.get(AMIS).json()["total"] == 1
    assert api.get(f"{AMIS}/{record['ami_id']}").json()["download_count"] == 0


def test_a_wrong_token_is_401_and_never_echoed(api: Api, users) -> None:
    record = api.post(AMIS, submission(1), users["alice"]).json()
    wrong = "cwsr_" + "f" * 64
    for path, body in _writes(record["ami_id"]):
        answer = api.post(path, body, wrong)
        assert answer.status_code == 401
        assert wrong not in answer.text and "ffffffff" not in answer.text


def test_a_revoked_token_is_refused(registry: CommunityRegistry, api: Api, users) -> None:
    token = users["bob"]
    record = api.post(AMIS, submission(1), users["alice"]).json()
    assert api.post(f"{AMIS}/{record['ami_id']}/rate", {"rating": 3}, token).status_code == 200
    assert registry.revoke_token("bob") == 1
    answer = api.post(f"{AMIS}/{record['ami_id']}/rate", {"rating": 4}, token)
    assert answer.status_code == 401
    assert "revoked" in answer.json()["message"]


def test_revoke_by_prefix_or_whole_token_leaves_other_tokens(registry: CommunityRegistry) -> None:
    one = registry.create_token("bob")
    two = registry.create_token("bob")
    three = registry.create_token("bob")
    assert registry.revoke_token(one.prefix) == 1
    assert registry.revoke_token(two.token) == 1
    assert registry.authenticate(three.token).user_id == "bob"
    for token in (one.token, two.token):
        with pytest.raises(Exception) as refused:
            registry.authenticate(token)
        assert refused.value.http_status == 401  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        registry.revoke_token(one.prefix)  # already revoked
    with pytest.raises(NotFound):
        registry.revoke_token("nobody")


def test_tokens_are_stored_hashed(registry: CommunityRegistry) -> None:
    made = registry.create_token("bob", "111122223333")
    with registry.db.read() as sql:
        rows = sql.all("SELECT token_hash, prefix, user_id FROM tokens")
    assert len(rows) == 1
    digest, prefix, user = rows[0]
    assert made.token not in digest and made.token[13:] not in repr(rows)
    assert prefix == made.prefix and user == "bob"
    assert registry.authenticate(made.token).account_id == "111122223333"


def test_token_account_binding_is_kept_or_replaced(registry: CommunityRegistry) -> None:
    registry.create_token("erin", "111122223333")
    again = registry.create_token("erin")  # no --account: keeps the binding
    assert again.account_id == "111122223333"
    rebound = registry.create_token("erin", "444455556666")
    assert registry.authenticate(again.token).account_id == "444455556666"
    assert rebound.account_id == "444455556666"


def test_bad_user_names_and_accounts_are_refused(registry: CommunityRegistry) -> None:
    from cws_jupyter.core.errors import BadInput

    for name in ("", "a b", "x" * 101, "'; DROP TABLE users; --"):
        with pytest.raises(BadInput) as bad:
            registry.create_token(name)
        assert bad.value.field == "user"
    with pytest.raises(BadInput) as bad_account:
        registry.create_token("bob", "12345")
    assert bad_account.value.field == "account"


def test_write_rate_limit_answers_429_with_retry_after(open_registry, verifier) -> None:
    registry = open_registry(verifier=verifier, writes_per_minute=3)
    bob = registry.create_token("bob").token
    carol = registry.create_token("carol").token
    alice = registry.create_token("alice").token
    with LiveServer(registry) as live:
        api = Api(live.url)
        record = api.post(AMIS, submission(1), alice).json()
        path = f"{AMIS}/{record['ami_id']}/rate"
        for stars in (1, 2, 3):
            assert api.post(path, {"rating": stars}, bob).status_code == 200
        limited = api.post(path, {"rating": 4}, bob)
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.json()["error"] == "rate_limited"
        # the limit is per token: carol still writes; reads are not limited
        assert api.post(path, {"rating": 5}, carol).status_code == 200
        assert api.get(f"{AMIS}/{record['ami_id']}").json()["rating"] == 4.0  # bob's 3, carol's 5
