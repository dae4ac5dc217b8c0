"""A resolution served again on the event loop (no thread hop) is the current answer: a change to
the template, or to the images, is seen by the very next request."""

from __future__ import annotations

import os
import time
from typing import Any

PLAIN = "name: Kept Probe\npackages: {{system: [{package}]}}\n"


async def test_a_kept_answer_follows_template_changes(api: Any, cws_app: Any) -> None:
    """The second request is answered from the kept resolution (0 AWS calls, same answer); after
    the template file changes, the next one answers for the new template."""
    folder = cws_app.service.settings.user_template_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kept-probe.yml"
    path.write_text(PLAIN.format(package="git"))
    try:
        params = {"region": "eu-west-1"}
        answers = []
        for _ in range(3):
            status, body, _ = await api("ami/resolve/kept-probe", params=params)
            assert status == 200, body
            answers.append(body)
        assert cws_app.answers._kept, "the answer was not kept"
        assert "git" in answers[2]["user_data"] and answers[2]["aws_calls"] == 0
        assert {k: v for k, v in answers[2].items() if k != "duration_ms"} == {
            k: v for k, v in answers[1].items() if k not in ("duration_ms", "aws_calls")
        } | {"aws_calls": 0}
        path.write_text(PLAIN.format(package="htop"))
        stamp = time.time() + 5  # a later modification time, whatever the file system's clock
        os.utime(path, (stamp, stamp))
        status, body, _ = await api("ami/resolve/kept-probe", params=params)
        assert status == 200 and "htop" in body["user_data"], body
    finally:
        path.unlink(missing_ok=True)


async def test_a_kept_answer_follows_image_changes(api: Any, cws_app: Any) -> None:
    """When any process changes images (the images generation moves on), the kept answer is not
    served: the next request resolves again."""
    from cws_jupyter.core.service import IMAGES_GENERATION

    params = {"region": "eu-west-1"}
    for _ in range(2):
        status, first, _ = await api("ami/resolve/python-ml", params=params)
        assert status == 200, first
    service = cws_app.service
    kept = next(iter(cws_app.answers._kept.values()))
    assert kept.generation == int(service.store.get_meta(IMAGES_GENERATION, 0))
    service.store.bump(IMAGES_GENERATION)  # what a build, copy or delete does, in any process
    args = {"region": "eu-west-1", "strategy": None, "architecture": None}
    assert cws_app.answers.answer(service, "python-ml", args) is None
    status, again, _ = await api("ami/resolve/python-ml", params=params)
    assert status == 200 and again["ami_id"] == first["ami_id"] and again["aws_calls"] > 0
