"""Find quoted spans: pair quotation marks by type, paragraph by paragraph.

Rules, in order of trust:

* Curly and guillemet marks say which way they face (“ ” ‘ ’ « »), but text often misuses
  them, so every mark is also read from its neighbours: a mark with a space before it and
  a letter after it opens; a letter or punctuation before and a space after closes.
* Straight marks (" and the typewriter pairs `` '') are read from their neighbours only.
* Apostrophes (don't, Clinton's, '90s, voters') and inch/foot marks (6'2", 12") are not
  quotation marks.
* A quote never runs past its paragraph. When a paragraph ends inside a quote and the next
  paragraph opens with a mark, the quote continues there (one span per paragraph, linked
  by ``continues``); otherwise the quote ends with its paragraph (``closed`` False). Either
  way an unbalanced mark cannot swallow the rest of the document.
* Single-quoted spans inside a double-quoted span are part of it (nested). Top-level
  single-quoted spans are quotations only in documents that do not use double marks;
  elsewhere they are headlines and nicknames and come back with ``primary`` False.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

OPEN_DOUBLE = "“„‟«"
CLOSE_DOUBLE = "”»"
STRAIGHT_DOUBLE = '"'
OPEN_SINGLE = "‘‹"
CLOSE_SINGLE = "’›"
STRAIGHT_SINGLE = "'"

# The characters a quotation mark is made of: one of them, or `` or ''
_MARK_CHARS = "`\"“”„‟«»‘’‹›'"
_SPACE_BEFORE = set(" \t\n\r\u00a0([{<—–-/\u2014\u2013\u2009\u200b:;,")
_PUNCT = set(".,;:!?)]}…—–-\u2014\u2013")


@dataclass
class Span:
    """One quoted span. ``start``/``end`` exclude the marks; ``outer_*`` include them."""

    start: int
    end: int
    outer_start: int
    outer_end: int
    paragraph: int
    closed: bool = True
    continues: int | None = None  # index (in the returned list) of the previous part
    double: bool = True
    primary: bool = True  # False for top-level single quotes in a double-quote document
    nested: bool = False  # a single-quoted span inside a double-quoted one


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-blank lines as (start, end) pairs, edges trimmed of whitespace."""
    out = []
    pos = 0
    for line in text.split("\n"):
        body = line.strip()  # str.strip() trims exactly the characters isspace() accepts
        if body:
            s = pos + len(line) - len(line.lstrip())
            out.append((s, s + len(body)))
        pos += len(line) + 1
    return out


def _role(text: str, i: int, j: int, mark: str) -> str:
    """'open', 'close', 'both' (either) or 'none' for the mark text[i:j]."""
    before = text[i - 1] if i > 0 else " "
    after = text[j] if j < len(text) else " "
    apostrophe = mark in ("'", "’") or mark == "‘"
    if apostrophe and before.isalnum() and after.isalnum():
        return "none"  # the commonest of all: don't, Trump's (the rest of the tests need not run)
    space_before = before in _SPACE_BEFORE or before.isspace()
    space_after = after.isspace() or after in _PUNCT
    if apostrophe:
        # Apostrophes: letters on both sides (don't), possessive plural (voters' ),
        # elisions ('90s, 'em) and feet (6').
        if before.isdigit():
            return "none"
        if mark != "‘" and space_before and (after.isdigit() or text[j : j + 3].lower() in ("em ", "til", "cau", "n' ")):
            return "none"
    if mark == '"' and before.isdigit() and not after.isalnum():
        return "inch"
    if mark in ("'", "’") and before in ",;:!?." and space_after:
        return "close"  # 'We will,' said: punctuation, then the mark, then a space
    if space_before and not space_after:
        return "open"
    if space_after and not space_before:
        return "close"
    if space_before and space_after:
        return "both"  # isolated mark
    # letter-mark-letter or punct-mark-punct: trust the glyph
    return "both"


def _kind(mark: str) -> tuple[bool, str]:
    """(is_double, glyph direction: 'open' | 'close' | 'any')."""
    if mark in ("``",):
        return True, "open"
    if mark == "''":
        return True, "any"
    if mark in OPEN_DOUBLE:
        return True, "open"
    if mark in CLOSE_DOUBLE:
        return True, "close"
    if mark == '"':
        return True, "any"
    if mark in OPEN_SINGLE:
        return False, "open"
    if mark in CLOSE_SINGLE:
        return False, "close"
    return False, "any"


_KINDS = {mark: _kind(mark) for mark in ("``", "''", *OPEN_DOUBLE, *CLOSE_DOUBLE, STRAIGHT_DOUBLE, *OPEN_SINGLE, *CLOSE_SINGLE, STRAIGHT_SINGLE)}


def _mark_positions(text: str) -> list[int]:
    """Where the characters of ``_MARK_CHARS`` stand in ``text``, in order (found by
    ``str.find``, which skips through a text many times faster than a regex would)."""
    out = []
    for c in _MARK_CHARS:
        i = text.find(c)
        while i >= 0:
            out.append(i)
            i = text.find(c, i + 1)
    out.sort()
    return out


def _marks(text: str, s: int, e: int, at: list[int]) -> list[tuple[int, int, bool, str]]:
    """(start, end, is_double, role) for each quotation mark in text[s:e]; ``at``: the
    positions of the characters marks are made of (``_mark_positions``)."""
    out = []
    resume = s  # past the last mark read
    for i in at[bisect_left(at, s) : bisect_left(at, e)]:
        if i < resume:
            continue  # the second half of `` or ''
        c = text[i]
        j = i + 1
        if c in "`'":
            # `` or '' (not the first two of a run of three: ''' is ' then '')
            if j < e and text[j] == c and (c == "`" or not (j + 1 < e and text[j + 1] == "'")):
                j += 1
            elif c == "`":
                continue  # a lone backquote is no mark
        resume = j
        mark = text[i:j]
        double, glyph = _KINDS[mark]
        role = _role(text, i, j, mark)
        if role == "none":
            continue
        if mark == "''" and text[i - 1 : i].isalnum() and text[j : j + 1].isalnum():
            continue
        if role == "inch":
            out.append((i, j, double, "inch"))
            continue
        if role == "both":
            role = glyph if glyph != "any" else "both"
        elif glyph != "any" and role != glyph:
            # A curly mark facing against its neighbours: trust the neighbours only
            # when they are unambiguous (a space on exactly one side).
            pass
        if not double and role == "both":
            continue  # an isolated straight apostrophe says nothing
        if not double and mark == "’" and role == "open":
            # ’ with a space before: '90s or a misused opener; accept as opener only
            # when a letter follows.
            if not text[j : j + 1].isalpha():
                continue
        out.append((i, j, double, role))
    return out


def find_spans(text: str, paras: list[tuple[int, int]] | None = None) -> list[Span]:
    """Every quoted span in ``text``, in order, with multi-paragraph parts linked."""
    if paras is None:
        paras = paragraphs(text)
    spans: list[Span] = []
    pending: int | None = None  # index of a part left open at the previous paragraph's end
    uses_double = '"' in text or "“" in text or "”" in text or "``" in text or "''" in text or "«" in text
    # Where blank lines separate paragraphs, a single line break is a wrapped line: a
    # quote open at the end of such a line runs on into the next.
    wrapped_lines = "\n\n" in text
    p_index = -1
    extend_to: int | None = None
    at = _mark_positions(text)
    while True:
        if extend_to is None:
            p_index += 1
            if p_index >= len(paras):
                break
            ps, pe = paras[p_index]
            first = p_index
        else:
            pe = paras[extend_to][1]
            p_index = extend_to
            extend_to = None
        marks = _marks(text, ps, pe, at)
        open_at: tuple[int, int] | None = None  # (mark start, mark end) of the open double
        nested: str | None = None  # family of a double-quoted span inside the open one
        single_at: tuple[int, int] | None = None
        para_spans: list[Span] = []
        if first == p_index:
            # A paragraph that starts with an opening mark right after a paragraph that
            # ended inside a quote continues that quote.
            starts = None
            if pending is not None and marks and marks[0][0] == ps and marks[0][2] and marks[0][3] in ("open", "both"):
                starts = pending
            pending = None
        continues = starts
        k = 0
        while k < len(marks):
            i, j, double, role = marks[k]
            k += 1
            if double:
                if role == "inch":
                    if open_at is not None and not _inch_inside(text, open_at[1], i):
                        role = "close"
                    else:
                        continue
                if open_at is None:
                    if role in ("open", "both"):
                        open_at = (i, j)
                        single_at = None
                        nested = None
                    continue
                # a quote is open
                fam = _family(text[i:j])
                if nested is not None:
                    # inside a quote within the quote, marked with the other family
                    if fam == nested and role in ("close", "both"):
                        nested = None
                    continue
                if fam != _family(text[open_at[0] : open_at[1]]) and role == "open":
                    nested = fam  # “Shark Tank” inside a "..." quote
                    continue
                if role == "open" and _SAYS_BEFORE_RE.search(text, max(open_at[1], i - 24), i):
                    nested = fam  # "... walks in and says, "I'd like ten," you know ..."
                    continue
                if role == "open" and _closes_twice(text, marks, k, fam):
                    nested = fam  # "He said "no" to me," she said: the same marks nested
                    continue
                if role == "open" and not _looks_like_close(text, i, j):
                    # Unbalanced: the earlier opener never closed. End it here only if it
                    # is long; otherwise treat the earlier mark as stray.
                    open_at = (i, j)
                    continue
                para_spans.append(_make(text, open_at, (i, j), first, True, continues, True))
                continues = None
                open_at = None
                single_at = None
            else:
                if open_at is not None:
                    continue  # nested single quotes belong to the double-quoted span
                if single_at is None:
                    if role in ("open",) or (role == "both" and text[i] == "‘"):
                        single_at = (i, j)
                    continue
                if role in ("close", "both"):
                    sp = _make(text, single_at, (i, j), first, True, None, False)
                    sp.primary = not uses_double
                    if sp.end - sp.start >= 1:
                        para_spans.append(sp)
                    single_at = None
                elif role == "open":
                    single_at = (i, j)
        if (
            open_at is not None and wrapped_lines and p_index + 1 < len(paras)
            and text[pe : paras[p_index + 1][0]].count("\n") == 1
            and not _opens_at(text, paras[p_index + 1][0])
        ):
            extend_to = p_index + 1  # pair the marks of both lines as one paragraph
            continue
        if open_at is not None:
            # The paragraph ended inside a quote.
            s = open_at[1]
            if pe - s >= 1:
                sp = Span(s, pe, open_at[0], pe, first, closed=False, continues=continues)
                _trim(text, sp)
                if sp.end > sp.start:
                    para_spans.append(sp)
                    pending = len(spans) + len(para_spans) - 1
        spans.extend(para_spans)
    # A continued part's ``continues`` must point at the part that was left open.
    return spans


_SAYS_BEFORE_RE = re.compile(r"\b(?:say|says|said|ask|asks|asked|tell|tells|told|write|writes|wrote)\s*[,:]\s*$")


def _closes_twice(text: str, marks: list[tuple[int, int, bool, str]], k: int, fam: str) -> bool:
    """Whether the next two double marks of family ``fam`` (from ``marks[k]``) both close:
    an opener then closes inside the open quote, which the second one closes."""
    after = [m for m in marks[k:] if m[2] and _family(text[m[0] : m[1]]) == fam][:2]
    return len(after) == 2 and after[0][3] == "close" and after[1][3] in ("close", "both")


def _opens_at(text: str, i: int) -> bool:
    """Whether a quotation mark opens at ``i``."""
    return text[i : i + 1] in "\"“„‟«‘'`"


def _family(mark: str) -> str:
    if mark in ('"', "``", "''"):
        return "straight"
    if mark in "«»":
        return "guillemet"
    return "curly"


def _inch_inside(text: str, s: int, i: int) -> bool:
    """Is the digit-mark at ``i`` an inch mark within an open quote starting at ``s``?"""
    # e.g. "he is 6'2" tall" inside a quote; rare, so only when a foot mark precedes.
    return bool(re.search(r"\d['’]\d{1,2}$", text[max(s, i - 6) : i]))


def _looks_like_close(text: str, i: int, j: int) -> bool:
    """A mark right after sentence punctuation and before a space or the end closes."""
    before = text[i - 1] if i > 0 else " "
    after = text[j] if j < len(text) else " "
    return before in ".,!?;:…—–-" and (text[i] in '"”\'' or after.isspace() or after in ".,;:)")


def _make(text: str, o: tuple[int, int], c: tuple[int, int], p: int, closed: bool, cont: int | None, double: bool) -> Span:
    sp = Span(o[1], c[0], o[0], c[1], p, closed=closed, continues=cont, double=double)
    _trim(text, sp)
    return sp


def _trim(text: str, sp: Span) -> None:
    while sp.start < sp.end and text[sp.start].isspace():
        sp.start += 1
    while sp.end > sp.start and text[sp.end - 1].isspace():
        sp.end -= 1
