"""Store stage: an embedded DuckDB database written in bulk from Arrow tables, and queries over it."""

from newsevents.store.database import SCHEMA_VERSION, Store, StoreError

__all__ = ["SCHEMA_VERSION", "Store", "StoreError"]
