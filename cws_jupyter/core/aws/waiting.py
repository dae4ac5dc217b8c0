"""Waiting for AWS to finish something (an image, an instance) with boto3's waiters, reporting
progress between polls and stopping early when asked."""

from __future__ import annotations

import threading
import time
from typing import Any

from ..errors import OperationFailed
from ..progress import Progress, Reporter, silent
from .errors import aws_error


def wait_for(
    client: Any,
    waiter_name: str,
    params: dict[str, Any],
    *,
    region: str,
    what: str,
    poll_seconds: float,
    timeout_seconds: float,
    estimate_seconds: float = 0.0,
    progress: Reporter = silent,
    step: str = "wait",
    cancel: threading.Event | None = None,
) -> None:
    """Poll ``waiter_name`` (one attempt at a time) until it succeeds, fails, or time runs out.

    Progress is reported as seconds elapsed against ``estimate_seconds`` (never shown as done
    before it is). A terminal failure state or a timeout raises ``OperationFailed``; an AWS error
    the clear core error; a set ``cancel`` event ``InterruptedError``.
    """
    from botocore.exceptions import WaiterError

    waiter = client.get_waiter(waiter_name)
    started = time.monotonic()
    estimate = max(estimate_seconds, 1.0)
    while True:
        try:
            waiter.wait(**params, WaiterConfig={"Delay": 0, "MaxAttempts": 1})
        except WaiterError as exc:
            if "Max attempts exceeded" not in str(exc):
                if "terminal failure state" in str(exc) and "Error" not in (
                    exc.last_response or {}
                ):
                    raise OperationFailed(f"{what} in {region} failed: {_reason(exc)}") from None
                raise aws_error(exc, region, f"waiting for {what}") from None
        except Exception as exc:
            raise aws_error(exc, region, f"waiting for {what}") from None
        else:
            progress(
                Progress(step=step, message=f"{what}: done", done=100, total=100, region=region)
            )
            return
        elapsed = time.monotonic() - started
        if elapsed > timeout_seconds:
            raise OperationFailed(f"gave up waiting for {what} in {region} after {elapsed:.0f} s")
        share = min(0.95, elapsed / estimate)
        left = max(0, round(estimate - elapsed))
        progress(
            Progress(
                step=step,
                message=f"{what}: {elapsed:.0f} s, about {left} s left (estimate)",
                done=int(share * 100),
                total=100,
                region=region,
            )
        )
        if cancel is not None and cancel.wait(poll_seconds):
            raise InterruptedError(f"stopped waiting for {what}")
        if cancel is None:
            time.sleep(poll_seconds)


def _reason(exc: Any) -> str:
    """Why an image or instance reached a failure state, from the waiter's last answer."""
    last = exc.last_response or {}
    for image in last.get("Images", []):
        reason = image.get("StateReason", {}).get("Message")
        if reason:
            return f"{image.get('State')}: {reason}"
        return str(image.get("State", "failed"))
    for reservation in last.get("Reservations", []):
        for instance in reservation.get("Instances", []):
            reason = instance.get("StateReason", {}).get("Message")
            return f"{instance.get('State', {}).get('Name')}: {reason or 'no reason given'}"
    return str(exc)
