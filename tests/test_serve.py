"""`foedus serve` without a browser: the request handling and a real socket on 127.0.0.1."""

from __future__ import annotations

import http.client
import inspect
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from foedus.errors import FoedusError
from foedus.parse.timeline import read_timeline
from foedus.serve import App, make_server, serve

ROOT = Path(__file__).resolve().parent.parent
TREATIES = ROOT / "treaties"
TIMELINES = ROOT / "timelines"
Q = "treaty=sino_soviet_1950.md&timeline=sino_soviet_1950_1980.yaml&reading=default"
BASE = {"treaty": "sino_soviet_1950.md", "timeline": "sino_soviet_1950_1980.yaml", "reading": "default"}
ATTACK = [
    {"date": "1962-05-01", "type": "armed_attack", "actors": "JPN", "targets": "PRC"},
    {"date": "1962-05-01", "type": "state_of_war", "actors": ["JPN"], "targets": ["PRC"]},
]


@pytest.fixture(scope="module")
def app() -> App:
    return App(TREATIES, TIMELINES)


def get(app: App, target: str) -> tuple[int, Any]:
    r = app.handle("GET", target)
    return r.status, json.loads(r.body) if r.content_type.startswith("application/json") else r.body


def post(app: App, target: str, data: Any) -> tuple[int, Any]:
    r = app.handle("POST", target, json.dumps(data).encode())
    return r.status, json.loads(r.body)


def states(data: dict[str, Any]) -> dict[str, str]:
    return {n["id"]: n["state"] for n in data["status"]["norms"]}


def test_status_moves_with_the_date(app: App) -> None:
    code, d = get(app, f"/api/status?{Q}&on=1955-01-01")
    assert code == 200
    s = states(d)
    assert not any(k.startswith("mutual-assistance") for k in s)
    assert s["economic-cultural-ties/USSR"] == "active"
    assert d["status"]["state"] == "in force"
    assert d["range"] == {"start": "1949-02-14", "end": "1985-04-11"}
    assert {"kind": "entry-into-force", "date": "1950-04-11"}.items() <= next(
        k for k in d["key_dates"] if k["kind"] == "entry-into-force").items()
    assert states(get(app, f"/api/status?{Q}&on=1965-01-01")[1])["economic-cultural-ties/USSR"] == "violated"
    assert get(app, f"/api/status?{Q}&on=1981-01-01")[1]["status"]["state"] == "expired"


def test_default_date_is_entry_into_force(app: App) -> None:
    code, d = get(app, f"/api/status?{Q}")
    assert code == 200 and d["status"]["as_of"] == "1950-04-11"
    assert any(c["after"] == "in force" for c in d["changes_on_day"])


def test_catalog_and_treaty(app: App) -> None:
    code, cat = get(app, "/api/catalog")
    assert code == 200
    assert "sino_soviet_1950.md" in [t["file"] for t in cat["treaties"]]
    assert "sino_soviet_1950_1980.yaml" in [t["file"] for t in cat["timelines"]]
    assert "armed_attack" in [v["name"] for v in cat["vocabulary"]]
    assert cat["saving"] is False
    code, info = get(app, "/api/treaty?treaty=sino_soviet_1950.md")
    assert code == 200 and "from-signature" in info["readings"]
    assert [a["id"] for a in info["articles"]][:3] == ["preamble", "I", "II"]
    assert info["lifecycle_article"] == "VI"


def test_each_treaty_comes_with_a_timeline_that_names_it(app: App) -> None:
    """What the explorer offers on switching treaty: the timelines whose events name the treaty, or none and a
    note saying why; the status of the treaty with the first of them (or with none) always answers."""
    _, cat = get(app, "/api/catalog")
    for treaty in [t["file"] for t in cat["treaties"]]:
        code, info = get(app, f"/api/treaty?treaty={treaty}")
        assert code == 200, treaty
        for name in info["timelines"]:
            timeline = read_timeline(TIMELINES / name)
            assert any(e.treaty == info["id"] for e in timeline.events), (treaty, name)
        if info["timelines"]:
            assert info["timeline_note"] is None
        else:
            assert info["timeline_note"] and info["timeline_note"].endswith("shown with no events.")
        chosen = info["timelines"][0] if info["timelines"] else "none"
        code, d = get(app, f"/api/status?treaty={treaty}&timeline={chosen}")
        assert code == 200, (treaty, chosen, d)
    _, info = get(app, "/api/treaty?treaty=baghdad_pact_1955.md")
    assert info["timelines"] == ["baghdad_pact_1955.yaml"]
    _, info = get(app, "/api/treaty?treaty=sino_soviet_1945.md")
    assert info["timelines"][0] == "sino_soviet_1945.yaml" and len(info["timelines"]) == 2
    # The only timeline naming the 1951 treaty records acts under the 1950 treaty too: none, and why.
    _, info = get(app, "/api/treaty?treaty=us_japan_1951.md")
    assert info["timelines"] == [] and [u["file"] for u in info["timelines_unusable"]] == ["sino_soviet_1950_1980.yaml"]
    assert "sino_soviet_1950_1980.yaml names it, but:" in info["timeline_note"]


@pytest.mark.parametrize("target", [
    f"/api/status?{Q.replace('reading=default', 'reading=no-such-reading')}",
    "/api/status?treaty=missing.md&timeline=sino_soviet_1950_1980.yaml",
    "/api/status?treaty=../pyproject.toml",
    "/api/status?treaty=%2E%2E%2Fpyproject.toml",
    "/api/status?treaty=/etc/passwd",
    "/api/status?treaty=sino_soviet_1950.md&timeline=../treaties/sino_soviet_1950.md",
    "/api/status?treaty=sino_soviet_1950.md&timeline=scenario:../../etc/passwd",
    "/api/status?treaty=sino_soviet_1950.md&timeline=.hidden.yaml",
    f"/api/status?{Q}&on=1990-02-30",
    f"/api/status?{Q}&on=yesterday",
    "/api/treaty?treaty=..%5Cpyproject.toml",
    f"/api/chart?{Q.replace('reading=default', 'reading=x=y')}",
    f"/report?{Q}&compare=nope",
])
def test_bad_requests_are_one_line_json_errors(app: App, target: str) -> None:
    code, d = get(app, target)
    assert code == 400
    assert set(d) == {"error"} and d["error"] and "\n" not in d["error"]
    assert "Traceback" not in d["error"] and "File \"" not in d["error"]
    # … and the next request is answered as usual.
    assert get(app, f"/api/status?{Q}&on=1965-01-01")[0] == 200


@pytest.mark.parametrize("target", ["/static/../app.py", "/static/app.py", "/../pyproject.toml", "/etc/passwd",
                                    "/api/nothing", "/static/%2e%2e/app.py"])
def test_only_known_files_are_served(app: App, target: str) -> None:
    code, d = get(app, target)
    assert code == 404 and "error" in d


def test_unknown_reading_message(app: App) -> None:
    code, d = get(app, f"/api/status?{Q.replace('reading=default', 'reading=no-such-reading')}")
    assert code == 400 and "unknown reading 'no-such-reading' for sino-soviet-1950" in d["error"]


def test_malformed_timeline_is_a_400(tmp_path: Path) -> None:
    timelines = tmp_path / "timelines"
    timelines.mkdir()
    (timelines / "broken.yaml").write_text("timeline: x\nevents:\n  - date: 1960-13-01\n    type: signature\n")
    (timelines / "notyaml.yaml").write_text("events: [unclosed\n")
    app = App(TREATIES, timelines)
    for name in ("broken.yaml", "notyaml.yaml"):
        code, d = get(app, f"/api/status?treaty=sino_soviet_1950.md&timeline={name}")
        assert code == 400 and "\n" not in d["error"] and name in d["error"]
    assert get(app, "/api/status?treaty=sino_soviet_1950.md&timeline=none&on=1960-01-01")[0] == 200


def test_what_if_events_change_the_status_in_memory_only(app: App) -> None:
    code, d = post(app, "/api/status", {**BASE, "on": "1962-06-01", "events": ATTACK})
    assert code == 200, d
    assert d["inputs"]["added_events"] == 2
    with_it = states(d)
    assert with_it["mutual-assistance/USSR/1962-05-01"] == "violated"
    assert not any(k.startswith("mutual-assistance") for k in {n["id"] for n in d["baseline"]["norms"]})
    assert {"id": "mutual-assistance/USSR/1962-05-01", "without": None, "with": "violated"} in d["diff"]["norms"]
    assert any(c["subject"] == "mutual-assistance/USSR/1962-05-01"
               and c["label"] == "Art. I — USSR: assistance if attacked by Japan or its allies (1962-05-01)"
               for c in d["diff"]["changes"]["only_with"])
    # The timeline itself is untouched.
    assert "mutual-assistance" not in json.dumps(get(app, f"/api/status?{Q}&on=1962-06-01")[1]["status"]["norms"])
    assert len(read_timeline(TIMELINES / "sino_soviet_1950_1980.yaml").events) == 21


def test_what_if_attributes_are_read_as_in_a_timeline(app: App) -> None:
    ev = [{"date": "1961-01-10", "type": "assistance_withdrawn", "actors": "PRC", "targets": "USSR",
           "attributes": {"kind": "experts"}}]
    code, d = post(app, "/api/status", {**BASE, "on": "1961-02-01", "events": ev})
    assert code == 200, d
    assert states(d)["economic-cultural-ties/PRC"] == "violated"
    notice = [{"date": "1960-01-05", "type": "notice_of_denunciation", "actors": "USSR"}]  # treaty filled in
    code, d = post(app, "/api/status", {**BASE, "on": "1990-01-01", "events": notice})
    assert code == 200, d
    assert d["status"]["ends_on"] == "1980-04-11"
    assert any(f["field"] == "end_reason" for f in d["diff"]["treaty"])


@pytest.mark.parametrize(("events", "message"), [
    ([{"date": "1962-05-01", "type": "no_such_type", "actors": "JPN"}], "added event 1: unknown event type"),
    ([{"date": "1962-05-41", "type": "armed_attack", "actors": "JPN", "targets": "PRC"}], "added event 1"),
    ([{"date": "1962-05-01", "type": "armed_attack", "actors": "XYZ", "targets": "PRC"}], "unknown state 'XYZ'"),
    ([{"date": "1962-05-01", "type": "armed_attack", "actors": "JPN"}], "added event 1: armed_attack has 0 targets"),
    ([{"date": "1962-05-01", "type": "armed_attack", "actors": "JPN", "targets": "PRC",
       "attributes": {"colour": "red"}}], "unknown attribute `colour`"),
    ("not a list", "`events` must be a list"),
    ([1], "an added event must be an object"),
])
def test_bad_what_if_events(app: App, events: Any, message: str) -> None:
    code, d = post(app, "/api/status", {**BASE, "on": "1962-06-01", "events": events})
    assert code == 400 and message in d["error"], d


def test_bad_bodies(app: App) -> None:
    r = app.handle("POST", "/api/status", b"{not json")
    assert r.status == 400 and "not JSON" in json.loads(r.body)["error"]
    r = app.handle("POST", "/api/status", b"[1, 2]")
    assert r.status == 400
    r = app.handle("DELETE", "/api/status")
    assert r.status == 405


def test_report_and_chart_endpoints(app: App) -> None:
    r = app.handle("GET", f"/report?{Q}&on=1990-01-01&compare=from-signature")
    assert r.status == 200 and r.content_type.startswith("text/html")
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    assert b'data-mark="divergence"' in r.body
    code, d = get(app, f"/api/chart?{Q}")
    assert code == 200 and d["svg"].startswith("<svg") and 'id="chart-cursor"' in d["svg"]
    code, d = post(app, "/api/chart", {**BASE, "events": ATTACK})
    assert code == 200 and "mutual-assistance/USSR/1962-05-01" in d["svg"]


def test_static_page_has_a_strict_policy(app: App) -> None:
    r = app.handle("GET", "/")
    assert r.status == 200 and b"/static/app.js" in r.body
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "connect-src 'self'" in csp
    css = app.handle("GET", "/static/app.css")
    assert css.status == 200 and b".st-violated" in css.body


# --- saving scenarios ---------------------------------------------------------------------------


def snapshot(*folders: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime_ns for f in folders for p in sorted(f.rglob("*"))}


def test_saving_is_refused_without_a_scenarios_folder(app: App) -> None:
    before = snapshot(TREATIES, TIMELINES)
    code, d = post(app, "/api/save-scenario", {**BASE, "name": "x", "events": ATTACK})
    assert code == 403 and "saving is off" in d["error"]
    assert snapshot(TREATIES, TIMELINES) == before


def test_saving_writes_only_into_the_scenarios_folder(tmp_path: Path) -> None:
    treaties, timelines, scenarios = tmp_path / "treaties", tmp_path / "timelines", tmp_path / "scenarios"
    shutil.copytree(TREATIES, treaties)
    shutil.copytree(TIMELINES, timelines)
    scenarios.mkdir()
    app = App(treaties, timelines, scenarios)
    before = snapshot(treaties, timelines)
    for name in ("../../escape", "/etc/passwd", "..", "a/b\\c", "war 1962.yaml"):
        code, d = post(app, "/api/save-scenario", {**BASE, "name": name, "events": ATTACK})
        if name == "..":
            assert code == 400 and "no letters or digits" in d["error"]
            continue
        assert code == 200, d
        assert "/" not in d["saved"] and "\\" not in d["saved"] and not d["saved"].startswith(".")
    assert sorted(p.name for p in scenarios.iterdir()) == ["a-b-c.yaml", "escape.yaml", "etc-passwd.yaml",
                                                            "war-1962.yaml"]
    assert snapshot(treaties, timelines) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenarios", "timelines", "treaties"]
    # An existing scenario is not overwritten unless asked.
    code, d = post(app, "/api/save-scenario", {**BASE, "name": "escape", "events": ATTACK})
    assert code == 409 and "already exists" in d["error"]
    code, d = post(app, "/api/save-scenario", {**BASE, "name": "escape", "events": ATTACK[:1], "overwrite": True})
    assert code == 200
    # The saved file is a timeline: listed, usable, with the added events.
    saved = read_timeline(scenarios / "war-1962.yaml")
    assert saved.hypothetical and len(saved.events) == 23
    cat = get(app, "/api/catalog")[1]
    assert "scenario:war-1962.yaml" in [t["file"] for t in cat["timelines"]]
    code, d = get(app, "/api/status?treaty=sino_soviet_1950.md&timeline=scenario:war-1962.yaml&on=1962-06-01")
    assert code == 200 and states(d)["mutual-assistance/USSR/1962-05-01"] == "violated"


def test_saving_needs_a_name_and_events(tmp_path: Path) -> None:
    app = App(TREATIES, TIMELINES, tmp_path)
    assert post(app, "/api/save-scenario", {**BASE, "name": "", "events": ATTACK})[0] == 400
    code, d = post(app, "/api/save-scenario", {**BASE, "name": "empty", "events": []})
    assert code == 400 and "no added events" in d["error"]
    assert list(tmp_path.iterdir()) == []
    r = app.handle("GET", "/api/save-scenario?name=x")
    assert r.status == 405


def test_saving_refuses_to_write_through_a_link(tmp_path: Path) -> None:
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    outside = tmp_path / "outside.yaml"
    outside.write_text("keep me\n")
    (scenarios / "link.yaml").symlink_to(outside)
    app = App(TREATIES, TIMELINES, scenarios)
    code, d = post(app, "/api/save-scenario", {**BASE, "name": "link", "events": ATTACK, "overwrite": True})
    assert code == 403 and "link" in d["error"]
    assert outside.read_text() == "keep me\n"


def test_links_out_of_the_folders_are_not_served(tmp_path: Path) -> None:
    treaties = tmp_path / "treaties"
    treaties.mkdir()
    shutil.copy(TREATIES / "sino_soviet_1950.md", treaties / "inside.md")
    secret = tmp_path / "secret.md"
    shutil.copy(TREATIES / "sino_soviet_1950.md", secret)
    (treaties / "outside.md").symlink_to(secret)
    app = App(treaties, TIMELINES)
    assert [t["file"] for t in get(app, "/api/catalog")[1]["treaties"]] == ["inside.md"]
    code, d = get(app, "/api/treaty?treaty=outside.md")
    assert code == 400 and "unknown treaty 'outside.md'" in d["error"]
    assert get(app, "/api/treaty?treaty=inside.md")[0] == 200


def test_errors_name_files_inside_the_folders(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("timeline: x\nevents:\n  - date: 1960-13-01\n    type: signature\n")
    code, d = get(App(TREATIES, tmp_path), "/api/status?treaty=sino_soviet_1950.md&timeline=broken.yaml")
    assert code == 400 and d["error"].startswith("broken.yaml:3:11: impossible date")
    assert str(tmp_path) not in d["error"]


def test_missing_folders_are_errors(tmp_path: Path) -> None:
    with pytest.raises(FoedusError, match="no such treaties folder"):
        App(tmp_path / "nope", TIMELINES)
    with pytest.raises(FoedusError, match="no such scenarios folder"):
        App(TREATIES, TIMELINES, tmp_path / "nope")


# --- the socket server ----------------------------------------------------------------------------


def test_serve_binds_to_loopback_by_default() -> None:
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(make_server).parameters["host"].default == "127.0.0.1"


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    srv = make_server(TREATIES, TIMELINES, port=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", srv.server_address[1]
    finally:
        srv.shutdown()
        srv.server_close()


def request(server: tuple[str, int], method: str, target: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(*server, timeout=10)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def test_socket_round_trip_and_keeps_serving(server: tuple[str, int]) -> None:
    code, headers, body = request(server, "GET", "/")
    assert code == 200 and headers["x-content-type-options"] == "nosniff"
    code, _, body = request(server, "GET", f"/api/status?{Q.replace('default', 'bogus')}")
    assert code == 400 and "unknown reading" in json.loads(body)["error"]
    code, _, body = request(server, "POST", "/api/status", b"{", {"Content-Type": "application/json"})
    assert code == 400
    code, _, body = request(server, "GET", f"/api/status?{Q}&on=1981-01-01")
    assert code == 200 and json.loads(body)["status"]["state"] == "expired"


def test_socket_post_needs_json(server: tuple[str, int]) -> None:
    data = json.dumps({**BASE, "events": ATTACK}).encode()
    code, _, _ = request(server, "POST", "/api/status", data, {"Content-Type": "text/plain"})
    assert code == 415
    code, _, body = request(server, "POST", "/api/status", data, {"Content-Type": "application/json"})
    assert code == 200 and json.loads(body)["inputs"]["added_events"] == 2


def test_socket_refuses_foreign_host_names(server: tuple[str, int]) -> None:
    code, _, body = request(server, "GET", "/api/catalog", headers={"Host": "attacker.example"})
    assert code == 403 and "Host" in json.loads(body)["error"]
    assert request(server, "GET", "/api/catalog", headers={"Host": "localhost:1234"})[0] == 200


def test_status_answers_every_year(server: tuple[str, int]) -> None:
    """The explorer answers a status on each year of the record (its latency is measured by the benchmarks)."""
    in_force = []
    for year in range(1950, 1986):
        code, _, body = request(server, "GET", f"/api/status?{Q}&on={year}-06-01")
        assert code == 200
        in_force.append(json.loads(body)["status"]["in_force"])
    assert in_force == [year < 1980 for year in range(1950, 1986)]


def test_what_if_answers_as_the_timeline_with_the_events_written_in(app: App, tmp_path: Path) -> None:
    """The explorer resumes its base session for a what-if; its answers equal a session opened from
    scratch on a timeline file that has the added events written in."""
    from foedus import api

    source = (TIMELINES / "sino_soviet_1950_1980.yaml").read_text(encoding="utf-8")
    added = "".join(f"  - {{date: {e['date']}, type: {e['type']}, actors: [JPN], targets: [PRC]}}\n" for e in ATTACK)
    assert "\nevents:\n" in source
    written = tmp_path / "with_attack.yaml"
    written.write_text(source.replace("\nevents:\n", "\nevents:\n" + added, 1), encoding="utf-8")
    scratch = api.open_session(TREATIES / "sino_soviet_1950.md", written, None)
    alone = App(TREATIES, tmp_path)  # the explorer with the written timeline as its own
    for on in ("1950-06-01", "1962-04-30", "1962-05-01", "1962-06-01", "1979-06-01", "1985-01-01"):
        code, d = post(app, "/api/status", {**BASE, "on": on, "events": ATTACK})
        assert code == 200, d
        want = scratch.status(on)
        for key in ("in_force", "expires_on", "ends_on", "notice_deadline"):
            assert d["status"][key] == want[key], (on, key)
        assert states(d) == {n["id"]: n["state"] for n in want["norms"]}, on
        code, e = post(alone, "/api/status", {**BASE, "timeline": written.name, "on": on})
        assert code == 200, e
        assert d["key_dates"] == e["key_dates"] and states(d) == states(e), on


def test_a_what_if_on_the_calendars_last_day(app: App) -> None:
    """An event on 9999-12-31 is a valid what-if: the range and the run going forward stop at the calendar's end."""
    last = [{"date": "9999-12-31", "type": "armed_attack", "actors": ["JPN"], "targets": ["PRC"],
             "attributes": {"state_of_war": "true"}}]
    code, d = post(app, "/api/status", {**BASE, "on": "1960-01-01", "events": last})
    assert code == 200, d
    assert d["status"]["in_force"] is True
