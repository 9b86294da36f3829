"""The explorer under bad requests: every malformed request is a 400 with a one-line message, the Host
header is checked on any bind address, idle and trickling connections are cut off, and what-if values
are read by their declared types."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from foedus.serve import App, make_server
from foedus.serve.app import Server, _Handler, allowed_hosts

ROOT = Path(__file__).resolve().parent.parent
BASE = {"treaty": "sino_soviet_1950.md", "timeline": "sino_soviet_1950_1980.yaml", "on": "1960-01-01"}


@pytest.fixture(scope="module")
def app() -> App:
    return App(ROOT / "treaties", ROOT / "timelines")


def status(app: App, body: bytes | str) -> tuple[int, str]:
    r = app.handle("POST", "/api/status", body.encode() if isinstance(body, str) else body)
    data = json.loads(r.body)
    return r.status, data.get("error", "")


@pytest.mark.parametrize("body, fault", [
    (json.dumps(BASE)[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "MAX_DEPTH = 64"),
    (json.dumps(BASE)[:-1] + ', "x": ' + "9" * 5000 + "}", "MAX_NUMBER_DIGITS = 18"),
    (json.dumps(BASE)[:-1] + ', "x": 1e999}', "out of range"),
    (json.dumps(BASE)[:-1] + ', "x": NaN}', "NaN"),
    (json.dumps({**BASE, "on": "10000-01-01"}), "not a date"),
    (json.dumps({**BASE, "on": ["1960-01-01"]}), "not a date"),
    (json.dumps({**BASE, "treaty": 5}), "must be a string"),
    (json.dumps({**BASE, "events": {"a": 1}}), "must be a list"),
    (json.dumps({**BASE, "events": [{"date": "1955-06-01", "type": ["armed_attack"], "actors": ["JPN"],
                                     "targets": ["PRC"]}]}), "the event type is a list"),
    (json.dumps({**BASE, "events": [{"date": "1955-06-01", "type": "armed_attack", "actors": ["JPN"],
                                     "targets": ["PRC"], "attributes": {"state_of_war": "&a [*a]"}}]}),
     "true or false"),
    (json.dumps({**BASE, "events": [{"date": "1955-06-01", "type": "armed_attack", "actors": [["JPN"]],
                                     "targets": ["PRC"]}]}), "a single name"),
    (json.dumps({**BASE, "x": "y" * 100_001}), "MAX_SCALAR_CHARS"),
    (b"\xff\xfe{}", "not UTF-8"),
    (json.dumps({**BASE, "treaty": "\ud800.md"}), "half a character"),
])
def test_malformed_requests_are_400_with_one_line(app: App, body: str | bytes, fault: str) -> None:
    code, message = status(app, body)
    assert code == 400 and fault in message and "\n" not in message and len(message) < 500


def test_the_far_end_of_the_calendar_is_an_answer(app: App) -> None:
    for day in ("9995-06-01", "9999-12-31", "0001-01-01"):
        code, message = status(app, json.dumps({**BASE, "on": day}))
        assert code in (200, 400) and (code == 200 or "9999" in message), message


def test_what_if_values_are_read_by_their_type(app: App) -> None:
    attack = {"date": "1955-06-01", "type": "armed_attack", "actors": "JPN", "targets": "PRC",
              "attributes": {"state_of_war": "true", "initiator": "JPN"}}
    r = app.handle("POST", "/api/status", json.dumps({**BASE, "events": [attack]}).encode())
    assert r.status == 200
    assert json.loads(r.body)["diff"]["norms"], "the typed state_of_war made the attack a war"


def test_the_host_allow_list() -> None:
    assert allowed_hosts("0.0.0.0") == {"localhost", "127.0.0.1", "::1"}
    assert allowed_hosts("192.0.2.7", ("Foedus.Example:8000",)) == {"localhost", "127.0.0.1", "::1", "192.0.2.7",
                                                                    "foedus.example"}
    assert "::1" in allowed_hosts("::")


def _serve(srv: Server) -> Iterator[tuple[str, int]]:
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield str(srv.server_address[0]), srv.server_address[1]
    finally:
        srv.shutdown()
        srv.server_close()


def _get(address: tuple[str, int], host: str) -> int:
    conn = http.client.HTTPConnection(*address, timeout=10)
    try:
        conn.request("GET", "/api/catalog", headers={"Host": host})
        return conn.getresponse().status
    finally:
        conn.close()


def test_the_host_header_is_checked_on_any_bind_address() -> None:
    srv = make_server(ROOT / "treaties", ROOT / "timelines", host="0.0.0.0", port=0, allow_hosts=("foedus.test",))
    for address in _serve(srv):
        local = ("127.0.0.1", address[1])
        assert _get(local, "attacker.example") == 403
        assert _get(local, "attacker.example:80") == 403
        assert _get(local, f"localhost:{address[1]}") == 200
        assert _get(local, "foedus.test") == 200
    assert Server.request_queue_size >= 128


def test_idle_connections_are_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_Handler, "timeout", 0.5)
    srv = make_server(ROOT / "treaties", ROOT / "timelines", port=0)
    for address in _serve(srv):
        with socket.create_connection(address, timeout=5) as idle:
            start = time.monotonic()
            assert idle.recv(100) == b""  # closed by the server, not by our 5 s timeout
            assert time.monotonic() - start < 4
        assert _get(address, "localhost") == 200


def test_a_trickling_request_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("foedus.serve.app.REQUEST_READ_SECONDS", 1.0)
    srv = make_server(ROOT / "treaties", ROOT / "timelines", port=0)
    for address in _serve(srv):
        with socket.create_connection(address, timeout=5) as slow:
            start = time.monotonic()
            slow.sendall(b"GET / HTTP/1.0\r\n")
            closed = False
            for _ in range(40):  # a header line every 0.1 s: never idle, never done
                try:
                    slow.sendall(b"X-A: b\r\n")
                    time.sleep(0.1)
                    closed = slow.recv(1, socket.MSG_DONTWAIT | socket.MSG_PEEK) == b""
                except BlockingIOError:
                    continue  # still open, nothing to read
                except OSError:
                    closed = True
                if closed:
                    break
            assert closed and 0.9 < time.monotonic() - start < 4
