"""Store stage: an embedded DuckDB database written in bulk from Arrow tables, and queries over it."""

from newsevents.store.database import Store
from newsevents.store.errors import StoreError
from newsevents.store.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "Store", "StoreError"]
