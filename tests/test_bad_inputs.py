"""The bad-input corpus (tests/bad_inputs/): every malformed file gives exactly the one-line error that
expected.yaml records for it, through the Python API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from foedus import api, limits
from foedus.errors import FoedusError
from foedus.importers.atop import import_atop
from foedus.scenarios import run_scenario_file
from foedus.serve.app import App

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path("tests") / "bad_inputs"  # relative: the messages show paths as seen from the project root
FLAGSHIP = "treaties/sino_soviet_1950.md"
ON = "1990-01-01"
EXPECTED: dict[str, str] = yaml.safe_load((ROOT / CORPUS / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(name: str) -> None:
    """Run one corpus file the way its name says (see expected.yaml)."""
    path = str(CORPUS / name)
    if name.startswith("request_"):
        response = App(ROOT / "treaties", ROOT / "timelines").handle("POST", "/api/status",
                                                                      (ROOT / CORPUS / name).read_bytes())
        assert response.status == 400, response.body[:300]
        raise FoedusError(json.loads(response.body)["error"])
    if name.startswith("atop_"):
        import_atop(path)
    elif name.endswith(".scenario.yaml"):
        run_scenario_file(path)
    elif name.endswith(".md"):
        api.open_session(path).status(ON)
    else:
        api.open_session(FLAGSHIP, path).status(ON)


def error_of(name: str) -> str:
    with pytest.raises(FoedusError) as info:
        run(name)
    return str(info.value)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_gives_its_one_line_error(name: str) -> None:
    message = error_of(name)
    assert message == EXPECTED[name]
    assert "\n" not in message and "\r" not in message
    where = "request" if name.startswith("request_") else f"{CORPUS / name}"
    if not name.startswith("request_"):  # a request's errors name the field or event instead
        assert message.startswith(f"{where}:"), "the error names the faulty file first"
    assert "; expected " in message, "the error says what was expected"
    assert len(message) <= len(message.split(": ", 1)[0]) + 2 + limits.MAX_ERROR_LINE_CHARS
    assert message.isprintable(), "control characters from the input are shown escaped"


def test_every_corpus_file_has_its_expected_error() -> None:
    files = {p.name for p in (ROOT / CORPUS).iterdir()} - {"expected.yaml", "valid_treaty.md"}
    assert files == set(EXPECTED)


def test_the_model_the_cases_are_made_from_is_valid() -> None:
    session = api.open_session(str(CORPUS / "valid_treaty.md"))
    assert session.status("1965-01-01")["in_force"] is True
    assert session.status("1970-06-01")["in_force"] is False


def test_messages_point_at_a_line() -> None:
    for name, message in EXPECTED.items():
        if name.startswith("request_") or (ROOT / CORPUS / name).is_dir():
            continue  # a request has no lines; a folder is wrong as a whole
        where = message.split(": ", 1)[0]
        parts = where.split(":")
        assert parts[0] == str(CORPUS / name)
        assert 2 <= len(parts) <= 3 and all(p.isdigit() for p in parts[1:]), message


def test_condition_errors_give_line_and_column_in_the_treaty_file() -> None:
    for name in ("treaty_bad_condition_syntax.md", "treaty_unknown_function.md", "treaty_unknown_name.md",
                 "treaty_reading_not_an_option.md", "treaty_unclosed_bracket.md"):
        line, col = (int(x) for x in EXPECTED[name].split(": ", 1)[0].split(":")[1:])
        text = (ROOT / CORPUS / name).read_text(encoding="utf-8").splitlines()[line - 1]
        assert text.lstrip().startswith("when:"), (name, text)
        assert col > text.index("when:") + len("when: "), (name, col)


def test_unknown_reading_through_the_api() -> None:
    with pytest.raises(FoedusError) as info:
        api.open_session(FLAGSHIP, None, "nonsense")
    message = str(info.value)
    assert message.startswith(f"{FLAGSHIP}: unknown reading 'nonsense' for sino-soviet-1950; expected a named reading "
                              "(default, broad-alliance, strict-immediately, from-signature) or POINT=OPTION")
    assert "`foedus readings sino-soviet-1950` lists them" in message and "\n" not in message
    assert len(message) <= len(FLAGSHIP) + 2 + limits.MAX_ERROR_LINE_CHARS + 80
    with pytest.raises(FoedusError) as info:
        api.open_session(FLAGSHIP, None, ["from-signature", "immediately=at-once"])
    assert str(info.value) == (f"{FLAGSHIP}: the requested reading: 'at-once' is not an option of 'immediately'; "
                               "expected one of same-day, within-a-week, within-a-month")


def test_leap_day_term_is_refused_only_once_the_term_is_computed() -> None:
    session = api.open_session(str(CORPUS / "treaty_leap_day_term.md"))
    assert session.status("1952-02-28")["in_force"] is False
    with pytest.raises(FoedusError, match=r"lifecycle\.date_rounding"):
        session.status("1952-02-29")


def test_bad_as_of_date() -> None:
    with pytest.raises(FoedusError) as info:
        api.open_session(FLAGSHIP).status("1950-02-30")
    assert str(info.value) == ("--on: impossible date '1950-02-30' (day is out of range for month); "
                               "expected a date YYYY-MM-DD")
