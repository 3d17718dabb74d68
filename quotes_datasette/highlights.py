"""A quote's parts marked in its article's text: where the cue stands, which stretch of a
long text to show, and the text HTML-escaped with ``<mark>`` elements put in by offset.

Everything here works on a stretch of the article (``text``, starting at character
``offset`` of the whole), never on more than was read for the page.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: Characters either side of the speaker mention (or the quote) searched for the cue.
CUE_REACH = 160
#: A paragraph break: a blank line.
_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")

#: What each kind of mark says it is, in its title.
TITLES = {
    "quote": "the quotation",
    "speaker": "the speaker as mentioned",
    "cue": "the cue",
    "antecedent": "the mention it was resolved to",
    "title": "a title, not speech",
    "term": "a term, not speech",
    "other": "a quoted span that is not speech",
}


@dataclass(frozen=True, order=True)
class Span:
    """Characters ``start`` to ``end`` of the article, marked as ``kind`` (a key of TITLES)."""

    start: int
    end: int
    kind: str


def find_cue(text: str, offset: int, cue: str | None, near: tuple[int, int], avoid: Iterable[tuple[int, int]]) -> Span | None:
    """The cue as written (``cue``: "said", "told reporters", ":") where it stands nearest
    the span ``near`` (the speaker mention, or the quote when none was located), within
    CUE_REACH characters of it and outside the spans ``avoid``; None when it is not there.

    Words match whole (``said`` is not found in ``unsaid``), case aside, with any run of
    white space between them.
    """
    words = (cue or "").split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    if words[0][:1].isalnum():
        pattern = r"(?<!\w)" + pattern
    if words[-1][-1:].isalnum():
        pattern += r"(?!\w)"
    lo, hi = max(offset, near[0] - CUE_REACH), min(offset + len(text), near[1] + CUE_REACH)
    taken = list(avoid)
    best: tuple[int, Span] | None = None
    for m in re.finditer(pattern, text[lo - offset : hi - offset], re.IGNORECASE):
        start, end = lo + m.start(), lo + m.end()
        if any(start < b and a < end for a, b in taken):
            continue
        distance = max(near[0] - end, start - near[1], 0)
        if best is None or distance < best[0]:
            best = (distance, Span(start, end, "cue"))
    return best[1] if best else None


def mark(text: str, offset: int, spans: Sequence[Span], first_id: str | None = None) -> Markup:
    """``text`` (characters ``offset`` on of the article) HTML-escaped, with each span in
    it wrapped in ``<mark class="KIND">``: clipped to the text, nested when one lies
    within another, left out when it crosses one already marked. The first quote mark
    gets the id ``first_id``."""
    end_of_text = offset + len(text)
    clipped = sorted(
        (Span(max(s.start, offset), min(s.end, end_of_text), s.kind) for s in spans),
        key=lambda s: (s.start, -s.end),
    )
    out: list[str] = []
    pos = offset
    stack: list[Span] = []

    def close() -> None:
        nonlocal pos
        top = stack.pop()
        out.append(str(escape(text[pos - offset : top.end - offset])) + "</mark>")
        pos = top.end

    for span in clipped:
        if span.start >= span.end:
            continue
        while stack and stack[-1].end <= span.start:
            close()
        if stack and span.end > stack[-1].end:
            continue  # it crosses the span it starts in
        out.append(str(escape(text[pos - offset : span.start - offset])))
        ident = ""
        if first_id and span.kind == "quote":
            ident, first_id = f' id="{first_id}"', None
        out.append(f'<mark class="{escape(span.kind)}"{ident} title="{escape(TITLES.get(span.kind, span.kind))}">')
        pos = span.start
        stack.append(span)
    while stack:
        close()
    out.append(str(escape(text[pos - offset :])))
    return Markup("".join(out))


def paragraphs_around(text: str, offset: int, lo: int, hi: int, around: int = 1) -> tuple[int, int]:
    """The stretch of ``text`` (characters ``offset`` on of the article) from the start
    of the paragraph ``around`` paragraphs before the one holding character ``lo`` to the
    end of the one ``around`` paragraphs after the one holding ``hi``, as article offsets.
    Where ``text`` runs out first, the stretch ends where it does."""
    before = [m.end() for m in _BREAK.finditer(text, 0, max(0, lo - offset))]
    start = offset + (before[-1 - around] if len(before) > around else 0)
    after = [m.start() for m in _BREAK.finditer(text, max(0, hi - offset))]
    end = offset + (after[around] if len(after) > around else len(text))
    return start, end
