"""The default extractor: quotation marks paired, quotes attributed, speech told from
titles and terms. Pure Python."""
from __future__ import annotations

import bisect

from ..model import Article, Quote
from .attribute import attribute
from .confidence import set_confidence
from .layout import Layout, analyse
from .lexicon import reads_as_english
from .marks import find_spans
from .speech import SpeechModel, classify


def extract(article: Article, *, speech: SpeechModel | None | bool = True, layout: Layout | None = None) -> list[Quote]:
    """Every quoted span in ``article``: quotations with their speaker, cue, method and
    confidence, and spans that are not speech (kind title, term or other, no speaker).

    ``quote.text == article.text[quote.start:quote.end]`` for every quote. Quotes in page
    furniture (navigation, bullet lists, related-story blurbs) are left out. A multi-
    paragraph quote comes back as one quote per paragraph, each later part pointing at the
    part before through ``continues``. ``speech``: the model telling speech from the rest
    (True: the bundled one; False: every span is taken for speech, as attributed).
    ``layout``: ``layout.analyse(article.text)``, when the caller has it already.
    An article not written in English gives no quotes: the rules and models read English.
    """
    text = article.text or ""
    if not text or text.isspace() or not reads_as_english(text):
        return []
    if layout is None:
        layout = analyse(text)
    spans = find_spans(text, [(b.start, b.end) for b in layout.blocks])
    quotes = attribute(text, layout, spans)
    where = places(text, layout, quotes)
    if speech is not False:
        classify(text, quotes, where, None if speech is True else speech)
    set_confidence(text, quotes, [sentence for sentence, _ in where])
    return quotes


def places(text: str, layout: Layout, quotes: list[Quote]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(sentence, paragraph) offsets of each quote."""
    starts = [b.start for b in layout.blocks]
    out = []
    for q in quotes:
        k = bisect.bisect_right(starts, q.start) - 1
        b = layout.blocks[k] if k >= 0 else None
        block = (b.start, b.end) if b is not None and q.start < b.end else (0, len(text))
        ctx = q.context or ""
        ss = text.find(ctx, max(0, q.start - len(ctx)), q.end + len(ctx)) if ctx else -1
        sentence = (ss, ss + len(ctx)) if 0 <= ss <= q.start else block
        out.append((sentence, block))
    return out


def extract_text(text: str) -> list[Quote]:
    """``extract`` for a bare string."""
    return extract(Article(text=text))
