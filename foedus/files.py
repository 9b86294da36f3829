"""Reading and writing the files a user names: one-line errors for every way a path can be wrong.

A folder, a missing or unreadable file, a device or pipe (which would block), a file beyond
``MAX_FILE_BYTES`` and a file that is not UTF-8 are all refused before anything is parsed. A
byte-order mark at the start of a text file is dropped (spreadsheets write one before CSV headers).
"""

from __future__ import annotations

import csv
import io
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from foedus.errors import FoedusError, Location
from foedus.limits import MAX_CSV_COLUMNS, MAX_CSV_FIELD_CHARS, MAX_CSV_RECORD_CHARS, MAX_FILE_BYTES, refusal


def checked_file(path: str | Path, *, what: str = "file", expected: str = "a path to a readable file") -> Path:
    """``path`` if it names a regular file within the size limit, else a one-line error."""
    file = str(path)
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise FoedusError(f"no such {what}", where=Location(file), expected=expected) from None
    except OSError as exc:
        raise FoedusError(f"cannot read the {what} ({exc.strerror or exc})", where=Location(file),
                          expected=expected) from None
    except ValueError:  # a NUL byte in the path
        raise FoedusError(f"not a usable path for a {what}", where=Location(file), expected=expected) from None
    if stat.S_ISDIR(st.st_mode):
        raise FoedusError(f"a folder where a {what} is expected", where=Location(file), expected=expected)
    if not stat.S_ISREG(st.st_mode):
        raise FoedusError(f"not a regular file (a device, pipe or socket) where a {what} is expected",
                          where=Location(file), expected=expected)
    if st.st_size > MAX_FILE_BYTES:
        raise refusal(f"a file of {st.st_size:,} bytes", "MAX_FILE_BYTES", MAX_FILE_BYTES, Location(file),
                      unit=" bytes")
    return p


def read_bytes(path: str | Path, *, what: str = "file", expected: str = "a path to a readable file") -> bytes:
    """The bytes of a checked file (see :func:`checked_file`)."""
    p = checked_file(path, what=what, expected=expected)
    try:
        with open(p, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # the file may have grown since it was checked
    except OSError as exc:
        raise FoedusError(f"cannot read the {what} ({exc.strerror or exc})", where=Location(str(path)),
                          expected=expected) from None
    if len(data) > MAX_FILE_BYTES:
        raise refusal(f"a file of more than {MAX_FILE_BYTES:,} bytes", "MAX_FILE_BYTES", MAX_FILE_BYTES,
                      Location(str(path)), unit=" bytes")
    return data


def read_text(path: str | Path, *, what: str = "file", expected: str = "a path to a readable file") -> str:
    """The text of a checked UTF-8 file, without a leading byte-order mark."""
    return decode(read_bytes(path, what=what, expected=expected), str(path))


def decode(data: bytes, file: str) -> str:
    """UTF-8 bytes as text (a leading byte-order mark dropped); a bad byte is located by line and column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        raise FoedusError(f"not UTF-8 text (byte {data[exc.start]:#04x})", where=Location(file, line, col),
                          expected="a UTF-8 file") from None
    return text[1:] if text.startswith("\ufeff") else text


def writable(path: str | Path, *, what: str = "output file") -> Path:
    """``path`` if a file may be written there: not a folder, in an existing folder."""
    p = Path(path)
    file = str(path)
    if "\x00" in file:
        raise FoedusError(f"not a usable path for an {what}", where=Location(file), expected="a file path")
    if p.is_dir():
        raise FoedusError(f"a folder where an {what} is expected", where=Location(file),
                          expected="a file path in an existing folder")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise FoedusError("the folder does not exist", where=Location(file), expected="a path in an existing folder")
    if p.exists() and not os.access(p, os.W_OK):
        raise FoedusError(f"the {what} is not writable", where=Location(file), expected="a writable path")
    return p


def write_text(path: str | Path, text: str, *, what: str = "output file") -> None:
    """Write ``text`` (UTF-8) to a checked path; a failure is one line, not a traceback."""
    p = writable(path, what=what)
    try:
        p.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FoedusError(f"cannot write the {what} ({exc.strerror or exc})", where=Location(str(path)),
                          expected="a writable path") from None


def replace_text(path: Path, text: str, prefix: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all: into a temporary file beside it (named with
    ``prefix``), then put in its place; a reader never sees half a file. OSError is the caller's to handle."""
    handle, temporary = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def csv_records(text: str, file: str) -> Iterator[tuple[int, list[str]]]:
    """The records of a CSV text with the physical line each starts on, within the CSV limits."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous = 0
    try:
        for cells in reader:
            line = previous + 1
            previous = reader.line_num
            if len(cells) > MAX_CSV_COLUMNS:
                raise refusal(f"a row of {len(cells):,} fields", "MAX_CSV_COLUMNS", MAX_CSV_COLUMNS,
                              Location(file, line))
            if sum(map(len, cells)) > MAX_CSV_RECORD_CHARS:
                raise refusal("a row that long", "MAX_CSV_RECORD_CHARS", MAX_CSV_RECORD_CHARS, Location(file, line))
            yield line, cells
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise refusal("a field that long", "MAX_CSV_FIELD_CHARS", MAX_CSV_FIELD_CHARS,
                          Location(file, reader.line_num)) from None
        raise FoedusError(f"malformed CSV ({exc})", where=Location(file, reader.line_num),
                          expected="comma-separated fields, quotes closed") from None


# Python's csv refuses fields beyond this process-wide limit; foedus states it (it is csv's default).
csv.field_size_limit(MAX_CSV_FIELD_CHARS)
