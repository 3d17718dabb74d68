"""Exceptions raised by the index package (each message is one line)."""
from __future__ import annotations


class QuoteIndexError(Exception):
    """Base class for index problems."""


class IndexMissing(QuoteIndexError):
    """No usable search index at the given folder."""


class QueryError(QuoteIndexError):
    """A query that cannot be run: unbalanced marks, an unknown field, a bad date."""


class IndexWriteError(QuoteIndexError):
    """The index could not be written (a full disk, a folder that cannot be written)."""


class InputTooLarge(QueryError):
    """A query or claim larger than one search or verification may take on."""


class BudgetExceeded(QuoteIndexError):
    """A search or verification ran out of its time and was stopped."""
