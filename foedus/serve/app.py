"""The local web app: pick a treaty, a timeline and a reading, move through time with a slider, add
what-if events and see what they change.

Only the standard library serves it (``http.server``). Requests are answered by :class:`App`, a plain
object that maps (method, path, query, body) to a response, so it can be tested without a socket.
Nothing is kept between requests but caches keyed by their inputs (files are keyed by their
modification time and size). Nothing is ever written, except by ``POST /api/save-scenario`` into the
scenarios folder, when one was given.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import socket
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

from foedus.api import Session, as_date, empty_timeline
from foedus.compile import compile_treaty, reading_names
from foedus.dates import Duration
from foedus.errors import FoedusError, Location, clip, quoted
from foedus.evaluate import bind_timeline
from foedus.evaluate.results import Change, Outcome
from foedus.files import replace_text
from foedus.limits import (
    IDLE_TIMEOUT_SECONDS,
    LISTEN_BACKLOG,
    MAX_CONNECTIONS,
    MAX_DEPTH,
    MAX_NUMBER_DIGITS,
    MAX_REQUEST_BYTES,
    MAX_SCALAR_CHARS,
    MAX_WHATIF_EVENTS,
    REQUEST_READ_SECONDS,
    refusal,
)
from foedus.model.events import BadValue, Event, Timeline, Vocabulary, has_default_id, vocabulary
from foedus.model.load import load_treaty
from foedus.model.treaty import Treaty
from foedus.parse.located_yaml import SourceMap
from foedus.parse.timeline import _EVENT_KEYS, events_from_tree, parse_yaml_timeline, read_timeline
from foedus.report import json_report
from foedus.report.html import View, article_paragraphs, badge_css, chart_svg, phone_css, render_views
from foedus.report.words import TreatyWords

TREATY_SUFFIXES = (".md", ".markdown")
TIMELINE_SUFFIXES = (".yaml", ".yml", ".csv", ".parquet")
SCENARIO_PREFIX = "scenario:"
MAX_BODY = MAX_REQUEST_BYTES
MAX_EVENTS = MAX_WHATIF_EVENTS
_STATIC = {"/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
           "/static/app.css": ("app.css", "text/css; charset=utf-8"),
           "/": ("index.html", "text/html; charset=utf-8"),
           "/index.html": ("index.html", "text/html; charset=utf-8")}
_PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
             "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
        return cls(status, "application/json; charset=utf-8", text.encode("utf-8"))

    @classmethod
    def error(cls, message: str, status: int = 400) -> Response:
        return cls.json({"error": " ".join(str(message).split())}, status)


@dataclass(frozen=True)
class _Meta:
    """What the page needs of a session beyond one date: the slider's range, the key dates, and the
    date shown first (entry into force)."""

    range: tuple[date, date]
    key_dates: list[dict[str, Any]]
    default_day: date


class _NotFound(Exception):
    pass


class _Refused(Exception):
    """A request the server will not do (e.g. saving without a scenarios folder)."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


_MISSING = object()


class _Cache:
    """A small LRU cache, safe across threads. ``get`` builds a missing value outside the lock, so two
    threads asking at once may both build it (the later one is kept); ``peek`` never builds."""

    def __init__(self, size: int):
        self.size = size
        self.data: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def peek(self, key: Any, default: Any = None) -> Any:
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                return self.data[key]
        return default

    def get(self, key: Any, build: Callable[[], Any]) -> Any:
        value = self.peek(key, _MISSING)
        if value is not _MISSING:
            return value
        value = build()
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)
        return value


def _vocabulary(session: Session) -> Vocabulary:
    """The event types a session's timeline may use: built-in, the treaty's and the timeline's own."""
    return session.timeline.vocabulary or session.compiled.vocabulary


def _stamp(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return (str(path), st.st_mtime_ns, st.st_size)


def _words(reading: str | None) -> tuple[str, ...]:
    """A reading as the request gives it: words separated by commas, plus signs or spaces."""
    if not reading:
        return ()
    return tuple(w for w in re.split(r"[,+\s]+", reading.strip()) if w and w != "default")


def _year_shift(d: date, years: int) -> date:
    year = d.year + years
    if year > date.max.year:  # the slider ends with the calendar
        return date.max
    if year < date.min.year:
        return date.min
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February
        return d.replace(year=year, day=28)


class _Loaded:
    """A session as the app keeps it between requests: the files it was made from, its meta (worked out
    when it is loaded) and its outcomes on the few fixed days the app asks about again and again (the
    last event, the end of the slider's range). Outcomes on other days are evaluated per request."""

    def __init__(self, session: Session, treaty_file: Path, events_file: Path | None):
        self.session = session
        self.treaty_file = treaty_file
        self.events_file = events_file
        self._fixed = _Cache(8)
        self.meta = self._meta()

    def fixed(self, day: date) -> Outcome:
        """The outcome on a fixed day: evaluated once, then kept."""
        value: Outcome = self._fixed.get(day, lambda: self.session.outcome(day))
        return value

    def outcome(self, day: date) -> Outcome:
        """The outcome on any day: the kept one when the day is a fixed day, else evaluated (not kept)."""
        kept: Outcome | None = self._fixed.peek(day)
        return kept if kept is not None else self.session.outcome(day)

    def _meta(self) -> _Meta:
        start, end = self._range()
        view = View(self.session, self.fixed(end))
        keys = [{"kind": m.kind, "name": m.name, "date": m.date.isoformat(), "detail": m.detail,
                 "certain": m.certain} for m in view.marks]
        lc = view.outcome.lifecycle
        return _Meta((start, end), keys, lc.entry_into_force or lc.signed_on or start)

    def _range(self) -> tuple[date, date]:
        """The slider's days: a year before signature to five years after the end."""
        ct = self.session.compiled
        events = self.session.timeline.events
        t = ct.treaty
        anchors = [t.signed.date] if t.signed else []
        anchors += [e.date for e in events if e.treaty == t.id and e.type == "signature"]
        days = [e.date for e in events]
        if not anchors:
            anchors = [d for d in (ct.lifecycle.entry_into_force_on,) if d is not None] or days[:1] \
                or [date(2000, 1, 1)]
        start = _year_shift(min(anchors), -1)
        far = max([*days, *anchors])
        # One run forward: the lifecycle after the last event, on the end it then foresees, and the whole
        # outcome five years on (kept: the key dates and every what-if's diff read it).
        ahead = self.session.forward(far)
        lc = ahead.lifecycle(far)
        end = lc.ends_on or lc.expires_on
        if end is None:
            end = far
        # Time-driven changes after the last event (an expiry known in advance) are covered too.
        lc = ahead.lifecycle(max(end, far))
        end = lc.ends_on or lc.expires_on or end
        stop = _year_shift(max(end, far), 5)
        final = ahead.outcome(stop)
        self._fixed.get(stop, lambda: final)
        return start, stop


class App:
    """The web app's request handling, independent of the socket server."""

    def __init__(self, treaties_dir: Path, timelines_dir: Path, scenarios_dir: Path | None = None):
        self.treaties_dir = Path(treaties_dir).resolve()
        self.timelines_dir = Path(timelines_dir).resolve()
        self.scenarios_dir = Path(scenarios_dir).resolve() if scenarios_dir is not None else None
        for what, folder in (("treaties", self.treaties_dir), ("timelines", self.timelines_dir)):
            if not folder.is_dir():
                raise FoedusError(f"no such {what} folder", where=Location(str(folder)), expected="a folder")
        if self.scenarios_dir is not None and not self.scenarios_dir.is_dir():
            raise FoedusError("no such scenarios folder", where=Location(str(self.scenarios_dir)),
                              expected="an existing folder to save scenarios in")
        self._treaties = _Cache(32)
        self._timelines = _Cache(32)
        self._sessions = _Cache(64)

    # -- files -------------------------------------------------------------------------------

    @staticmethod
    def _listing(folder: Path, suffixes: tuple[str, ...]) -> list[str]:
        names = []
        for p in sorted(folder.iterdir(), key=lambda p: p.name):
            if p.name.startswith(".") or p.suffix.lower() not in suffixes or not p.is_file():
                continue
            try:
                p.resolve().relative_to(folder)
            except ValueError:
                continue  # a link that leads out of the folder
            names.append(p.name)
        return names

    @staticmethod
    def _inside(folder: Path, name: str, suffixes: tuple[str, ...], what: str, folder_name: str) -> Path:
        if not name or "/" in name or "\\" in name or "\x00" in name or name.startswith(".") \
                or Path(name).suffix.lower() not in suffixes:
            raise FoedusError(f"unknown {what} {name!r}", expected=f"the name of a file in the {folder_name} folder")
        path = (folder / name).resolve()
        try:
            path.relative_to(folder)
        except ValueError:
            raise FoedusError(f"unknown {what} {name!r}", expected=f"a file inside the {folder_name} folder") from None
        if not path.is_file():
            raise FoedusError(f"unknown {what} {name!r}", expected=f"the name of a file in the {folder_name} folder")
        return path

    def treaty_path(self, name: str | None) -> Path:
        if not name:
            raise FoedusError("no treaty chosen", expected="treaty=<file name>")
        return self._inside(self.treaties_dir, name, TREATY_SUFFIXES, "treaty", "treaties")

    def timeline_path(self, name: str | None) -> Path | None:
        if not name or name == "none":
            return None
        if name.startswith(SCENARIO_PREFIX):
            if self.scenarios_dir is None:
                raise FoedusError(f"unknown timeline {name!r}", expected="a timeline file (no scenarios folder is set)")
            return self._inside(self.scenarios_dir, name[len(SCENARIO_PREFIX):], (".yaml", ".yml"), "timeline",
                                "scenarios")
        return self._inside(self.timelines_dir, name, TIMELINE_SUFFIXES, "timeline", "timelines")

    def treaty(self, path: Path) -> tuple[Treaty, SourceMap]:
        value: tuple[Treaty, SourceMap] = self._treaties.get(("treaty", _stamp(path)),
                                                             lambda: load_treaty(str(path)))
        return value

    def timeline(self, path: Path | None, vocab: Vocabulary | None = None) -> Timeline:
        """The timeline at ``path``, read with ``vocab`` (the event types of the treaty it is read for)."""
        if path is None:
            return empty_timeline()
        value: Timeline = self._timelines.get(("timeline", _stamp(path), vocab), lambda: read_timeline(path, vocab))
        return value

    def _shown(self, path: Path) -> str:
        for folder, prefix in ((self.treaties_dir, ""), (self.timelines_dir, ""), (self.scenarios_dir, "scenarios/")):
            if folder is not None:
                try:
                    return prefix + str(path.relative_to(folder))
                except ValueError:
                    continue
        return path.name

    # -- sessions ----------------------------------------------------------------------------

    def session(self, treaty: str | None, timeline: str | None, reading: str | None,
                extra: tuple[Event, ...] = (), extra_key: str = "") -> _Loaded:
        tpath = self.treaty_path(treaty)
        lpath = self.timeline_path(timeline)
        words = _words(reading)
        key = ("session", _stamp(tpath), _stamp(lpath) if lpath else None, words, extra_key)

        def build() -> _Loaded:
            if extra:
                # A what-if reuses the compiled treaty and resumes the base session's run before its first
                # added event, so it costs the days after that event, not a compile and the whole record.
                base = self.session(treaty, timeline, reading)
                return _Loaded(base.session.what_if(added=extra), tpath, lpath)
            model, smap = self.treaty(tpath)
            compiled = compile_treaty(model, list(words) or None, smap=smap, file=self._shown(tpath))
            bound = bind_timeline(compiled, self.timeline(lpath, compiled.vocabulary))
            loaded = _Loaded(Session(compiled=compiled, timeline=bound), tpath, lpath)
            # The slider and every what-if on this session ask about many days of the same range: answer
            # them from one pass over the record.
            loaded.session.prepare(*loaded.meta.range)
            return loaded

        value: _Loaded = self._sessions.get(key, build)
        return value

    # -- what-if events ----------------------------------------------------------------------

    def extra_events(self, raw: Any, treaty_id: str, vocab: Vocabulary | None = None) -> tuple[Event, ...]:
        """What-if events posted with a request, checked against ``vocab`` (default: the built-in types)."""
        if raw is None:
            return ()
        if not isinstance(raw, list):
            raise FoedusError("`events` must be a list", where=Location("request"), expected="a JSON list of events")
        if len(raw) > MAX_EVENTS:
            raise FoedusError(f"{len(raw)} added events", where=Location("request"),
                              expected=f"at most {MAX_EVENTS}")
        vocab = vocab if vocab is not None else vocabulary()
        out = []
        for i, item in enumerate(raw, start=1):
            where = f"added event {i}"
            if not isinstance(item, dict):
                raise FoedusError("an added event must be an object", where=Location(where),
                                  expected="date, type, actors, targets, attributes, source")
            entry: dict[str, Any] = {"id": f"what-if-{i}"}
            for key in ("date", "type", "treaty", "title", "source", "note"):
                value = item.get(key)
                if value not in (None, ""):  # text stripped; anything else left for the timeline's checks
                    entry[key] = value.strip() if isinstance(value, str) else value
            for key in ("actors", "targets"):
                value = item.get(key)
                if isinstance(value, str):
                    value = [v for v in re.split(r"[,;\s]+", value) if v]
                if isinstance(value, list) and value:
                    entry[key] = [v.strip() if isinstance(v, str) else v for v in value
                                  if not isinstance(v, str) or v.strip()]
                elif value not in (None, "", []):
                    entry[key] = value
            attributes = item.get("attributes") or {}
            if not isinstance(attributes, dict):
                raise FoedusError("`attributes` must be an object", where=Location(where), expected="{name: value}")
            etype = entry.get("type")
            kind = vocab.get(etype) if isinstance(etype, str) else None
            for key, value in attributes.items():
                k = str(key).strip()
                if k in _EVENT_KEYS:
                    raise FoedusError(f"`{k}` is not an attribute", where=Location(where),
                                      expected="an attribute of the event type")
                attribute = kind.attributes.get(k) if kind is not None else None
                if attribute is not None and isinstance(value, str):
                    # typed in a form: read as its declared type says (never as YAML)
                    try:
                        value = attribute.text_value(value)
                    except BadValue as exc:
                        raise FoedusError(exc.message, where=Location(where), expected=exc.expected) from None
                entry[k] = value
            if "treaty" not in entry and isinstance(etype, str) and etype in vocab \
                    and vocab[etype].treaty == "required":
                entry["treaty"] = treaty_id
            entry.setdefault("source", "what-if (added in the web app)")
            try:
                events, _ = events_from_tree({"events": [entry]}, SourceMap(where), where, vocabulary=vocab)
            except FoedusError as exc:
                raise FoedusError(exc.message, where=Location(where), expected=exc.expected) from None
            out.extend(events)
        return tuple(out)

    # -- endpoints ---------------------------------------------------------------------------

    def handle(self, method: str, target: str, body: bytes = b"") -> Response:
        parts = urlsplit(target)
        path = parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        try:
            if method in ("GET", "HEAD") and path in _STATIC:
                return self._static(path)
            if path == "/api/catalog" and method == "GET":
                return Response.json(self.catalog())
            if path == "/api/treaty" and method == "GET":
                return Response.json(self.treaty_info(query.get("treaty")))
            if path in ("/api/status", "/api/chart", "/api/save-scenario", "/report"):
                if method == "POST":
                    data = self._body(body)
                elif method == "GET" and path != "/api/save-scenario":
                    data = self._query(query)
                else:
                    return Response.error(f"{method} is not allowed here", HTTPStatus.METHOD_NOT_ALLOWED)
                if path == "/api/status":
                    return Response.json(self.status(data))
                if path == "/api/chart":
                    return Response.json(self.chart(data))
                if path == "/report":
                    return self.report(data)
                return Response.json(self.save_scenario(data))
            raise _NotFound(path)
        except FoedusError as exc:
            return Response.error(self._relative(exc.one_line()), HTTPStatus.BAD_REQUEST)
        except _Refused as exc:
            return Response.error(str(exc), exc.status)
        except _NotFound:
            return Response.error(f"no such page: {path}", HTTPStatus.NOT_FOUND)
        except Exception as exc:  # never a traceback to the client; one line to the log
            print(f"foedus serve: internal error on {method} {clip(path, 200)}: {type(exc).__name__}: "
                  f"{clip(' '.join(str(exc).split()), 300)}", file=sys.stderr)
            return Response.error(f"internal error ({type(exc).__name__}); the server keeps running",
                                  HTTPStatus.INTERNAL_SERVER_ERROR)

    def _relative(self, message: str) -> str:
        """A message with the served folders' absolute paths cut to names inside them."""
        for folder, prefix in ((self.scenarios_dir, "scenarios/"), (self.treaties_dir, ""), (self.timelines_dir, "")):
            if folder is not None:
                message = message.replace(str(folder) + os.sep, prefix)
        return message

    @staticmethod
    def _query(query: dict[str, str]) -> dict[str, Any]:
        data: dict[str, Any] = dict(query)
        if "events" in data:  # a GET may carry added events as events=<JSON list>
            data["events"] = read_json(data["events"], "`events`")
        return data

    @staticmethod
    def _body(body: bytes) -> dict[str, Any]:
        if len(body) > MAX_BODY:
            raise FoedusError(f"request body of {len(body)} bytes", where=Location("request"),
                              expected=f"at most {MAX_BODY} bytes")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FoedusError(f"the request body is not UTF-8 (byte {exc.start})", where=Location("request"),
                              expected="a JSON object") from None
        data = read_json(text or "{}", "the request body")
        if not isinstance(data, dict):
            raise FoedusError("the request body is not a JSON object", where=Location("request"),
                              expected="a JSON object")
        return data

    @staticmethod
    def _static(path: str) -> Response:
        name, ctype = _STATIC[path]
        data = resources.files("foedus.serve").joinpath("static", name).read_bytes()
        if name == "app.css":
            data += ("\n/* state colours and the phone's tables, shared with the HTML report */\n" + badge_css() + "\n"
                     + phone_css() + "\n").encode("utf-8")
        headers = {"Content-Security-Policy": _PAGE_CSP} if name.endswith(".html") else {}
        headers["Cache-Control"] = "no-cache"
        return Response(200, ctype, data, headers)

    def catalog(self) -> dict[str, Any]:
        treaties = []
        for name in self._listing(self.treaties_dir, TREATY_SUFFIXES):
            entry: dict[str, Any] = {"file": name}
            try:
                t, _ = self.treaty(self.treaties_dir / name)
                entry.update(id=t.id, title=t.short_title or t.title)
            except FoedusError as exc:
                entry["error"] = self._relative(exc.one_line())
            treaties.append(entry)
        timelines = [{"file": name, "label": name} for name in self._listing(self.timelines_dir, TIMELINE_SUFFIXES)]
        if self.scenarios_dir is not None:
            timelines += [{"file": SCENARIO_PREFIX + name, "label": f"scenario: {name}"}
                          for name in self._listing(self.scenarios_dir, (".yaml", ".yml"))]
        vocab = [{"name": k.name, "says": k.says, "scope": k.scope, "actors": list(k.actors),
                  "targets": list(k.targets), "treaty": k.treaty, "attributes": list(k.attributes)}
                 for k in sorted(vocabulary().values(), key=lambda k: k.name)]
        return {"treaties": treaties, "timelines": timelines, "vocabulary": vocab,
                "saving": self.scenarios_dir is not None}

    def _timeline_names(self) -> list[str]:
        names = self._listing(self.timelines_dir, TIMELINE_SUFFIXES)
        if self.scenarios_dir is not None:
            names += [SCENARIO_PREFIX + n for n in self._listing(self.scenarios_dir, (".yaml", ".yml"))]
        return names

    def matching_timelines(self, path: Path) -> tuple[list[str], list[dict[str, str]]]:
        """The timelines whose events name the treaty at ``path`` and that can be read for it alone, and
        those that name it but cannot (each with why): the explorer offers the first when the treaty is
        chosen, and says why when there is none."""
        names = self._timeline_names()
        stamps = []
        for name in names:
            with contextlib.suppress(FoedusError, OSError):
                lpath = self.timeline_path(name)
                if lpath is not None:
                    stamps.append(_stamp(lpath))
        key = ("matching", _stamp(path), tuple(stamps))

        def build() -> tuple[list[str], list[dict[str, str]]]:
            model, smap = self.treaty(path)
            compiled = compile_treaty(model, None, smap=smap, file=self._shown(path))
            usable: list[str] = []
            unusable: list[dict[str, str]] = []
            for name in names:
                try:
                    timeline = self.timeline(self.timeline_path(name), compiled.vocabulary)
                except FoedusError:
                    continue  # not read for this treaty (its own error shows when it is chosen)
                if not any(e.treaty == model.id for e in timeline.events):
                    continue
                try:
                    bind_timeline(compiled, timeline)
                except FoedusError as exc:
                    # what is wrong, with the line it is on; the file is named beside it
                    line = f" (line {exc.where.line})" if exc.where is not None and exc.where.line else ""
                    unusable.append({"file": name, "why": clip(" ".join(exc.message.split()), 200) + line})
                else:
                    usable.append(name)
            return usable, unusable

        value: tuple[list[str], list[dict[str, str]]] = self._sessions.get(key, build)
        return value

    def treaty_info(self, name: str | None) -> dict[str, Any]:
        path = self.treaty_path(name)
        t, _ = self.treaty(path)
        usable, unusable = self.matching_timelines(path)
        if usable:
            note = None
        elif unusable:
            note = (f"No timeline can be read for {t.short_title or t.title} alone — "
                    + "; ".join(f"{u['file']} names it, but: {u['why']}" for u in unusable)
                    + ". It is shown with no events.")
        else:
            note = (f"No timeline in the folder names {t.short_title or t.title} ({t.id}): it is shown with no "
                    "events.")

        return {
            "file": path.name, "id": t.id, "title": t.title, "short_title": t.short_title,
            "parties": [{"id": p.id, "name": p.name} for p in t.parties],
            "signed": t.signed.date.isoformat() if t.signed else None,
            "articles": [{"id": a.id, "heading": a.heading, "paragraphs": article_paragraphs(a)} for a in t.articles],
            "norms": [{"id": n.id, "kind": n.kind, "article": n.article, "summary": n.summary,
                       "trigger": None if n.trigger is None else
                       (n.trigger.on if isinstance(n.trigger.on, list) else [n.trigger.on])} for n in t.norms],
            "lifecycle_article": t.lifecycle.article,
            "timelines": usable,
            "timelines_unusable": unusable,
            "timeline_note": note,
            "readings": reading_names(t),
            "reading_points": [{"id": p.id, "article": p.article, "question": p.question, "default": p.default,
                                "options": {k: o.says for k, o in p.options.items()}} for p in t.readings],
        }

    def _inputs(self, data: dict[str, Any]) -> tuple[_Loaded, _Loaded | None, dict[str, Any]]:
        """The session for the request, and (with added events) the one without them."""
        treaty = data.get("treaty")
        timeline = data.get("timeline")
        reading = data.get("reading")
        for key, value in (("treaty", treaty), ("timeline", timeline), ("reading", reading)):
            if value is not None and not isinstance(value, str):
                raise FoedusError(f"`{key}` must be a string", where=Location("request"), expected="text")
        base = self.session(treaty, timeline, reading)
        raw = data.get("events")
        extra = self.extra_events(raw, base.session.compiled.id, _vocabulary(base.session))
        inputs = {"treaty": treaty, "timeline": timeline or "none", "reading": base.session.compiled.reading.name,
                  "added_events": len(extra)}
        if not extra:
            return base, None, inputs
        key = json.dumps(raw, sort_keys=True, default=str)
        return self.session(treaty, timeline, reading, extra, key), base, inputs

    def _on(self, data: dict[str, Any], s: _Loaded) -> date:
        on = data.get("on")
        if on in (None, ""):
            return s.meta.default_day
        return as_date(str(on), "on")

    def status(self, data: dict[str, Any]) -> dict[str, Any]:
        s, base, inputs = self._inputs(data)
        on = self._on(data, s)
        start, end = s.meta.range
        if base is not None:
            b0, b1 = base.meta.range
            start, end = min(start, b0), max(end, b1)
        outcome = s.outcome(on)
        out: dict[str, Any] = {
            "inputs": inputs,
            "status": s.session.status_dict(outcome),
            "range": {"start": start.isoformat(), "end": end.isoformat()},
            "key_dates": s.meta.key_dates,
            "changes_on_day": self._changes_on(s.session.words, outcome, on),
        }
        if base is not None:
            out["baseline"] = base.session.status_at(on)  # prepared: answered from its history
            out["diff"] = _diff(out["baseline"], out["status"])
            out["diff"]["changes"] = _changes_diff(s.session.words, base.fixed(end), s.fixed(end))
        return out

    @staticmethod
    def _changes_on(words: TreatyWords, o: Outcome, on: date) -> list[dict[str, Any]]:
        """The day's changes: each subject by id and in words (``label``), the reason in words
        (``because_recorded``: as the engine records it)."""
        instances = {i.id: i for i in o.instances}
        return [{"subject": c.subject, "label": words.subject(c.subject, instances), "before": c.before,
                 "after": c.after, "because": words.because(c), "because_recorded": c.because}
                for c in sorted(o.changes(), key=json_report.change_order) if c.date == on]

    def chart(self, data: dict[str, Any]) -> dict[str, Any]:
        s, _, inputs = self._inputs(data)
        start, end = s.meta.range
        as_of = as_date(str(data["on"]), "on") if data.get("on") else end
        return {"inputs": inputs, "svg": chart_svg([View(s.session, s.outcome(as_of))], as_of, cursor=True),
                "range": {"start": start.isoformat(), "end": end.isoformat()}}

    def report(self, data: dict[str, Any]) -> Response:
        s, _, _ = self._inputs(data)
        on = self._on(data, s)
        views = [View(s.session, s.outcome(on))]
        compare = data.get("compare")
        if compare:
            if not isinstance(compare, str):
                raise FoedusError("`compare` must be a string", where=Location("request"), expected="a reading")
            other = self.session(data.get("treaty"), data.get("timeline"), compare)
            views.append(View(other.session, other.outcome(on)))
        text = render_views(views, on, treaty_file=s.treaty_file, events_file=s.events_file)
        return Response(200, "text/html; charset=utf-8", text.encode("utf-8"),
                        {"Content-Security-Policy": _REPORT_CSP})

    def save_scenario(self, data: dict[str, Any]) -> dict[str, Any]:
        if self.scenarios_dir is None:
            raise _Refused("saving is off: the server was started without a scenarios folder")
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise FoedusError("no scenario name", where=Location("request"), expected="a name for the scenario file")
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(name.strip()).stem if name.strip().lower().endswith(
            (".yaml", ".yml")) else name.strip()).strip("-_")[:80]
        if not stem:
            raise FoedusError(f"the name {name!r} has no letters or digits", where=Location("request"),
                              expected="a name made of letters, digits, - and _")
        s, base, _ = self._inputs(data)
        if base is None:
            raise FoedusError("no added events to save", where=Location("request"),
                              expected="at least one what-if event")
        source = self.timeline(s.events_file, s.session.compiled.vocabulary)
        treaty_id = s.session.compiled.id
        unbound = self.extra_events(data.get("events"), treaty_id, _vocabulary(s.session))
        text = _scenario_yaml(stem, source, list(unbound), treaty_id, s.session.compiled.vocabulary)
        target = (self.scenarios_dir / f"{stem}.yaml")
        if target.parent.resolve() != self.scenarios_dir:
            raise _Refused("the scenario would be written outside the scenarios folder")
        # The file must read back as a timeline before it is written.
        parse_yaml_timeline(text, target.name, s.session.compiled.vocabulary)
        overwrite = data.get("overwrite", False)
        if not isinstance(overwrite, bool):
            raise FoedusError("`overwrite` must be true or false", where=Location("request"), expected="true or false")
        if target.is_symlink():
            raise _Refused(f"{target.name} is a link; refusing to write through it")
        if target.exists() and not overwrite:
            raise _Refused(f"a scenario named {target.name} already exists (send overwrite: true to replace it)", 409)
        replace_text(target, text, ".scenario-")
        return {"saved": target.name, "timeline": SCENARIO_PREFIX + target.name, "events": len(source.events)
                + len(unbound)}


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEEP_RUN = re.compile(r"[\[{]{" + str(MAX_DEPTH + 1) + "}")


def _too_deep(text: str) -> bool:
    """Whether JSON text nests deeper than MAX_DEPTH, found without parsing it (the parser would recurse)
    and in time linear in the text: brackets outside strings are kept, then innermost pairs removed, level by
    level, at most MAX_DEPTH times."""
    brackets = _NOT_BRACKETS.sub("", _JSON_STRING.sub("", text))
    if _DEEP_RUN.search(brackets):
        return True
    for _ in range(MAX_DEPTH):
        inner = brackets.replace("[]", "").replace("{}", "")
        if inner == brackets:
            return False
        brackets = inner
    return bool(brackets) and brackets != brackets.replace("[]", "").replace("{}", "")


def read_json(text: str, what: str) -> Any:
    """JSON from a request, within the limits: nesting, digits, text length; no NaN or Infinity."""
    where = Location("request")
    if _too_deep(text):
        raise refusal(f"{what} nests deeper than that", "MAX_DEPTH", MAX_DEPTH, where)

    def whole(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
            raise refusal(f"a number of {len(digits.lstrip('-')):,} digits", "MAX_NUMBER_DIGITS",
                          MAX_NUMBER_DIGITS, where)
        return int(digits)

    def real(digits: str) -> float:
        mantissa = digits.lower().split("e")[0]
        if sum(c.isdigit() for c in mantissa) > MAX_NUMBER_DIGITS:
            raise refusal(f"a number of {len(digits):,} characters", "MAX_NUMBER_DIGITS", MAX_NUMBER_DIGITS, where)
        number = float(digits)
        if number in (float("inf"), float("-inf")):
            raise FoedusError(f"the number {quoted(digits)} is out of range", where=where,
                              expected="a number a 64-bit float holds")
        return number

    def constant(name: str) -> Any:
        raise FoedusError(f"{name} in {what}", where=where, expected="JSON numbers (no NaN or Infinity)")

    try:
        data = json.loads(text, parse_int=whole, parse_float=real, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise FoedusError(f"{what} is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})", where=where,
                          expected="JSON") from None
    except RecursionError:  # never reached within MAX_DEPTH; kept as a guard
        raise refusal(f"{what} nests deeper than that", "MAX_DEPTH", MAX_DEPTH, where) from None
    _check_strings(data, where)
    return data


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_strings(data: Any, where: Location) -> None:
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if len(value) > MAX_SCALAR_CHARS:
                raise refusal(f"a text of {len(value):,} characters", "MAX_SCALAR_CHARS", MAX_SCALAR_CHARS, where)
            if _SURROGATE.search(value):  # JSON may escape half a character; no text can hold it
                raise FoedusError("a text with half a character (an unpaired \\u surrogate escape)", where=where,
                                  expected="whole Unicode characters")
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _event_yaml(e: Event) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not has_default_id(e) and not re.fullmatch(r"what-if-\d+", e.id):
        out["id"] = e.id
    out["date"] = e.date.isoformat()
    out["type"] = e.type
    if e.actors:
        out["actors"] = list(e.actors)
    if e.targets:
        out["targets"] = list(e.targets)
    if e.treaty:
        out["treaty"] = e.treaty
    if e.title:
        out["title"] = e.title
    for k, v in e.attributes.items():
        out[k] = v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Duration) else v
    if e.source:
        out["source"] = e.source
    if e.note:
        out["note"] = e.note
    return out


def _scenario_yaml(name: str, base: Timeline, added: list[Event], treaty_id: str, known: Vocabulary) -> str:
    doc: dict[str, Any] = {
        "timeline": name,
        "description": (f"What-if scenario for {treaty_id}: the timeline {base.id} with {len(added)} added "
                        f"event{'s' if len(added) != 1 else ''}."),
        "hypothetical": True,
    }
    if base.states:
        doc["states"] = {sid: {k: v for k, v in (("name", st.name), ("cow", st.cow), ("iso3", st.iso3))
                               if v is not None} for sid, st in base.states.items()}
    if base.vocabulary is not None:  # the types the base timeline declared (the treaty declares its own)
        own = {name: kind.declaration() for name, kind in base.vocabulary.declared().items() if name not in known}
        if own:
            doc["event_types"] = own
    doc["events"] = [_event_yaml(e) for e in base.events] + [_event_yaml(e) for e in added]
    header = "# A what-if scenario saved by `foedus serve`: the base timeline plus the added events.\n"
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What the added events change on the date: the treaty's fields and every norm instance."""
    fields = []
    for key in ("state", "in_force", "expires_on", "ends_on", "end_reason", "notice_deadline", "next_deadline"):
        if before.get(key) != after.get(key):
            fields.append({"field": key, "without": before.get(key), "with": after.get(key)})
    b = {n["id"]: n for n in before.get("norms", [])}
    a = {n["id"]: n for n in after.get("norms", [])}
    norms = []
    for iid in sorted(set(a) | set(b)):
        sb = b[iid]["state"] if iid in b else None
        sa = a[iid]["state"] if iid in a else None
        if sb != sa:
            norms.append({"id": iid, "without": sb, "with": sa})
    return {"treaty": fields, "norms": norms}


def _changes_diff(words: TreatyWords, without: Outcome, with_added: Outcome) -> dict[str, list[dict[str, Any]]]:
    """State changes over the whole range (both outcomes as of its end) that happen only with, or only
    without, the added events; in words, with the subject's id and the recorded reason beside them."""
    instances = {i.id: i for o in (without, with_added) for i in o.instances}
    Key = tuple[str, str, str, str, str]

    def changes(o: Outcome) -> dict[Key, Change]:
        return {(c.date.isoformat(), c.subject, c.before, c.after, c.because): c for c in o.changes()}

    b, w = changes(without), changes(with_added)

    def rows(items: set[Key], found: dict[Key, Change]) -> list[dict[str, Any]]:
        # only the changes that differ are put in words
        return [{"date": d, "subject": sub, "label": words.subject(sub, instances), "before": x, "after": y,
                 "because": words.because(found[(d, sub, x, y, why)]), "because_recorded": why}
                for d, sub, x, y, why in sorted(items)]

    return {"only_with": rows(w.keys() - b.keys(), w), "only_without": rows(b.keys() - w.keys(), b)}


# ---------------------------------------------------------------------------------------------
# The socket server


def _loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    """The name in a Host header, without its port: ``example.org:8000`` → ``example.org``, ``[::1]:80`` → ``::1``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1: header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def allowed_hosts(bound: str, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The Host names the server answers to: loopback names, the address it is bound to (unless that is a
    wildcard), and the names given by the user. Against DNS rebinding, on any bind address."""
    names = {"localhost", "127.0.0.1", "::1", *(_host_name(h) for h in extra if h.strip())}
    if bound.strip("[]") not in ("", "0.0.0.0", "::"):
        names.add(_host_name(bound if ":" not in bound.strip("[]") else f"[{bound.strip('[]')}]"))
    return frozenset(names)


class _Handler(BaseHTTPRequestHandler):
    server_version = "foedus"
    sys_version = ""
    app: App
    quiet: bool = True
    hosts: frozenset[str] = frozenset()
    # An idle connection (no complete request) is closed after this many seconds (socket timeout).
    timeout = IDLE_TIMEOUT_SECONDS

    def setup(self) -> None:
        super().setup()
        # A client that trickles its request (a byte now and then) is cut off once this deadline passes.
        self._deadline = threading.Timer(REQUEST_READ_SECONDS, self._cut_off)
        self._deadline.daemon = True
        self._deadline.start()

    def _cut_off(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        self._deadline.cancel()
        super().finish()

    def _send(self, r: Response, head: bool = False) -> None:
        self.send_response(r.status)
        self.send_header("Content-Type", r.content_type)
        self.send_header("Content-Length", str(len(r.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for k, v in r.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(r.body)

    def _allowed_host(self) -> bool:
        """Against DNS rebinding: only the allowed Host names are answered, whatever the bind address."""
        host = self.headers.get("Host", "")
        if not host:
            return True  # HTTP/1.0 without a Host: not a browser, so not a rebinding attack
        name = _host_name(host)
        return name in self.hosts or (_loopback(name) and name not in ("", "localhost"))

    def _dispatch(self, method: str) -> None:
        try:
            if not self._allowed_host():
                self._send(Response.error("unexpected Host header", HTTPStatus.FORBIDDEN))
                return
            body = b""
            if method != "POST":
                self._deadline.cancel()
            if method == "POST":
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                except ValueError:
                    length = -1
                if length < 0 or length > MAX_BODY:
                    self._send(Response.error(f"request body too large or unreadable (at most {MAX_BODY} bytes)",
                                              HTTPStatus.REQUEST_ENTITY_TOO_LARGE))
                    return
                body = self.rfile.read(length)
                self._deadline.cancel()
                if len(body) < length:
                    return  # the client went away, or was cut off for trickling
                ctype = self.headers.get("Content-Type", "")
                if ctype.split(";")[0].strip().lower() != "application/json":
                    self._send(Response.error("POST bodies must be JSON (Content-Type: application/json)",
                                              HTTPStatus.UNSUPPORTED_MEDIA_TYPE))
                    return
            r = self.app.handle("GET" if method == "HEAD" else method, self.path, body)
            self._send(r, head=method == "HEAD")
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The default queue of 5 drops connections under 20 clients.
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        # One thread per connection, but never more than MAX_CONNECTIONS at once: beyond that a
        # connection is answered 503 at once instead of costing a thread.
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                b"Retry-After: 1\r\nConnection: close\r\n\r\n")
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def make_server(treaties_dir: Path, timelines_dir: Path, host: str = "127.0.0.1", port: int = 8000,
                scenarios_dir: Path | None = None, quiet: bool = True,
                allow_hosts: tuple[str, ...] = ()) -> Server:
    """A server bound to (host, port), ready for ``serve_forever`` (port 0 picks a free port). It answers
    only requests whose Host is a loopback name, the bound address or one of ``allow_hosts``."""
    app = App(treaties_dir, timelines_dir, scenarios_dir)
    handler = type("Handler", (_Handler,), {"app": app, "quiet": quiet, "hosts": allowed_hosts(host, allow_hosts)})
    try:
        return Server((host, port), handler)
    except OSError as exc:
        raise FoedusError(f"cannot listen on {host}:{port} ({exc.strerror or exc})",
                          expected="a free port (or --port 0 for any)") from None


def serve(treaties_dir: Path, timelines_dir: Path, host: str = "127.0.0.1", port: int = 8000,
          scenarios_dir: Path | None = None, allow_hosts: tuple[str, ...] = ()) -> None:
    """Serve the web app until interrupted. Binds to 127.0.0.1 unless told otherwise."""
    server = make_server(treaties_dir, timelines_dir, host, port, scenarios_dir, quiet=False, allow_hosts=allow_hosts)
    url_host = f"[{host}]" if ":" in host else host
    print(f"foedus serve: http://{url_host}:{server.server_address[1]}/ (Ctrl-C to stop)", file=sys.stderr)
    if not _loopback(host):
        print("foedus serve: warning: listening beyond this machine; anyone who can reach it can read the "
              "treaties and timelines in these folders", file=sys.stderr)
        print("foedus serve: answering only requests addressed to "
              + ", ".join(sorted(allowed_hosts(host, allow_hosts))) + " (--allow-host adds a name)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()

