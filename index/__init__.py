"""Full-text search and fact-checking over the quotes database, with Whoosh.

The index is derived from SQLite and can always be rebuilt from it. A store knows
its index folder (``quotes.db`` -> ``quotes.index``, :attr:`quotes.store.Store.index_dir`)::

    from quotes.store import Store
    from index import QuoteIndex, sync, verify

    store = Store("quotes.db", read_only=True)
    sync(store)  # builds or updates quotes.index
    results = QuoteIndex(store.index_dir).search('"step down"', speaker="Medvedev", store=store)
    verdict = verify(store, store.index_dir, "he must leave", speaker="Medvedev")
"""
from __future__ import annotations

from .build import (
    DriftReport,
    SyncReport,
    check,
    delete_documents,
    index_exists,
    rebuild,
    sync,
)
from .errors import (
    BudgetExceeded,
    IndexMissing,
    IndexWriteError,
    InputTooLarge,
    QueryError,
    QuoteIndexError,
)
from .schema import SCHEMA_VERSION, make_schema
from .search import Hit, QuoteIndex, SearchResults
from .verify import Evidence, Verdict, verify

__all__ = [
    "BudgetExceeded", "DriftReport", "IndexWriteError", "InputTooLarge", "Evidence", "Hit", "IndexMissing", "QueryError", "QuoteIndex", "QuoteIndexError",
    "SCHEMA_VERSION", "SearchResults", "SyncReport", "Verdict", "check", "delete_documents",
    "index_exists", "make_schema", "rebuild", "sync", "verify",
]
