"""Attack a running explorer while a well-behaved reader measures its own latency.

Starts ``foedus serve`` on 127.0.0.1 (a free port; or use ``--port`` of one already running), then:

1. quiet: the reader alone asks for the status on a date every 50 ms, for ``--quiet`` seconds;
2. malformed: the same reader, while ``--clients`` attacker threads send, for ``--attack`` seconds, the
   attacks the explorer was once weak to: JSON nested 100,000 deep, integers of 5,000 digits, dates
   in the year 9995 and beyond, wrong types, what-if values written as YAML aliases, oversized bodies;
   while ``--idle`` connections sit idle and a few trickle a header a second (slowloris);
3. flood: the same, and the attackers also send valid what-if requests that each cost an evaluation
   (the server's CPU is then shared among all clients: this measures throughput, not a weakness).

Prints the reader's p50/p99/max latency in each phase, its failures, and the attackers' answers by
status (a 500 or a dropped connection is a fault). Only 127.0.0.1 is ever contacted; every
loop is bounded in count and time. It asserts nothing.

    .venv/bin/python bench/attack_explorer.py [--clients 40] [--idle 100] [--quiet 10] [--attack 20]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
BASE = {"treaty": "sino_soviet_1950.md", "timeline": "sino_soviet_1950_1980.yaml", "on": "1960-01-01"}
READER_PATH = "/api/status?treaty=sino_soviet_1950.md&timeline=sino_soviet_1950_1980.yaml&on=1979-06-01"


def attacks() -> list[tuple[str, bytes]]:
    body = json.dumps(BASE)
    attack = {"date": "1962-05-01", "type": "armed_attack", "actors": "JPN", "targets": "PRC",
              "attributes": {"state_of_war": "true"}}
    return [
        ("deep JSON", (body[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}").encode()),
        ("huge integer", (body[:-1] + ', "x": ' + "9" * 5000 + "}").encode()),
        ("year 9995", json.dumps({**BASE, "on": "9995-06-01"}).encode()),
        ("year 10000", json.dumps({**BASE, "on": "10000-01-01"}).encode()),
        ("wrong types", json.dumps({**BASE, "treaty": ["x"], "events": {"a": 1}}).encode()),
        ("alias what-if", json.dumps({**BASE, "events": [{**attack, "attributes": {
            "state_of_war": "&a [*a, *a, *a, *a, *a, *a, *a, *a, *a]"}}]}).encode()),
        ("oversized body", b"{" + b'"x": "' + b"y" * 300_000 + b'"}'),
        ("heavy what-if", json.dumps({**BASE, "on": "1979-06-01", "events": [attack]}).encode()),
        ("heavy what-if, new date", b""),  # filled per request with a random date (no cached outcome)
    ]


def post(port: int, body: bytes, timeout: float = 30.0) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("POST", "/api/status", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def get(port: int, path: str, timeout: float = 30.0) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


class Reader(threading.Thread):
    """The well-behaved user: one status request every 50 ms, each latency recorded."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port = port
        self.latencies: list[float] = []
        self.failures: Counter[str] = Counter()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            start = time.perf_counter()
            try:
                code = get(self.port, READER_PATH)
                if code != 200:
                    self.failures[f"HTTP {code}"] += 1
            except OSError as exc:
                self.failures[type(exc).__name__] += 1
            self.latencies.append(time.perf_counter() - start)
            self.stop.wait(0.05)


def figures(latencies: list[float]) -> str:
    if not latencies:
        return "no requests"
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return (f"{len(ordered)} requests, p50 {statistics.median(ordered) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
            f"max {ordered[-1] * 1000:.0f} ms")


def attacker(port: int, until: float, seen: Counter[str], lock: threading.Lock, seed: int, heavy: bool) -> None:
    rnd = random.Random(seed)
    kinds = [k for k in attacks() if heavy or not k[0].startswith("heavy")]
    count = 0
    while time.monotonic() < until and count < 10_000:
        count += 1
        name, body = rnd.choice(kinds)
        if not body:
            day = f"{rnd.randrange(1951, 1990)}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}"
            body = json.dumps({**BASE, "on": day, "events": [{"date": "1962-05-01", "type": "armed_attack",
                                                              "actors": "JPN", "targets": "PRC"}]}).encode()
        try:
            outcome = f"HTTP {post(port, body)}"
        except OSError as exc:
            outcome = type(exc).__name__
        with lock:
            seen[f"{name}: {outcome}"] += 1


def idle_connections(port: int, n: int, until: float, trickle: int) -> None:
    """n connections that send nothing, and `trickle` that send a header line every second."""
    sockets = []
    for _ in range(n + trickle):
        try:
            sockets.append(socket.create_connection((HOST, port), timeout=5))
        except OSError:
            break
    for s in sockets[n:]:
        s.sendall(b"POST /api/status HTTP/1.0\r\n")
    while time.monotonic() < until:
        for s in sockets[n:]:
            with contextlib.suppress(OSError):  # cut off by the server: as it should be
                s.sendall(b"X-Slow: 1\r\n")
        time.sleep(1)
    for s in sockets:
        s.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(port, "/api/catalog", timeout=5) == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the explorer on port {port} did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, help="attack an explorer already running on 127.0.0.1:PORT")
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--idle", type=int, default=100)
    parser.add_argument("--trickle", type=int, default=10)
    parser.add_argument("--quiet", type=float, default=10.0)
    parser.add_argument("--attack", type=float, default=20.0)
    args = parser.parse_args()
    server = None
    port = args.port
    if port is None:
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "foedus.cli", "serve", "--port", str(port), "--treaties",
                                   str(ROOT / "treaties"), "--timelines", str(ROOT / "timelines")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port)
        get(port, READER_PATH)  # the session is loaded once before measuring
        reader = Reader(port)
        reader.start()
        time.sleep(args.quiet)
        print(f"explorer on {HOST}:{port}; {args.clients} attacking clients, {args.idle} idle and "
              f"{args.trickle} trickling connections, {args.attack:g} s per phase")
        print(f"reader, quiet:             {figures(reader.latencies)}, failures {sum(reader.failures.values())}")
        faults = 0
        for phase, heavy in (("malformed", False), ("flood", True)):
            reader.latencies.clear()
            reader.failures.clear()
            until = time.monotonic() + args.attack
            seen: Counter[str] = Counter()
            lock = threading.Lock()
            threads = [threading.Thread(target=idle_connections, args=(port, args.idle, until, args.trickle),
                                        daemon=True)]
            threads += [threading.Thread(target=attacker, args=(port, until, seen, lock, i, heavy), daemon=True)
                        for i in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=args.attack + 60)
            print(f"reader, {phase + ' attack:':18}{figures(reader.latencies)}, "
                  f"failures {sum(reader.failures.values())}")
            print(f"  attack requests: {sum(seen.values()):,}: " + ", ".join(
                f"{outcome} {count:,}" for outcome, count in sorted(seen.items())))
            faults += sum(v for k, v in seen.items() if "HTTP 500" in k or "HTTP" not in k)
        reader.stop.set()
        reader.join(timeout=60)
        print(f"faults (500s, dropped or refused connections): {faults}")
        alive = get(port, "/api/catalog") == 200
        print(f"explorer still answering afterwards: {alive}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
