"""Where records are kept: one interface (:class:`Store`), opened with :func:`open_store`."""

from __future__ import annotations

from .base import Row, Store, WriteResult, entity_key, open_store

__all__ = ["Row", "Store", "WriteResult", "entity_key", "open_store"]
