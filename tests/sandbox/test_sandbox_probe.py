"""The probe that tells whether a port is the sandbox: whole answers, strangers, half answers."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from cws_jupyter.core.sandbox import runtime
from cws_jupyter.core.sandbox.runtime import SandboxInfo

PID = 4242


@contextmanager
def one_shot_server(reply: bytes, *, hold_open: bool) -> Iterator[int]:
    """A loopback server answering one connection with ``reply``; ``hold_open`` keeps the
    connection open after answering (as a server that closes late does) until the test ends."""
    listener = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(reply)
            if hold_open:
                done.wait(10)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        done.set()
        thread.join(5)
        listener.close()


def info_for(port: int) -> SandboxInfo:
    return SandboxInfo(
        endpoint_url=f"http://127.0.0.1:{port}",
        port=port,
        pid=PID,
        started_at="2026-11-30T00:00:00+00:00",
        account_id="123456789012",
        world="test",
    )


def answer(body: dict[str, object], *, length: int | None = None) -> bytes:
    data = json.dumps(body).encode()
    size = len(data) if length is None else length
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {size}\r\n\r\n".encode()
        + data
    )


def test_a_whole_answer_is_enough_without_waiting_for_the_close() -> None:
    # The server keeps the connection open longer than the probe's patience: reading to the
    # announced length, not to the close, is what lets the probe say yes.
    with one_shot_server(answer({"pid": PID}), hold_open=True) as port:
        assert runtime.probe(info_for(port), timeout=1.0)


def test_an_answer_naming_another_pid_is_a_stranger() -> None:
    with one_shot_server(answer({"pid": PID + 1}), hold_open=False) as port:
        assert not runtime.probe(info_for(port), timeout=1.0)


def test_a_truncated_body_is_not_the_sandbox() -> None:
    # Announces more than it sends, then closes: not a JSON answer.
    reply = answer({"pid": PID}, length=500)
    with one_shot_server(reply, hold_open=False) as port:
        assert not runtime.probe(info_for(port), timeout=1.0)


def test_a_half_answer_held_open_runs_out_of_patience() -> None:
    reply = answer({"pid": PID}, length=500)
    with one_shot_server(reply, hold_open=True) as port:
        assert not runtime.probe(info_for(port), timeout=0.5)


def test_an_answer_without_a_length_is_read_to_the_close() -> None:
    body = json.dumps({"pid": PID}).encode()
    reply = b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + body
    with one_shot_server(reply, hold_open=False) as port:
        assert runtime.probe(info_for(port), timeout=1.0)
