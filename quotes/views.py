"""SQL views over the store, for browsing and publishing.

The store creates each view, and recreates one whose SQL has changed, when it opens
a database for writing.

- ``quotes_view``: each quotation (speech: kinds direct and partial) with its speaker
  and source article, for browsing, and the evidence for the speaker: the mention as
  written and, for a pronoun or description, the mention of the name it was resolved
  to (``antecedent_mention``), each with its offsets in the article text, and the
  quote's group (``group_id``: the same words in other articles). Titles,
  terms and other quoted spans stay in the ``quotes`` table, with their kind.
- ``quote_search``: the same columns plus the full-text ``rank``, for ranked search.
  It starts from ``quotes_fts`` and exposes the FTS5 table's hidden column (named
  after the table) as ``search``, so SQLite hands a MATCH on it to FTS5 and ``rank``
  is the BM25 score of that match::

      select * from quote_search where search match 'harbour' order by rank

  Without a MATCH on ``search``, ``rank`` is null.
"""
from __future__ import annotations

from collections.abc import Collection

# (expression, column name) of each quotes_view column, in order.
QUOTE_COLUMNS: list[tuple[str, str]] = [
    ("quotes.id", "quote_id"),
    ("quotes.text", "quote"),
    ("speakers.name", "speaker"),
    ("speakers.kind", "speaker_kind"),
    ("quotes.speaker_role", "speaker_role"),
    ("quotes.speaker_mention", "speaker_mention"),
    ("quotes.antecedent_mention", "antecedent_mention"),
    ("quotes.cue", "cue"),
    ("quotes.kind", "kind"),
    ("quotes.confidence", "confidence"),
    ("articles.title", "article_title"),
    ("articles.publisher", "publisher"),
    ("articles.published", "published"),
    ("articles.url", "url"),
    ("quotes.speaker_id", "speaker_id"),
    ("quotes.article_id", "article_id"),
    ("quotes.start", "start"),
    ('quotes."end"', "end"),
    ("quotes.speaker_start", "speaker_start"),
    ("quotes.speaker_end", "speaker_end"),
    ("quotes.antecedent_start", "antecedent_start"),
    ("quotes.antecedent_end", "antecedent_end"),
    ("quotes.context", "context"),
    ("quotes.group_id", "group_id"),
    ("quotes.review", "review"),
    ("quotes.reviewed_by", "reviewed_by"),
    ("quotes.reviewed_at", "reviewed_at"),
]


def _select(columns: list[tuple[str, str]]) -> str:
    lines = []
    for expr, name in columns:
        bare = expr.rsplit(".", 1)[-1].strip('"')
        lines.append(f"  {expr}" if bare == name else f"  {expr} as {name}")
    return "\nselect\n" + ",\n".join(lines) + "\n"


# The unary + keeps SQLite from answering through the kind index, so rows stay in id order.
SPEECH_ONLY = "where +quotes.kind in ('direct', 'partial')\n"

QUOTE_JOIN = """from quotes
join articles on articles.id = quotes.article_id
left join speakers on speakers.id = quotes.speaker_id
"""

FTS_JOIN = """from quotes_fts
join quotes on quotes.id = quotes_fts.rowid
join articles on articles.id = quotes.article_id
left join speakers on speakers.id = quotes.speaker_id
"""


def _quotes_column(expr: str) -> str | None:
    """The column of the quotes table that ``expr`` reads, if it reads one."""
    return expr.split(".", 1)[1].strip('"') if expr.startswith("quotes.") else None


#: The columns of the quotes table that QUOTE_COLUMNS read.
QUOTES_TABLE_COLUMNS: list[str] = [c for c in (_quotes_column(expr) for expr, _ in QUOTE_COLUMNS) if c]


def _present(absent: Collection[str]) -> list[tuple[str, str]]:
    """QUOTE_COLUMNS, with each quote column in ``absent`` read as null."""
    return [("null", name) if _quotes_column(expr) in absent else (expr, name) for expr, name in QUOTE_COLUMNS]


def quote_rows_sql(absent: Collection[str] = ()) -> str:
    """The one join of a quote with its article and speaker: every quoted span, of any
    kind, with the columns of ``quotes_view``. ``absent``: quote columns that a database
    made by an earlier version lacks, read as null."""
    return _select(_present(absent)) + QUOTE_JOIN


def fts_rows_sql(absent: Collection[str] = ()) -> str:
    """:func:`quote_rows_sql` from ``quotes_fts``, plus its ``rank``: add a MATCH."""
    return _select(_present(absent) + [("quotes_fts.rank", "rank")]) + FTS_JOIN


QUOTES_VIEW_SQL = quote_rows_sql() + SPEECH_ONLY

QUOTE_SEARCH_SQL = (
    _select(QUOTE_COLUMNS + [("quotes_fts.rank", "rank"), ("quotes_fts.quotes_fts", "search")])
    + FTS_JOIN
    + SPEECH_ONLY
)

VIEWS: dict[str, str] = {"quotes_view": QUOTES_VIEW_SQL, "quote_search": QUOTE_SEARCH_SQL}

QUOTE_VIEW_COLUMNS: list[str] = [name for _, name in QUOTE_COLUMNS]
