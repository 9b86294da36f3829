"""Fuzzing the input layer: mutated treaty files, timelines, scenarios, ATOP rows and explorer requests.

Each case starts from a file of the repository (or a valid request) and applies one mutation — byte
flips, line deletions and duplications, truncation, type confusion, dates at the edges of the
calendar, unicode and control characters, deep nesting, aliases, huge scalars, a byte-order mark,
CSV column and cell damage, ATOP version mixes. It is then run the way a user would run it: the CLI
in-process (typer's CliRunner), or the explorer's request handler.

A case passes when foedus answers as it must: exit code 0 or 2 (1 for a scenario whose expectations
fail), and on exit 2 exactly one line ``error: …`` of bounded length; no traceback; the explorer
never answers 500; within a time bound; and an input that a mutation made certainly invalid
(``must_fail``) is refused, never silently accepted.

The mutations are plain functions of a ``random.Random``: the hypothesis strategies below hand them
hypothesis's random (reproducible, shrinkable), ``bench/fuzz.py`` a seeded one for long runs.
"""

from __future__ import annotations

import json
import random
import re
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "treaties" / "sino_soviet_1950.md"
HISTORY = ROOT / "timelines" / "sino_soviet_1950_1980.yaml"

SEEDS: dict[str, list[Path]] = {
    "treaty": [ROOT / "tests" / "bad_inputs" / "valid_treaty.md", FLAGSHIP, ROOT / "treaties" / "us_japan_1951.md",
               ROOT / "tests" / "fixtures" / "core" / "month_deadline_treaty.md"],
    "timeline": [HISTORY, ROOT / "tests" / "fixtures" / "core" / "sino_soviet_no_notice.yaml"],
    "timeline_csv": [ROOT / "tests" / "fuzz" / "seeds" / "history.csv"],
    "scenario": sorted((ROOT / "tests" / "scenarios").rglob("*.yaml"))[::4],
    "atop": [ROOT / "tests" / "fuzz" / "seeds" / "alliances.csv"],
}
KINDS = ("treaty", "timeline", "timeline_csv", "scenario", "atop", "request")

# Every answer of the explorer to a bad request is one of these; 500 never.
_HTTP_ALLOWED = {200, 400, 403, 404, 405, 409, 413, 415}
_ERROR_LINE_MAX = 600  # a location (up to 200 characters) and the 300 of the message, with room
_KEY_LINE = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w-]*):[ \t]+(?P<value>\S.*)$")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@dataclass(frozen=True)
class Case:
    """One input to try: what kind of input, which mutation made it, its bytes, and whether the mutation
    made it certainly invalid."""

    kind: str
    mutation: str
    data: bytes
    must_fail: bool = False
    seed: str = ""


@dataclass
class Outcome:
    case: Case
    code: int
    output: str
    seconds: float
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- mutations ----------------------------------------------------------------------------------------
# Each takes the seed's bytes and a Random and gives (bytes, must_fail).

Mutation = Callable[[bytes, random.Random], tuple[bytes, bool]]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def flip_bytes(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        if out:
            out[rnd.randrange(len(out))] = rnd.randrange(256)
    return bytes(out), False


def delete_lines(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    lines = _lines(data)
    for _ in range(rnd.randint(1, 5)):
        if len(lines) > 1:
            del lines[rnd.randrange(len(lines))]
    return b"\n".join(lines), False


def duplicate_lines(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    lines = _lines(data)
    start = rnd.randrange(len(lines))
    block = lines[start: start + rnd.randint(1, 6)]
    at = rnd.randrange(len(lines) + 1)
    return b"\n".join(lines[:at] + block + lines[at:]), False


def swap_lines(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    lines = _lines(data)
    i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines), False


def truncate(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    return data[: rnd.randrange(len(data) + 1)], False


_CONFUSERS = ("[a, b]", "{x: 1}", "123", "-7", "1.5", "true", "no", "null", "''", "[]", "{}", "1e400", "0",
              "9" * 30, "9" * 5000, "[[[[[[1]]]]]]", "'" + "q" * 300 + "'", "~", "2000-02-30", ".inf", "0x1F")
# Keys whose value has one kind only: a confuser of another kind there must be refused.
_TYPED = {"date": ("[a, b]", "{x: 1}", "123", "-7", "1.5", "true", "no", "[]", "{}", "1e400", "0", "9" * 30,
                   "9" * 5000, "2000-02-30", "[[[[[[1]]]]]]", ".inf"),
          "type": ("[a, b]", "{x: 1}", "123", "-7", "1.5", "true", "no", "[]", "{}", "1e400", "0", "9" * 30,
                   "9" * 5000, "[[[[[[1]]]]]]"),
          "until": ("[a, b]", "{x: 1}", "123", "-7", "1.5", "true", "no", "[]", "{}", "2000-02-30", "9" * 5000)}


def type_confusion(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    lines = _lines(data)
    candidates = [i for i, line in enumerate(lines) if _KEY_LINE.match(line.decode("utf-8", "replace"))]
    if not candidates:
        return flip_bytes(data, rnd)
    i = rnd.choice(candidates)
    m = _KEY_LINE.match(lines[i].decode("utf-8", "replace"))
    assert m is not None
    confuser = rnd.choice(_CONFUSERS)
    lines[i] = f"{m.group('lead')}{m.group('key')}: {confuser}".encode()
    must_fail = m.group("key") in _TYPED and confuser in _TYPED[m.group("key")] and not _in_block_text(lines, i)
    return b"\n".join(lines), must_fail


def _in_block_text(lines: list[bytes], i: int) -> bool:
    """Whether line i may stand inside a literal or folded block scalar, or a treaty's prose (then it is text)."""
    indent = len(lines[i]) - len(lines[i].lstrip())
    for j in range(i - 1, max(i - 40, -1), -1):
        line = lines[j].rstrip()
        if line.endswith((b">-", b"|", b">", b"|-")) and len(lines[j]) - len(lines[j].lstrip()) < indent:
            return True
        if line.startswith(b"```"):
            return False
    return False


_EDGE_DATES = {"0001-01-01": False, "9999-12-31": False, "2000-02-29": False, "1950-02-29": True,
               "1900-02-29": True, "1950-13-01": True, "1950-00-10": True, "0000-01-01": True, "1950-04-31": True,
               "9999-99-99": True, "1950-4-1": True, "19500411": True}


def date_edges(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    text = data.decode("utf-8", "replace")
    found = list(_DATE.finditer(text))
    if not found:
        return type_confusion(data, rnd)
    m = rnd.choice(found)
    edge = rnd.choice(list(_EDGE_DATES))
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    # Refused for sure only where the date is the whole value of a date key of a YAML file.
    keyed = re.fullmatch(r"\s*(?:-\s+)?(date|until|on):\s*" + re.escape(m.group()) + r"\s*", line) is not None
    lines = text.split("\n")
    index = text.count("\n", 0, m.start())
    must_fail = _EDGE_DATES[edge] and keyed and not _in_block_text([s.encode() for s in lines], index)
    return (text[: m.start()] + edge + text[m.end():]).encode("utf-8", "surrogatepass"), must_fail


_UNICODE = ["\x00", "\x1b[31m", "\x1b]0;title\x07", "\u202e", "\u200b", "é", "😀", "\ufeff", "\r", "\x85", "\u2028",
            "\x7f", "\x9b2J", "\t", "'", '"', "&", "*", "!", "%", "@", "`", "|", ">", "#", ":", "-", "{", "["]
_BAD_BYTES = [b"\xff", b"\xfe\xff", b"\xed\xa0\x80", b"\xc0\xaf", b"\x80"]


def unicode_noise(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    out = data
    for _ in range(rnd.randint(1, 4)):
        at = rnd.randrange(len(out) + 1)
        piece = rnd.choice(_BAD_BYTES) if rnd.random() < 0.15 else rnd.choice(_UNICODE).encode("utf-8")
        out = out[:at] + piece + out[at:]
    return out, False


def _replace_value(data: bytes, rnd: random.Random, value: str) -> bytes:
    lines = _lines(data)
    candidates = [i for i, line in enumerate(lines) if _KEY_LINE.match(line.decode("utf-8", "replace"))]
    if not candidates:
        return data + b"\n" + value.encode()
    i = rnd.choice(candidates)
    m = _KEY_LINE.match(lines[i].decode("utf-8", "replace"))
    assert m is not None
    lines[i] = f"{m.group('lead')}{m.group('key')}: {value}".encode()
    return b"\n".join(lines)


def deep_nesting(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    n = rnd.choice([65, 200, 1000, 5000, 100_000])
    value = "[" * n + "1" + "]" * n if rnd.random() < 0.5 else "{a: " * n + "1" + "}" * n
    return _replace_value(data, rnd, value), False


def aliases(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    shape = rnd.choice(["laughs", "self", "undefined", "shared"])
    if shape == "laughs":
        levels = rnd.randint(3, 12)
        parts = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        parts += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]" for k in range(1, levels)]
        value = "{" + ", ".join(parts) + "}"
    elif shape == "self":
        value = "&s [1, *s]"
    elif shape == "undefined":
        value = "*nowhere"
    else:
        value = "&t {x: " + "y" * 2000 + "}"
    return _replace_value(data, rnd, value), False


def huge_scalar(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    value = rnd.choice(["x" * 1000, "x" * 150_000, "'" + "y" * 2_000_000 + "'", "9" * 5000, "9" * 19,
                        "-" + "9" * 4301, "1" + "0" * 400 + ".5", "1e" + "9" * 30])
    return _replace_value(data, rnd, value), False


def byte_order_mark(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    return b"\xef\xbb\xbf" + data, False


def _csv_rows(data: bytes) -> list[list[str]]:
    import csv
    import io
    return list(csv.reader(io.StringIO(data.decode("utf-8", "replace"), newline="")))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    import csv
    import io
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def csv_drop_column(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    rows = _csv_rows(data)
    if not rows or not rows[0]:
        return data, False
    k = rnd.randrange(len(rows[0]))
    name = rows[0][k].strip()
    rows = [r[:k] + r[k + 1:] for r in rows]
    # Without date or type no timeline reads; without a provision column no ATOP file imports.
    return _csv_bytes(rows), name in ("date", "type", "atopid", "begyr", "defense", "nonagg", "consul", "speclgth")


def csv_cell_chaos(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    rows = _csv_rows(data)
    if len(rows) < 2:
        return data, False
    r = rnd.randrange(1, len(rows))
    must_fail = False
    action = rnd.choice(["extra", "short", "huge", "quote", "value"])
    if action == "extra":
        rows[r].append("surplus")
        must_fail = True
    elif action == "short" and rows[r]:
        rows[r] = rows[r][:-1]
        must_fail = len(rows[r]) > 0
    elif action == "huge" and rows[r]:
        rows[r][rnd.randrange(len(rows[r]))] = "z" * 140_000
        must_fail = True  # beyond MAX_CSV_FIELD_CHARS
    elif action == "quote":
        raw = _csv_bytes(rows)
        at = rnd.randrange(len(raw) + 1)
        return raw[:at] + b'"' + raw[at:], False
    elif rows[r]:
        rows[r][rnd.randrange(len(rows[r]))] = rnd.choice(
            ["", "-9", "0", "9" * 19, "9" * 5000, "1.5", "abc", "\x00", "1950-02-30", "true", "a;b;;c", "  "])
    return _csv_bytes(rows), must_fail


def atop_version_mix(data: bytes, rnd: random.Random) -> tuple[bytes, bool]:
    rows = _csv_rows(data)
    if "version" not in rows[0] or len(rows) < 3:
        return data, False
    k = rows[0].index("version")
    r = rnd.randrange(2, len(rows))
    rows[r][k] = "4.01" if rows[r][k] != "4.01" else "5"
    return _csv_bytes(rows), True  # two versions in one file are refused


COMMON: dict[str, Mutation] = {
    "flip_bytes": flip_bytes, "delete_lines": delete_lines, "duplicate_lines": duplicate_lines,
    "swap_lines": swap_lines, "truncate": truncate, "type_confusion": type_confusion, "date_edges": date_edges,
    "unicode": unicode_noise, "deep_nesting": deep_nesting, "aliases": aliases, "huge_scalar": huge_scalar,
    "byte_order_mark": byte_order_mark,
}
CSV_ONLY: dict[str, Mutation] = {"flip_bytes": flip_bytes, "delete_lines": delete_lines,
                                 "duplicate_lines": duplicate_lines, "truncate": truncate, "date_edges": date_edges,
                                 "unicode": unicode_noise, "byte_order_mark": byte_order_mark,
                                 "csv_drop_column": csv_drop_column, "csv_cell_chaos": csv_cell_chaos}
MUTATIONS: dict[str, dict[str, Mutation]] = {
    "treaty": COMMON, "timeline": COMMON, "scenario": COMMON, "timeline_csv": CSV_ONLY,
    "atop": {**CSV_ONLY, "atop_version_mix": atop_version_mix},
}


# --- explorer requests ---------------------------------------------------------------------------------

_REQUEST = {"treaty": "sino_soviet_1950.md", "timeline": "sino_soviet_1950_1980.yaml", "reading": "default",
            "on": "1960-01-01",
            "events": [{"date": "1955-06-01", "type": "armed_attack", "actors": ["JPN"], "targets": ["PRC"],
                        "attributes": {"state_of_war": "true", "place": "Hokkaido"}}]}
_REQUEST_VALUES: list[tuple[Any, bool]] = [
    (None, False), (True, False), (12, False), (-1, False), (1.5, False), ([], False), ({}, False),
    ("9999-12-31", False), ("0001-01-01", False), ("9995-06-01", False), ("10000-01-01", True),
    ("1950-02-30", True), ("../../etc/passwd", False), ("\x00", False), ("\u202e", False), ("x" * 200_000, True),
    ("\ud800", True),
    ([[[[[[[[[[1]]]]]]]]]], False),
]


def request_case(rnd: random.Random) -> Case:
    data: Any = json.loads(json.dumps(_REQUEST))
    must_fail = False
    shape = rnd.choice(["field", "event_field", "attribute", "deep", "huge_int", "nan", "bytes", "many_events"])
    if shape == "field":
        key = rnd.choice(["treaty", "timeline", "reading", "on", "events", "compare"])
        value, bad = rnd.choice(_REQUEST_VALUES)
        data[key] = value
        must_fail = (bad and key == "on") or (key == "events" and isinstance(value, str) and bad)
    elif shape == "event_field":
        key = rnd.choice(["date", "type", "actors", "targets", "treaty", "source", "note"])
        value, bad = rnd.choice(_REQUEST_VALUES)
        data["events"][0][key] = value
        must_fail = bad and key == "date"
    elif shape == "attribute":
        value, bad = rnd.choice(_REQUEST_VALUES)
        data["events"][0]["attributes"][rnd.choice(["state_of_war", "place", "initiator", "unknown"])] = value
    elif shape == "many_events":
        data["events"] = data["events"] * rnd.choice([2, 100, 101, 5000])
        must_fail = len(data["events"]) > 1  # the same event twice is a duplicate; more than 100 are refused
    if "\\ud800" in json.dumps(data):  # half a character is never a text: refused wherever it stands
        must_fail = True
    body = json.dumps(data, ensure_ascii=rnd.random() < 0.5)
    if shape == "deep":
        n = rnd.choice([65, 1000, 100_000])
        body = body[:-1] + ', "x": ' + "[" * n + "]" * n + "}"
        must_fail = True
    elif shape == "huge_int":
        body = body[:-1] + ', "x": ' + "9" * rnd.choice([19, 4301, 100_000]) + "}"
        must_fail = True
    elif shape == "nan":
        body = body[:-1] + ', "x": ' + rnd.choice(["NaN", "Infinity", "-Infinity", "1e999"]) + "}"
        must_fail = True
    raw = body.encode("utf-8", "surrogatepass")
    if shape == "bytes":
        raw, _ = flip_bytes(raw, rnd)
    return Case("request", shape, raw, must_fail)


# --- cases ----------------------------------------------------------------------------------------------


def _seed_bytes(kind: str, path: Path) -> bytes:
    data = path.read_bytes()
    if kind == "scenario":  # the scenario runs from a temporary folder: its relative paths made absolute
        text = data.decode("utf-8")
        for key in ("treaty", "timeline"):
            text = re.sub(rf"(?m)^{key}: (\S+)$",
                          lambda m: f"{m.group(0).split(':')[0]}: {(path.parent / m.group(1)).resolve()}", text)
        data = text.encode("utf-8")
    return data


def make_case(kind: str, rnd: random.Random) -> Case:
    """A random case of ``kind`` (see KINDS)."""
    if kind == "request":
        return request_case(rnd)
    seed = rnd.choice(SEEDS[kind])
    name = rnd.choice(sorted(MUTATIONS[kind]))
    data, must_fail = MUTATIONS[kind][name](_seed_bytes(kind, seed), rnd)
    return Case(kind, name, data, must_fail, seed.name)


def cases(kind: str) -> st.SearchStrategy[Case]:
    """Hypothesis: cases of ``kind``, drawn with hypothesis's random (reproducible under derandomize)."""
    return st.randoms(use_true_random=False).map(lambda rnd: make_case(kind, rnd))


# --- running a case -------------------------------------------------------------------------------------


class _TooSlow(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _TooSlow()


_APP: Any = None


def explorer() -> Any:
    global _APP
    if _APP is None:
        from foedus.serve.app import App
        _APP = App(ROOT / "treaties", ROOT / "timelines")
    return _APP


def run_case(case: Case, time_limit: float = 60.0) -> Outcome:
    """Run ``case`` as a user would and check the answer (see the module docstring)."""
    from typer.testing import CliRunner

    from foedus.cli import app

    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, time_limit)
    start = time.perf_counter()
    try:
        if case.kind == "request":
            return _check_request(case, start)
        with tempfile.TemporaryDirectory(prefix="foedus-fuzz-") as tmp:
            suffix = {"treaty": ".md", "timeline_csv": ".csv", "atop": ".csv"}.get(case.kind, ".yaml")
            path = Path(tmp) / f"input{suffix}"
            path.write_bytes(case.data)
            if case.kind == "treaty":
                args = ["status", str(path), "--on", "1990-01-01"]
            elif case.kind in ("timeline", "timeline_csv"):
                args = ["status", str(FLAGSHIP), "--events", str(path), "--on", "1979-06-01"]
            elif case.kind == "scenario":
                args = ["scenario", str(path)]
            else:
                args = ["atop", "import", str(path)]
            result = CliRunner().invoke(app, args)
            seconds = time.perf_counter() - start
            return _check_cli(case, result, seconds)
    except _TooSlow:
        return Outcome(case, -1, "", time.perf_counter() - start, [f"took more than {time_limit:g} s"])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _check_cli(case: Case, result: Any, seconds: float) -> Outcome:
    stderr = result.stderr if result.stderr_bytes is not None else ""
    output = result.stdout + stderr
    out = Outcome(case, result.exit_code, output, seconds)
    allowed = (0, 1, 2) if case.kind == "scenario" else (0, 2)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        if isinstance(result.exception, _TooSlow):
            raise result.exception
        out.problems.append(f"exception {type(result.exception).__name__}: {str(result.exception)[:200]}")
    if "Traceback" in output:
        out.problems.append("a traceback in the output")
    if result.exit_code not in allowed:
        out.problems.append(f"exit code {result.exit_code}")
    if result.exit_code == 2:
        lines = stderr.splitlines()
        if len(lines) != 1 or not lines[0].startswith("error: "):
            out.problems.append(f"not one error line: {stderr[:200]!r}")
        elif len(lines[0]) > _ERROR_LINE_MAX:
            out.problems.append(f"an error line of {len(lines[0])} characters")
    if case.must_fail and result.exit_code == 0:
        out.problems.append("silently accepted: this input must be refused")
    return out


def _check_request(case: Case, start: float) -> Outcome:
    response = explorer().handle("POST", "/api/status", case.data)
    seconds = time.perf_counter() - start
    body = response.body.decode("utf-8", "replace")
    out = Outcome(case, response.status, body[:300], seconds)
    if response.status not in _HTTP_ALLOWED:
        out.problems.append(f"HTTP {response.status}: {body[:200]}")
    if response.status >= 400:
        try:
            message = json.loads(body)["error"]
        except (ValueError, KeyError, TypeError):
            out.problems.append(f"an error that is not a JSON message: {body[:200]!r}")
        else:
            if "\n" in message or len(message) > _ERROR_LINE_MAX:
                out.problems.append(f"an error message of {len(message)} characters or several lines")
    if case.must_fail and response.status == 200:
        out.problems.append("silently accepted: this request must be refused")
    return out
