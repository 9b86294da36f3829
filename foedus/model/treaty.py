"""The treaty model: what a literate file's model blocks say, validated.

A value that the text leaves open is written ``{reading: POINT}``: the compile stage replaces it by
the value of the option that the chosen reading takes at that point.
"""

from __future__ import annotations

from datetime import date
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


class Spell(Strict):
    """A recorded membership: bound from ``joined`` to ``left`` (the first day out; None: to the end)."""

    joined: Date
    left: Date | None = None


class Party(Strict):
    id: str = Field(description="the short name used in this model and in timelines, e.g. USSR")
    name: str
    cow: int | None = Field(None, description="Correlates of War state code")
    iso3: str | None = Field(None, description="ISO 3166-1 alpha-3, where one exists")
    iso3_note: str | None = None
    original: bool = Field(True, description="false for a state that becomes a party later (accession, a protocol)")
    joined: Date | None = Field(None, description="recorded: bound from this date (imported models)")
    left: Date | None = Field(None, description="recorded: no longer bound from this date (first day out)")
    spells: list[Spell] = Field(default_factory=list, description="recorded memberships, for a member that left "
                                "and came back (imported models); instead of joined/left")

    @model_validator(mode="after")
    def _spells_in_order(self) -> Party:
        if self.spells and (self.joined is not None or self.left is not None):
            raise ValueError("give either joined/left or spells, not both")
        for before, after in zip(self.spells, self.spells[1:], strict=False):
            if before.left is None or before.left > after.joined:
                raise ValueError("spells must be in date order and not overlap")
        for spell in self.spells:
            if spell.left is not None and spell.left <= spell.joined:
                raise ValueError(f"a spell ends ({spell.left}) on or before it starts ({spell.joined})")
        return self

    def recorded_spells(self) -> list[Spell]:
        """The recorded memberships (``joined``/``left`` as one spell); empty when none is recorded."""
        if self.spells:
            return list(self.spells)
        if self.joined is not None or self.left is not None:
            return [Spell.model_construct(joined=self.joined or date.min, left=self.left)]
        return []


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


EntryRule = Literal["ratification_by_all", "exchange_of_instruments", "signature", "fixed_date", "deposit"]
Consent = Literal["all", "majority", "two_thirds"] | int


class NoticeForm(Strict):
    """How a notice must be given, as the clause says; what the record does not say is presumed regular
    (and the explanation says so)."""

    form: Literal["written", "any"] | ReadingRef = Field("any",
                                                         description="'written' when the text says 'in writing'")
    to: str | ReadingRef | None = Field(None, description="the addressee the text names: 'depositary', 'the other "
                                        "parties', or a party id (None: not stated)")
    counts: Literal["sent", "received"] | ReadingRef = Field(
        "sent", description="which date counts: the day the notice is given (sent) or received by its addressee")


class Notice(NoticeForm):
    """Notice that stops a tacit extension: at least ``period`` before the current term's expiry."""

    period: DurationText | ReadingRef
    last_day_included: bool | ReadingRef = Field(
        description="whether a notice given exactly `period` before expiry is timely")
    opens: DurationText | ReadingRef | None = Field(
        None, description="a window that opens too: a notice given more than this before expiry is too early "
        "('not earlier than two years nor later than one year before')")
    by: Literal["any_party"] = "any_party"
    late: Literal["next_term", "lapses", "withdrawal"] | ReadingRef = Field(
        "next_term", description="what a notice given after the deadline does: it counts for the next term, it "
        "lapses, or it takes effect as a withdrawal under the withdrawal clause (never before the term ends)")
    effect: Literal["party_leaves", "treaty_ends"] | ReadingRef = Field(
        "party_leaves", description="a timely notice takes the party out at the end of the term (the treaty goes "
        "on for the others if enough remain), or ends the treaty for all")
    article: str | None = None


class Withdrawal(NoticeForm):
    """A party may leave the treaty by notice: it ceases to be bound ``notice`` after giving it."""

    notice: DurationText | ReadingRef = Field("0 days", description="how long after the notice it takes effect")
    opens: Literal["entry_into_force", "term"] | DurationText | ReadingRef = Field(
        "entry_into_force", description="from when notice may be given: from entry into force, once the "
        "initial term has run ('term'), or a duration after entry into force")
    article: str | None = None


class Proviso(Strict):
    """A condition a clause states, with its meaning in plain words (shown in explanations)."""

    when: str = Field(description="a condition, e.g. \"event.actor in ['EGY', 'JOR']\" or \"in_war('JPN')\"")
    says: str = Field(description="what it means, in plain words")


class Lifecycle(Strict):
    article: str | None = None
    entry_into_force: EntryRule | ReadingRef
    entry_into_force_on: Date | ReadingRef | None = Field(None,
                                                                description="with entry_into_force: fixed_date")
    instruments_required: Consent | ReadingRef | None = Field(
        None, description="with entry_into_force: deposit — the number of instruments (or 'majority', "
        "'two_thirds' of the signatories) whose deposit brings the treaty into force")
    delay: DurationText | ReadingRef | None = Field(
        None, description="the treaty enters into force this long after its rule is met (e.g. '30 days')")
    depositary: str | None = Field(None, description="who keeps the instruments, as the text names it")
    exchange_of_instruments_at: str | None = None
    later_parties: Literal["on_deposit"] | DurationText | ReadingRef = Field(
        "on_deposit", description="a state whose instrument takes effect after the entry into force is bound on "
        "its deposit, or this long after it")
    accession: Literal["closed", "any_state", "invited"] | list[str] | ReadingRef = Field(
        "closed", description="who may accede: nobody, any state, a state invited by all the parties, or the "
        "listed states")
    accession_condition: Proviso | None = Field(
        None, description="a condition the acceding state must meet; unknown or false: the accession is an "
        "invalid act")
    amendment_consent: Consent | ReadingRef = Field(
        "all", description="whose consent an instrument changing the treaty needs: all the parties bound, a "
        "majority, two thirds, or a number")
    minimum_parties: int | ReadingRef = Field(
        2, description="the treaty ends when fewer parties remain bound (0: never for want of parties)")
    on_leaving: Literal["discharged", "carried"] | ReadingRef = Field(
        "discharged", description="what becomes of an open triggered duty when its bearer or counterparty stops "
        "being bound: it is discharged, or carried to its deadline")
    supersedes: list[str] = Field(default_factory=list, description="treaties this one replaces: each ends when "
                                  "this one enters into force between the same parties")
    term: DurationText | ReadingRef | None = Field(None, description="None: no fixed term")
    term_from: Literal["entry_into_force", "signature"] | ReadingRef = "entry_into_force"
    continues_while: Proviso | None = Field(
        None, description="when the treaty would expire at the end of a term while this holds (e.g. a party "
        "is at war: `in_war('JPN')`), it continues until it no longer holds")
    in_force_on_expiry_date: bool | ReadingRef = Field(
        False, description="false: the expiry date is the first day the treaty is no longer in force")
    extension: DurationText | ReadingRef | None = Field(None, description="length of each tacit extension")
    extensions_limit: int | ReadingRef | None = Field(None, description="None: any number of extensions")
    notice: Notice | None = None
    withdrawal: Withdrawal | None = Field(None, description="None: the treaty has no withdrawal clause")
    ended_on: Date | ReadingRef | None = Field(None, description="a recorded end date (imported models)")
    after_term: Literal["expires", "continues"] | ReadingRef = Field(
        "expires", description="when a term with no tacit extension runs out: the treaty expires, or it "
        "continues in force with no fixed end")
    indefinite: bool = Field(False, description="the text says the treaty remains in force indefinitely")
    until: str | None = Field(None, description="the text keeps the treaty in force until an event or condition "
                              "(e.g. the end of a war), in plain words; its date is recorded by ended_on")
    date_rounding: Rounding = Field(
        Rounding.REFUSE, description="29 February plus whole years: refuse, or round up / down")

    @model_validator(mode="after")
    def _fixed_date_has_date(self) -> Lifecycle:
        if self.entry_into_force == "fixed_date" and self.entry_into_force_on is None:
            raise ValueError("entry_into_force: fixed_date needs entry_into_force_on")
        if self.entry_into_force == "deposit" and self.instruments_required is None:
            raise ValueError("entry_into_force: deposit needs instruments_required")
        if self.after_term == "continues" and self.term is None:
            raise ValueError("after_term: continues needs a term and no extension")
        if self.indefinite and self.until is not None:
            raise ValueError("a treaty in force indefinitely has no `until`")
        return self


class Changes(Strict):
    """What an instrument changes, from its own entry into force. Each value replaces the treaty's."""

    term: DurationText | ReadingRef | None = Field(None, description="a new term")
    term_from: Literal["entry_into_force", "signature", "instrument"] | Date | ReadingRef | None = Field(
        None, description="from when the new term counts: the treaty's entry into force or signature, the "
        "instrument's own entry into force, or a date")
    extension: DurationText | Literal["none"] | ReadingRef | None = None
    extensions_limit: int | ReadingRef | None = None
    after_term: Literal["expires", "continues"] | ReadingRef | None = None
    notice: Notice | Literal["none"] | None = None
    withdrawal: Withdrawal | Literal["none"] | None = None
    ends_on: Date | ReadingRef | None = Field(
        None, description="the treaty ends on this date (first day out of force)")
    minimum_parties: int | ReadingRef | None = None
    accession: Literal["closed", "any_state", "invited"] | list[str] | None = None
    parties_added: list[str] = Field(default_factory=list, description="party ids that become bound with it")
    parties_removed: list[str] = Field(default_factory=list, description="party ids that cease to be bound")


class Instrument(Strict):
    """A later instrument that changes the treaty: a protocol, an exchange of notes, an amendment, a
    prolongation agreement. Its entry into force is an `instrument_in_force` event in a timeline (its actors
    are the states that consented), or a recorded date (``in_force_on``)."""

    id: str
    title: str
    kind: Literal["protocol", "amendment", "exchange_of_notes", "prolongation", "agreement"] = "protocol"
    signed: Signed | None = None
    in_force_on: Date | None = Field(None, description="a recorded entry into force (imported models)")
    consent: Consent | None = Field(None, description="overrides the treaty's amendment_consent")
    article: str | None = Field(None, description="the section of the file that holds its text")
    says: str | None = Field(None, description="what it does, in one plain sentence")
    changes: Changes = Field(default_factory=lambda: Changes())


class ActPattern(Strict):
    """Acts (events) of a type, optionally narrowed by a condition."""

    on: str = Field(description="event type")
    when: str | None = Field(None, description="condition over `event` and the norm's bindings")
    says: str | None = None


class Trigger(Strict):
    on: str | list[str] = Field(description="event type(s) that can trigger the norm")
    says: str | None = Field(None, description="when the norm is triggered, in one plain sentence")
    when: str | None = Field(None, description="condition; unknown leaves the trigger undetermined")
    bind: dict[str, str] = Field(default_factory=dict,
                                 description="names bound for the instance, e.g. party: event.target")


class DateAttribute(Strict):
    """A day that the triggering event records as an attribute (e.g. the day the partner leaves the war)."""

    attribute: str = Field(description="the attribute of the triggering event holding the (first possible) day")
    latest: str | None = Field(None, description="the attribute holding the last possible day, when the record "
                               "knows the day only within a range")
    says: str | None = Field(None, description="what the day is, in plain words")


class Deadline(Strict):
    """The last day for a triggered duty: ``within`` a duration of the trigger, and no later than the day the
    triggering event records in ``until`` (the earlier of the two when both are given). A reading may give
    either the value null: no such bound."""

    within: DurationText | ReadingRef | None = None
    until: DateAttribute | ReadingRef | None = Field(
        None, description="a day the triggering event records: the duty lasts to it, that day included; when the "
        "event lacks the attribute (e.g. a war still going on), no bound")
    last_day_included: bool
    from_: Literal["trigger"] = Field("trigger", alias="from")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _has_a_bound(self) -> Deadline:
        if self.within is None and self.until is None:
            raise ValueError("a deadline needs `within`, `until` or both")
        return self


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
    label: str | None = Field(None, description="a short name for the duty, as a list of duties shows it beside its "
                              "article and bearer (\"economic assistance\"); default: from the category or the id")
    bearer: str = Field(description="'each party', a party id, or a name bound by the trigger")
    counterparty: str = Field(description="'the other party', 'the other parties', a party id, or a bound name")
    trigger: Trigger | None = Field(None, description="None: a standing norm, in effect while the treaty is")
    content: str | None = Field(None, description="what is owed, in the text's words")
    deadline: Deadline | None = None
    fulfilled_by: list[ActPattern] = Field(default_factory=list)
    honoured_by: list[ActPattern] = Field(default_factory=list, description="acts that honour a standing duty")
    violated_by: list[ActPattern] = Field(default_factory=list)
    discharged_by: list[ActPattern] = Field(default_factory=list)
    ends_with: list[ActPattern] = Field(
        default_factory=list, description="acts that end this norm for good, for every party (a part of the treaty "
        "with its own duration, e.g. the duties of a war that end with it)")
    silence: Literal["violation", "undetermined"] = Field(
        "violation", description="a deadline passing with no fulfilling act on record means…")
    crisis_specific: bool = Field(False, description="consultation: only in crises that could become militarised")
    threat: list[str] = Field(default_factory=list, description="states named as the threat")
    applies_when: str | None = Field(None, description="a condition on the reading for the norm to exist at all")
    introduced_by: str | None = Field(None, description="an instrument that adds this norm from its entry into force")
    ended_by: list[str] = Field(default_factory=list, description="instruments that end this norm")
    on_leaving: Literal["discharged", "carried"] | None = Field(
        None, description="overrides lifecycle.on_leaving for this norm")


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
    instruments: list[Instrument] = Field(default_factory=list)
    general_law: dict[str, str] = Field(
        default_factory=dict, description="the default option of a general-law reading point for this treaty "
        "(see `foedus readings`), e.g. unilateral-abrogation: invalid")
    event_types: dict[str, Any] = Field(default_factory=dict, description="event types this treaty declares, "
                                        "checked like the built-in ones")
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
