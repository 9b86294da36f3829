"""Were alliances honoured? Every alliance commitment invoked in a war or a militarized dispute, and what
the allies did — by the same engine as any treaty.

Every ATOP alliance is a treaty model (:mod:`foedus.importers.atop`) whose obligations speak the record of
wars and disputes (:mod:`foedus.importers.records`): a member's entry into a war invokes its allies'
obligations, the allies' own entries and fights fulfil or break them, and reading points say what counts
as honouring. :mod:`foedus.reliability.judge` evaluates each model with the engine and turns its norm
instances into rows; :mod:`foedus.reliability.tables` makes the summaries, the naive measure and
comparisons; :mod:`foedus.reliability.explain` walks from a row back to the events, the coded provision,
the rule and the reading; :mod:`foedus.reliability.html` draws the page.

In Python::

    from foedus import reliability
    result = reliability.run("../shared/data")                 # the shared data folder's layout
    result.rows                                                # one row per invoked obligation (DataFrame)
    result.summaries["obligation"]                             # rates with Wilson intervals, naive beside
    other = reliability.run("../shared/data", ["late-entry-counts"], like=result)
    reliability.compare(result, other)                         # the rows whose outcome changes
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foedus.reliability.judge import READINGS, Judgement, judge
from foedus.reliability.record import Record, RecordFiles, load_record

if TYPE_CHECKING:
    import pandas as pd

    from foedus.importers.atop import AtopImport
    from foedus.model.treaty import Treaty

__all__ = ["READINGS", "RecordFiles", "Reliability", "compare", "load", "run"]


@dataclass
class Reliability:
    """One run: the models, the record, the engine's judgement, and the tables built from it — as records
    (``row_records``, ``naive_records``, ``summary_records``: lists of dicts) and as pandas DataFrames (``rows``,
    ``naive``, ``uncertain``, ``summaries``), each made when first asked for."""

    models: tuple[Treaty, ...]
    record: Record
    judgement: Judgement
    atop: AtopImport | None = None

    @property
    def reading(self) -> str:
        return self.judgement.reading

    @functools.cached_property
    def row_records(self) -> list[dict[str, Any]]:
        from foedus.reliability.tables import row_records

        return row_records(self.judgement.rows)

    @functools.cached_property
    def naive_records(self) -> list[dict[str, Any]]:
        from foedus.reliability.tables import naive_records

        return naive_records(self.judgement, self.record)

    @functools.cached_property
    def uncertain_records(self) -> list[dict[str, Any]]:
        import dataclasses

        return [dataclasses.asdict(u) for u in self.judgement.uncertain]

    @functools.cached_property
    def summary_records(self) -> dict[str, list[dict[str, Any]]]:
        from foedus.reliability.tables import summaries

        return summaries(self.row_records, self.naive_records)

    @functools.cached_property
    def rows(self) -> pd.DataFrame:
        from foedus.reliability.tables import ROW_COLUMNS, frame

        return frame(self.row_records, ROW_COLUMNS)

    @functools.cached_property
    def naive(self) -> pd.DataFrame:
        from foedus.reliability.tables import NAIVE_COLUMNS, frame

        return frame(self.naive_records, NAIVE_COLUMNS)

    @functools.cached_property
    def uncertain(self) -> pd.DataFrame:
        import dataclasses

        from foedus.reliability.judge import Uncertain
        from foedus.reliability.tables import frame

        return frame(self.uncertain_records, [f.name for f in dataclasses.fields(Uncertain)])

    @functools.cached_property
    def summaries(self) -> dict[str, pd.DataFrame]:
        from foedus.reliability.tables import SUMMARIES, frame, summary_columns

        return {name: frame(self.summary_records[name], summary_columns(by)) for name, by in SUMMARIES}

    @property
    def warnings(self) -> tuple[str, ...]:
        return (*(self.atop.warnings if self.atop is not None else ()), *self.record.warnings)


def load(files: RecordFiles | str | Path, *, with_relations: bool = False, dispute_events: bool = True
         ) -> tuple[AtopImport, Record]:
    """The ATOP models and the record of wars and disputes, from the files (or the shared data folder);
    ``dispute_events=False``: the MID files checked, their events not made (``load_record``)."""
    from foedus.importers.atop import import_atop

    if not isinstance(files, RecordFiles):
        files = RecordFiles.in_folder(files)
    atop = import_atop(files.atop, files.members, files.states, iso3=False)
    return atop, load_record(files, with_relations=with_relations, dispute_events=dispute_events)


def admits_disputes(reading: Sequence[str] | None) -> bool:
    """Whether a reading lets disputes invoke obligations (the point ``conflicts`` set to other than wars)."""
    from foedus.reliability.judge import expand_reading

    return any(c.startswith("conflicts=") and c != "conflicts=wars" for c in expand_reading(reading))


def run(files: RecordFiles | str | Path | None = None, reading: Sequence[str] | None = None, *,
        models: Sequence[Treaty] | None = None, record: Record | None = None,
        like: Reliability | None = None) -> Reliability:
    """Judge the alliances on the record under ``reading`` (named readings of ``READINGS`` and
    ``point=option``). The models and the record come from ``files``, or are given (``models``, ``record``),
    or are those of an earlier run (``like``)."""
    atop = None
    if like is not None:
        models, record, atop = like.models, like.record, like.atop
        if not record.dispute_events and admits_disputes(reading):
            if files is None:
                raise ValueError("this reading needs the dispute events the earlier run did not make: give files")
            record = None
    with _collector_paused():
        if models is None or record is None:
            if files is None:
                raise ValueError("run() needs files, or models and a record, or an earlier run")
            # Events no obligation can be invoked by under the reading are not made (the files still checked).
            atop, loaded = load(files, dispute_events=admits_disputes(reading) or like is not None)
            models = models if models is not None else atop.models
            record = record if record is not None else loaded
        judgement = judge(models, record, reading)
    return Reliability(models=tuple(models), record=record, judgement=judgement, atop=atop)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while the run builds its many small objects (none of them
    garbage until the run ends): it would scan them again and again, for nothing (half the run's time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def compare(a: Reliability, b: Reliability) -> pd.DataFrame:
    """The rows of two runs side by side: each row's outcome under each, and whether it changed."""
    from foedus.reliability.tables import COMPARE_COLUMNS, compare_records, frame

    return frame(compare_records(a.judgement, b.judgement), COMPARE_COLUMNS)
