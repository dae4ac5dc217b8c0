"""Every resolution reaches the usage analytics through the service (so from every front door),
with how it was answered and whether AWS was asked; nothing is recorded with CWS_ANALYTICS=0."""

from __future__ import annotations

from pathlib import Path

from resolver_world import CANONICAL, family

SEARCH = {
    "t": f"""
    name: T
    ami_config:
      ami_search: {{owner: "{CANONICAL}", name_pattern: "ubuntu-*"}}
"""
}


def test_every_resolution_is_recorded_with_how_it_was_answered(aws_world, make_service) -> None:
    aws_world([family("ubuntu", ["eu-west-1"], name="ubuntu-{arch}-1")])
    svc = make_service(SEARCH)
    first = svc.resolve("t", region="eu-west-1")
    second = svc.resolve("t", region="eu-west-1")
    assert first.aws_calls > 0 and second.aws_calls == 0
    report = svc.analytics.report()
    assert report.resolutions.total == 2
    method = report.resolutions.by_method["dynamic_search"]
    assert method.count == 2


def test_nothing_is_recorded_when_analytics_are_off(aws_world, make_service) -> None:
    aws_world([family("ubuntu", ["eu-west-1"], name="ubuntu-{arch}-1")])
    svc = make_service(SEARCH, analytics=False)
    svc.resolve("t", region="eu-west-1")
    assert not (Path(svc.settings.state_dir) / "analytics").exists()


def test_the_service_jobs_tell_the_analytics_when_they_end(aws_world, make_service) -> None:
    """Launch, build and copy jobs of any front door end through the service's job book."""
    aws_world([family("ubuntu", ["eu-west-1"], name="ubuntu-{arch}-1")])
    svc = make_service(SEARCH)
    job = svc.jobs.start("launch", params={"template": "t", "region": "eu-west-1"})
    job.fail({"error": "aws_unavailable", "message": "no capacity"})
    launches = svc.analytics.report().launches
    assert launches.total == 1 and launches.success_rate == 0.0
