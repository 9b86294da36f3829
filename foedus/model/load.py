"""Validate a parsed treaty tree into a :class:`Treaty`, with errors pointing into the file."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from foedus.errors import FoedusError
from foedus.model.treaty import Treaty
from foedus.parse.located_yaml import SourceMap
from foedus.parse.treaty_file import parse_treaty_file


def validation_error(exc: ValidationError, smap: SourceMap, what: str) -> FoedusError:
    """The first pydantic error as a one-line located error."""
    err = exc.errors()[0]
    path = tuple(err["loc"])
    # pydantic adds union branch names to the path; keep only keys and indices of the tree.
    clean: list[str | int] = []
    for part in path:
        if isinstance(part, int) or (isinstance(part, str) and not part.startswith(("function-", "union["))
                                     and part not in ("str", "ReadingRef", "constrained-str", "literal")):
            clean.append(part)
    field = ".".join(str(p) for p in clean) or what
    msg = err["msg"]
    if err["type"] == "string_pattern_mismatch":  # pydantic would quote the pattern itself
        msg = f"not a duration: {err.get('input')!r}"
    expected = _expected(err)
    if err["type"] == "extra_forbidden":
        return FoedusError(f"unknown field `{clean[-1] if clean else field}` in {what}",
                           where=smap.locate(tuple(clean)), expected="a field of the model's schema "
                           "(see `foedus schema`)")
    if err["type"] == "missing":
        return FoedusError(f"`{field}` is missing in {what}", where=smap.locate(tuple(clean[:-1])),
                           expected=f"a value for `{clean[-1] if clean else field}`")
    return FoedusError(f"`{field}`: {msg}", where=smap.locate(tuple(clean)), expected=expected)


def _expected(err: Any) -> str:
    kind = err["type"]
    if kind.startswith("date"):
        return "a real calendar date YYYY-MM-DD"
    if kind == "literal_error":
        return str(err.get("ctx", {}).get("expected", "one of the allowed words"))
    if kind == "string_pattern_mismatch":
        return "a duration such as '30 years' or '7 days'"
    if kind.startswith("int"):
        return "a whole number"
    return "a value of the right kind (see `foedus schema`)"


def load_treaty(path: str) -> tuple[Treaty, SourceMap]:
    parsed = parse_treaty_file(path)
    try:
        treaty = Treaty.model_validate(parsed.raw)
    except ValidationError as exc:
        raise validation_error(exc, parsed.smap, "the treaty model") from None
    return treaty, parsed.smap
