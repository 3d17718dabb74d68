"""The Whoosh schema: one document per stored quote."""
from __future__ import annotations

from whoosh import columns
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, STORED, Schema

from .analysis import FastAnalyzer, StemmedText

# Bumped whenever the fields change; an index with another version must be rebuilt.
SCHEMA_VERSION = 4

# Fields a query may name (``speaker:medvedev``), with the field each one searches.
QUERY_FIELDS = {
    "text": "text",
    "quote": "text",
    "speaker": "speaker",
    "role": "role",
    "title": "title",
    "publisher": "publisher",
    "published": "published",
    "date": "published",
    "kind": "kind",
    "review": "review",
    "context": "context",
    "id": "id",
}


def speaker_analyzer() -> FastAnalyzer:
    return FastAnalyzer(stoplist=None)


def make_speaker_schema() -> Schema:
    """One document per speaker: every name the speaker is known by."""
    return Schema(
        id=ID(unique=True, stored=True),
        # canonical name and aliases, word by word (analysed like quotes' speaker field)
        names=StemmedText(analyzer=speaker_analyzer()),
        # each name whole, case-folded; stored, for the speaker lookup (quotes.speakers)
        keys=KEYWORD(lowercase=True, commas=True, scorable=False, stored=True),
        sig=STORED(),
    )


def make_schema() -> Schema:
    # One-pass equivalents of StemmingAnalyzer() / StandardAnalyzer(): same tokens, faster.
    stem = FastAnalyzer()
    return Schema(
        # quote id as text: unique key for update_document, a column for fast drift checks
        id=ID(unique=True, stored=True, sortable=True),
        # content signature of every indexed field, to detect stale documents
        sig=COLUMN(columns.VarBytesColumn()),
        text=StemmedText(analyzer=stem, stored=True, spelling=True),
        # canonical speaker, searchable word by word; other names are found through the
        # speakers index (so a speaker gaining an alias changes no quote document)
        speaker=StemmedText(analyzer=speaker_analyzer()),
        # canonical name as stored, for display and facets
        speaker_name=ID(stored=True, sortable=True),
        speaker_id=ID(stored=True),
        # the speaker's role as given in the quote's article
        role=StemmedText(analyzer=FastAnalyzer(stemming=False), stored=True),
        title=StemmedText(analyzer=stem, stored=True),
        publisher=StemmedText(analyzer=FastAnalyzer(stemming=False)),
        publisher_key=ID(stored=True),
        publisher_name=STORED(),
        published=DATETIME(stored=True, sortable=True),
        kind=ID(stored=True),
        # machine, reviewed or corrected (quotes.corrections)
        review=ID(stored=True),
        # the words of the quote's sentence outside the quote (attribution, cue)
        context=StemmedText(analyzer=stem),
        url=STORED(),
        article_id=STORED(),
        start=STORED(),
        end=STORED(),
    )
