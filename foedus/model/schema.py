"""The JSON Schema of a treaty file's model blocks, for editors (YAML language servers) and other tools.

It describes a ```foedus block as written: any of the keys below, each block holding some of them; the
blocks of one file together make one treaty model (``treaty`` and ``lifecycle`` once per file, lists
merged in file order). The articles are not written in blocks: they come from the text.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field

from foedus.model.treaty import Fact as FactItem
from foedus.model.treaty import (
    Instrument,
    Lifecycle,
    NamedReading,
    Norm,
    Party,
    ReadingPoint,
    Signatory,
    Signed,
    SourceInfo,
    Strict,
)


class TreatyHead(Strict):
    """The `treaty:` key: what the treaty is called and where its text comes from."""

    id: str = Field(description="the treaty's id, used by timelines (`treaty:`) and worlds, e.g. sino-soviet-1950")
    title: str
    short_title: str | None = None
    source: SourceInfo | None = None


class ModelBlock(Strict):
    """One ```foedus block of a literate treaty file."""

    treaty: TreatyHead | None = Field(None, description="once per file")
    parties: list[Party] | None = None
    signatories: list[Signatory] | None = None
    signed: Signed | None = Field(None, description="once per file: the first signature")
    languages: list[str] | None = None
    authentic: str | None = None
    lifecycle: Lifecycle | None = Field(None, description="once per file: entry into force, term, notice, …")
    instruments: list[Instrument] | None = None
    general_law: dict[str, str] | None = Field(None, description="defaults of general-law reading points")
    event_types: dict[str, Any] | None = Field(None, description="event types the treaty declares")
    readings: list[ReadingPoint] | None = None
    named_readings: list[NamedReading] | None = None
    norms: list[Norm] | None = None
    facts: list[FactItem] | None = None


def schema() -> dict[str, Any]:
    data = ModelBlock.model_json_schema()
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    data["title"] = "foedus treaty model"
    data["description"] = ("One ```foedus block of a literate treaty file, as written. Each block may hold any of "
                           "these keys; the blocks of a file together make one treaty model (`treaty`, `lifecycle` "
                           "and `signed` once per file). Articles come from the text, not from blocks.")
    return data


def schema_json() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"
