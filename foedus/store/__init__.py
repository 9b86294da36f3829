"""The embedded DuckDB store: treaty models, memberships, norms, events and results, queried with SQL."""

from foedus.store.store import PAUSE_ENV, SCHEMA_VERSION, Store

__all__ = ["PAUSE_ENV", "SCHEMA_VERSION", "Store"]
