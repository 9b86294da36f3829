"""Every bound foedus puts on its input, in one place.

Each limit is generous for real use (a 100,000-event timeline, the ATOP files, the treaty models)
and tight enough that no input can make foedus run for minutes, exhaust memory or fall into
Python's own exceptions (recursion, the int-string limit, csv's field limit). A refusal is a
one-line :class:`~foedus.errors.FoedusError` that names the limit and its value (:func:`refusal`).
README.md has the same table for users.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from foedus.errors import FoedusError, Location

# --- files ----------------------------------------------------------------------------------------

#: Bytes in one input file (treaty, timeline, scenario, CSV, Parquet). A 100,000-event YAML timeline
#: is about 15 MiB, the largest ATOP file 0.5 MiB; 64 MiB leaves room and still bounds memory.
MAX_FILE_BYTES = 64 * 1024 * 1024

# --- YAML -----------------------------------------------------------------------------------------

#: Values (mappings, lists, scalars, keys not counted) in one YAML document, aliases expanded. A
#: 100,000-event timeline has about 1.3 million; every value costs memory for its file position.
MAX_YAML_NODES = 3_000_000

#: Values that aliases may stand for in one document, in total: real files alias a condition or
#: two; the "billion laughs" attack aliases aliases to expand a few bytes into billions of values.
MAX_ALIAS_NODES = 10_000

#: Characters that aliases may stand for in one document, in total: one alias of a long text
#: repeated on every event would multiply the size of every report.
MAX_ALIAS_CHARS = 1_000_000

#: Nesting of mappings and lists (YAML, JSON requests) and of a condition's parts (each and, or,
#: not adds a level). A timeline needs 4 levels, a treaty model about 8; deeper only drives recursion.
MAX_DEPTH = 64

#: Characters in one YAML scalar or mapping key, one text value of an event, one JSON string: the
#: longest source in the project's timelines has 209.
MAX_SCALAR_CHARS = 100_000

#: Digits in a whole number (files, conditions, requests): 18 digits fit the store's 64-bit
#: integers; Python refuses to read more than 4,300 digits at all.
MAX_NUMBER_DIGITS = 18

#: Characters in a name: a state, treaty, event or war id.
MAX_NAME_CHARS = 200

# --- timelines -----------------------------------------------------------------------------------

#: Events in one timeline file: ten times the largest benchmark (100,000 events).
MAX_TIMELINE_EVENTS = 1_000_000

#: Values in one list of an event: its actors, its targets, a list attribute.
MAX_LIST_ITEMS = 10_000

#: Bytes a Parquet timeline may unpack to (its row groups' uncompressed size): compression lets a
#: small file stand for gigabytes; 100,000 events take about 10 MiB.
MAX_PARQUET_BYTES = 256 * 1024 * 1024

# --- CSV ------------------------------------------------------------------------------------------

#: Characters in one CSV field: Python's csv module refuses longer fields (this is its default).
MAX_CSV_FIELD_CHARS = 131_072

#: Characters in one CSV record (all its fields): the widest ATOP row has 957.
MAX_CSV_RECORD_CHARS = 1_048_576

#: Columns in one CSV file: ATOP's alliance file has 134, its member file 105.
MAX_CSV_COLUMNS = 2_000

# --- conditions -----------------------------------------------------------------------------------

#: Characters in one condition of a model: the longest in the project's models has 190.
MAX_CONDITION_CHARS = 10_000

#: Characters in one quoted text of a condition ('Japan', 'in force').
MAX_LITERAL_CHARS = 1_000

# --- the explorer ---------------------------------------------------------------------------------

#: Bytes in one request body posted to the explorer.
MAX_REQUEST_BYTES = 256 * 1024

#: What-if events added by one request.
MAX_WHATIF_EVENTS = 100

#: Seconds an explorer connection may stay idle (no complete request) before it is closed.
IDLE_TIMEOUT_SECONDS = 10.0

#: Seconds a client has to send one whole request (a trickle of bytes keeps a connection from idling).
REQUEST_READ_SECONDS = 30.0

#: Connections the explorer's socket queues before accepting them (the default of 5 drops clients).
LISTEN_BACKLOG = 128

#: Connections the explorer serves at once (one thread each); beyond them it answers 503 at once.
MAX_CONNECTIONS = 256

# --- messages -------------------------------------------------------------------------------------

#: Characters of what is wrong and what was expected in one error line (after its location): long
#: values are cut with an ellipsis, long lists between items.
MAX_ERROR_LINE_CHARS = 300

#: Characters of an input value quoted inside a message.
MAX_QUOTED_CHARS = 60


def refusal(what: str, limit_name: str, value: int | float, where: Location | None, *,
            unit: str = "") -> FoedusError:
    """The one-line error for input beyond a limit: says which limit and its value."""
    from foedus.errors import FoedusError

    shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
    return FoedusError(f"{what}, beyond the limit {limit_name} = {shown}{unit}", where=where,
                       expected="smaller input (foedus.limits)")


def all_limits() -> dict[str, int | float]:
    """Every limit by name (for the README table and for tests)."""
    return {name: value for name, value in globals().items()
            if name.isupper() and not name.startswith("_") and isinstance(value, int | float)
            and not isinstance(value, bool)}
