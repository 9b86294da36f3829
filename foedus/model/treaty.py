"""The treaty model: what a literate file's model blocks say, validated.

A value that the text leaves open is written ``{reading: POINT}``: the compile stage replaces it by
the value of the option that the chosen reading takes at that point.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from foedus.dates import Duration, Rounding
from foedus.model.types import Date


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReadingRef(Strict):
    """A value that depends on the reading: the option chosen at point ``reading`` supplies it."""

    reading: str


_DURATION = r"^\s*\d{1,6}\s*(year|month|week|day)s?(\s+and\s+\d{1,6}\s*(year|month|week|day)s?)*\s*$"
DurationText = Annotated[str, Field(pattern=_DURATION, description="e.g. '30 years', '1 year', '7 days'")]


class Party(Strict):
    id: str = Field(description="the short name used in this model and in timelines, e.g. USSR")
    name: str
    cow: int | None = Field(None, description="Correlates of War state code")
    iso3: str | None = Field(None, description="ISO 3166-1 alpha-3, where one exists")
    iso3_note: str | None = None
    joined: Date | None = Field(None, description="for a party that acceded later")
    left: Date | None = Field(None, description="for a party that left before the treaty ended")


class Signatory(Strict):
    party: str
    name: str
    office: str | None = None


class Signed(Strict):
    date: Date
    place: str


class SourceInfo(Strict):
    """Where the text or the model comes from."""

    text: str | None = Field(None, description="citation of the text reproduced in the file")
    verbatim: bool = Field(True, description="false when the file has no verbatim text")
    dataset: str | None = Field(None, description="for imported models: e.g. ATOP")
    dataset_id: str | None = None
    dataset_version: str | None = None
    note: str | None = None


class ReadingOption(Strict):
    value: Any = None
    says: str = Field(description="what the text means under this option, in plain words")


class ReadingPoint(Strict):
    """A place where the text admits more than one reading."""

    id: str
    article: str | None = None
    question: str
    options: dict[str, ReadingOption]
    default: str

    @model_validator(mode="after")
    def _default_is_an_option(self) -> ReadingPoint:
        if self.default not in self.options:
            raise ValueError(f"default {self.default!r} is not one of the options {sorted(self.options)}")
        return self


class NamedReading(Strict):
    """A named set of choices, usable as ``--reading NAME``."""

    id: str
    says: str
    choose: dict[str, str]


EntryRule = Literal["ratification_by_all", "exchange_of_instruments", "signature", "fixed_date"]


class Notice(Strict):
    """Notice that stops a tacit extension: at least ``period`` before the current term's expiry."""

    period: DurationText | ReadingRef
    last_day_included: bool = Field(description="whether a notice given exactly `period` before expiry is timely")
    by: Literal["any_party"] = "any_party"
    late: Literal["next_term", "lapses"] | ReadingRef = Field(
        "next_term", description="what a notice given after the deadline does")
    article: str | None = None


class Lifecycle(Strict):
    article: str | None = None
    entry_into_force: EntryRule | ReadingRef
    entry_into_force_on: Date | None = Field(None, description="with entry_into_force: fixed_date")
    exchange_of_instruments_at: str | None = None
    term: DurationText | ReadingRef | None = Field(None, description="None: no fixed term")
    term_from: Literal["entry_into_force", "signature"] | ReadingRef = "entry_into_force"
    in_force_on_expiry_date: bool = Field(
        False, description="false: the expiry date is the first day the treaty is no longer in force")
    extension: DurationText | ReadingRef | None = Field(None, description="length of each tacit extension")
    extensions_limit: int | None = Field(None, description="None: any number of extensions")
    notice: Notice | None = None
    withdrawal_notice: DurationText | None = Field(
        None, description="a party may withdraw at any time with this much notice (None: no such power)")
    ended_on: Date | None = Field(None, description="a recorded end date (imported models)")
    after_term: Literal["expires", "continues"] = Field(
        "expires", description="when a term with no tacit extension runs out: the treaty expires, or it "
        "continues in force with no fixed end; with `continues` a withdrawal takes effect only if given "
        "once the term has run")
    indefinite: bool = Field(False, description="the text says the treaty remains in force indefinitely")
    until: str | None = Field(None, description="the text keeps the treaty in force until an event or condition "
                              "(e.g. the end of a war), in plain words; its date is recorded by ended_on")
    date_rounding: Rounding = Field(
        Rounding.REFUSE, description="29 February plus whole years: refuse, or round up / down")

    @model_validator(mode="after")
    def _fixed_date_has_date(self) -> Lifecycle:
        if self.entry_into_force == "fixed_date" and self.entry_into_force_on is None:
            raise ValueError("entry_into_force: fixed_date needs entry_into_force_on")
        if self.after_term == "continues" and (self.term is None or self.extension is not None):
            raise ValueError("after_term: continues needs a term and no extension")
        if self.indefinite and self.until is not None:
            raise ValueError("a treaty in force indefinitely has no `until`")
        return self


class ActPattern(Strict):
    """Acts (events) of a type, optionally narrowed by a condition."""

    on: str = Field(description="event type")
    when: str | None = Field(None, description="condition over `event` and the norm's bindings")
    says: str | None = None


class Trigger(Strict):
    on: str | list[str] = Field(description="event type(s) that can trigger the norm")
    when: str | None = Field(None, description="condition; unknown leaves the trigger undetermined")
    bind: dict[str, str] = Field(default_factory=dict,
                                 description="names bound for the instance, e.g. party: event.target")


class Deadline(Strict):
    within: DurationText | ReadingRef
    last_day_included: bool
    from_: Literal["trigger"] = Field("trigger", alias="from")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


NormKind = Literal["obligation", "prohibition", "permission", "power"]
Category = Literal[
    "defence", "offence", "neutrality", "non_aggression", "consultation", "no_other_alliance",
    "joint_measures", "peace_action", "peace_settlement", "economic", "cultural", "notice", "withdrawal",
    "other",
]


class Norm(Strict):
    id: str
    kind: NormKind
    article: str | None = Field(None, description="defaults to the article the block stands in")
    paragraph: int | None = None
    category: Category = Field(description="what kind of commitment (used for dataset codes)")
    summary: str
    bearer: str = Field(description="'each party', a party id, or a name bound by the trigger")
    counterparty: str = Field(description="'the other party', 'the other parties', a party id, or a bound name")
    trigger: Trigger | None = Field(None, description="None: a standing norm, in effect while the treaty is")
    content: str | None = Field(None, description="what is owed, in the text's words")
    deadline: Deadline | None = None
    fulfilled_by: list[ActPattern] = Field(default_factory=list)
    honoured_by: list[ActPattern] = Field(default_factory=list, description="acts that honour a standing duty")
    violated_by: list[ActPattern] = Field(default_factory=list)
    discharged_by: list[ActPattern] = Field(default_factory=list)
    silence: Literal["violation", "undetermined"] = Field(
        "violation", description="a deadline passing with no fulfilling act on record means…")
    crisis_specific: bool = Field(False, description="consultation: only in crises that could become militarised")
    threat: list[str] = Field(default_factory=list, description="states named as the threat")
    applies_when: str | None = Field(None, description="a condition on the reading for the norm to exist at all")


class Fact(Strict):
    id: str
    says: str
    article: str | None = None


class Article(Strict):
    id: str
    heading: str
    text: str
    line: int


class Treaty(Strict):
    id: str
    title: str
    short_title: str | None = None
    source: SourceInfo = Field(default_factory=lambda: SourceInfo())
    parties: list[Party]
    signatories: list[Signatory] = Field(default_factory=list)
    signed: Signed | None = None
    languages: list[str] = Field(default_factory=list)
    authentic: str | None = None
    readings: list[ReadingPoint] = Field(default_factory=list)
    named_readings: list[NamedReading] = Field(default_factory=list)
    lifecycle: Lifecycle
    norms: list[Norm] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    articles: list[Article] = Field(default_factory=list)

    @field_validator("parties")
    @classmethod
    def _parties(cls, parties: list[Party]) -> list[Party]:
        if len(parties) < 2:
            raise ValueError("a treaty needs at least two parties")
        ids = [p.id for p in parties]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"party ids must be unique: {sorted(dup)}")
        return parties

    def party(self, pid: str) -> Party | None:
        return next((p for p in self.parties if p.id == pid), None)

    def article(self, aid: str) -> Article | None:
        return next((a for a in self.articles if a.id == aid), None)


def parse_duration(value: str) -> Duration:
    return Duration.parse(value)
