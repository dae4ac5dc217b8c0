"""Concurrent writes leave exact counts: 200 ratings from 50 users at once, racing submissions."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

from registry_support import Api, submission

from cws_jupyter.core.registry import CommunityRegistry

AMIS = "/api/v1/community/amis"


def test_200_concurrent_ratings_from_50_users_leave_exact_counts_and_averages(
    registry: CommunityRegistry, api: Api, users
) -> None:
    images = [api.post(AMIS, submission(n), users["alice"]).json()["ami_id"] for n in range(3)]
    voters = [f"voter{n:02d}" for n in range(50)]
    tokens = {name: users[name] for name in voters}
    rng = random.Random(7)
    # each voter: a first rating of images 0, 1, 2, then a second rating of image 0 (a
    # replacement): 4 ratings per voter, 200 in all, every voter's run alongside the others
    plans = {
        name: [(images[i], rng.randint(1, 5)) for i in range(3)] + [(images[0], rng.randint(1, 5))]
        for name in voters
    }

    def vote(name: str) -> list[int]:
        client = api.fork()
        statuses = []
        for ami_id, stars in plans[name]:
            answer = client.post(f"{AMIS}/{ami_id}/rate", {"rating": stars}, tokens[name])
            statuses.append(answer.status_code)
        return statuses

    with ThreadPoolExecutor(50) as pool:
        outcomes = list(pool.map(vote, voters))
    assert all(status == 200 for statuses in outcomes for status in statuses)

    final = {image: {} for image in images}
    for name, plan in plans.items():
        for ami_id, stars in plan:
            final[ami_id][name] = stars  # the later rating replaces the earlier
    for ami_id in images:
        details = api.get(f"{AMIS}/{ami_id}", reviews_per_page=100).json()
        expected = list(final[ami_id].values())
        assert details["rating_count"] == 50
        assert details["rating"] == round(sum(expected) / 50, 4)
        assert {r["user"]: r["rating"] for r in details["reviews"]} == final[ami_id]
        spread = {str(s): expected.count(s) for s in range(1, 6)}
        assert details["rating_histogram"] == spread
    with registry.db.read() as sql:
        assert sql.value("SELECT count(*) FROM ami_ratings") == 150
        assert sql.value("SELECT sum(rating_count) FROM ami_registry") == 150


def test_concurrent_downloads_are_all_counted(api: Api, users) -> None:
    ami_id = api.post(AMIS, submission(1), users["alice"]).json()["ami_id"]
    tokens = [users[f"runner{n}"] for n in range(10)]

    def run(token: str) -> None:
        client = api.fork()
        for _ in range(5):
            assert client.post(f"{AMIS}/{ami_id}/use", {}, token).status_code == 200

    with ThreadPoolExecutor(10) as pool:
        list(pool.map(run, tokens))
    assert api.get(f"{AMIS}/{ami_id}").json()["download_count"] == 50


def test_racing_submissions_of_one_image_list_it_once(api: Api, users) -> None:
    body = submission(1)
    tokens = [users[f"builder{n}"] for n in range(8)]

    def submit(token: str) -> int:
        return api.fork().post(AMIS, body, token).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(submit, tokens))
    assert statuses == [201] + [409] * 7
    assert api.get(AMIS).json()["total"] == 1
