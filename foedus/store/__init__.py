"""The embedded DuckDB store: treaty models, memberships, norms, events and results, queried with SQL.

``Store`` (which writes stores and returns pandas and Arrow tables) is loaded on first use, so that
``foedus.store.read``, the read path of the world commands, loads neither pyarrow nor pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from foedus.store.store import PAUSE_ENV, SCHEMA_VERSION, Store

__all__ = ["PAUSE_ENV", "SCHEMA_VERSION", "Store"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from foedus.store import store

        return getattr(store, name)
    raise AttributeError(f"module 'foedus.store' has no attribute {name!r}")
