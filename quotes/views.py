"""SQL views over the store, for browsing and publishing.

The store creates each view, and recreates one whose SQL has changed, when it opens
a database for writing.
"""
from __future__ import annotations

QUOTES_VIEW_SQL = """
select
  quotes.id as quote_id,
  quotes.text as quote,
  speakers.name as speaker,
  quotes.speaker_role,
  quotes.speaker_mention,
  quotes.cue,
  quotes.kind,
  quotes.confidence,
  articles.title as article_title,
  articles.publisher,
  articles.published,
  articles.url,
  quotes.speaker_id,
  quotes.article_id,
  quotes.start,
  quotes."end",
  quotes.context
from quotes
join articles on articles.id = quotes.article_id
left join speakers on speakers.id = quotes.speaker_id
"""

VIEWS: dict[str, str] = {"quotes_view": QUOTES_VIEW_SQL}
