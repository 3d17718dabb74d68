"""Read the shape of an article text: title, byline, dateline, publisher, and which
paragraphs are body text and which are page furniture (navigation, bullet lists,
headlines of related stories, video captions)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lowercase import lower_ascii
from .marks import paragraphs as _paragraphs

_BULLET_RE = re.compile(r"^\s*(?:[•·▪◦●■□►▶\-*–—]|\d{1,2}[.)])\s+")
# What a paragraph (never opening with a space) must open with for the patterns to be
# tried: a bullet or a digit; a letter that begins an entry of ``_NAV_RE`` in either case
# (or one outside ASCII, which may fold to one)
_BULLET_FIRST = frozenset("•·▪◦●■□►▶-*–—")
_NAV_FIRST = frozenset("sScCaAtTeEpPrRmMfFwWvV")
_NAV_RE = re.compile(
    r"^(?:skip to (?:main )?content|click to play|click here|advertisement|share this|"
    r"(?:share|tweet|email|print|comments?)(?: this)?(?: story| article)?|"
    r"part of complete coverage on|related(?: articles?| stories| content)?|read more|"
    r"see also|more from .{0,40}|follow us.*|sign up.*|subscribe.*|watch:?.*video.*|"
    r"photos?:.*|video:.*|most (?:read|popular|viewed)|top stories|trending)\s*:?$",
    re.I,
)
_BYLINE_RE = re.compile(r"^(?:By|BY|From)\s+(?:the\s+)?(.{2,80}?)\s*$")
_DATELINE_RE = re.compile(
    r"^((?:[A-Z][\w.'’-]*(?:[ ,]+[A-Z][\w.'’-]*){0,5})(?:\s*\(([A-Z][\w .&'-]{1,30})\))?)\s*(?:--|—|–|-)\s+"
)
# "Washington (AFP) -- ": the dash is what tells it from "Sen. Ann Roe (D-Ohio) said"
_DATELINE_PAREN_RE = re.compile(r"^([A-Z][^()\n—–]{1,60}?)\s*\(([A-Z][\w .&'-]{1,30})\)\s*(?:--|—|–|-)\s*")
_CONTRIB_RE = re.compile(r"contributed to this (?:report|story|article)|^(?:copyright|©)|all rights reserved", re.I)


def _credit_anywhere(low: str) -> bool:
    """A cheap test that ``_CONTRIB_RE`` may match past the start of some line of a text
    (``low``: the text with its ASCII letters lower-cased): such a match holds "contr"
    and "d to th", or "all r" and "rved", in letters whose only case variants are their
    ASCII capitals (so lowercasing the ASCII letters alone can't hide them)."""
    return ("d to th" in low and "contr" in low) or ("rved" in low and "all r" in low)


_QUOTE_MARK_RE = re.compile(r"[\"“”«»]|``|''")
_TERMINAL = tuple(".!?\"”’'…:)")


# A line ending with one of these ends its sentence (or paragraph), not a wrapped line.
_LINE_END = set(".!?:;\"”’')]…")


@dataclass
class Block:
    """A paragraph (non-blank line) and what it is."""

    start: int
    end: int
    kind: str  # body | title | byline | nav | list | heading | blurb | credit


@dataclass
class Layout:
    title: str | None = None
    byline: str | None = None
    dateline: str | None = None
    publisher: str | None = None
    dateline_end: int | None = None  # offset where the body text after the dateline starts
    blocks: list[Block] = field(default_factory=list)

    def is_body(self, offset: int) -> bool:
        for b in self.blocks:
            if b.start <= offset < b.end:
                return b.kind == "body"
        return False

    @property
    def body(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "body"]


def _words(s: str) -> int:
    return len(s.split())


_SIGN_OFF_RE = re.compile(r"^[\"“].+[\"”]\s*[―—–-]+\s*\S")


def _headline_like(line: str) -> bool:
    """Short, no sentence-final punctuation: a heading, menu entry or link text."""
    s = line.strip()
    # “Quote.” ― Name: a quotation signed off (the cheap tests first: most lines open
    # with no quote mark, and most quoted lines hold no dash)
    if not s or (s[0] in "\"“" and any(dash in s for dash in "―—–-") and _SIGN_OFF_RE.match(s)):
        return False
    if s.endswith(_TERMINAL) and (not s.endswith(("'", "’")) or s.endswith(("''", ".'", ",'", "?'", "!'", ".’", "?’", "!’"))):
        return False
    return _words(s) <= 14


def analyse(text: str) -> Layout:
    """Classify each paragraph of ``text`` and pull out title, byline, dateline."""
    paras = _paragraphs(text)
    lay = Layout()
    if not paras:
        return lay
    # Is this a page dump where body paragraphs are separated by blank lines and page
    # furniture comes in runs of single-newline lines?
    blank_sep = text.count("\n\n")
    dense_runs = blank_sep >= 3
    kinds: list[str] = []
    low = lower_ascii(text)  # (of the same length: offsets hold)
    credit_words = _credit_anywhere(low)
    for k, (s, e) in enumerate(paras):
        line = text[s:e]
        first = line[0]
        if (first in _BULLET_FIRST or first.isdecimal()) and _BULLET_RE.match(line) and _words(line) <= 25:
            kinds.append("list")
        elif (first in _NAV_FIRST or not first.isascii() and first.isalpha()) and _NAV_RE.match(line):
            kinds.append("nav")
        elif (line[:1] in ("c", "C", "©") or (credit_words and _credit_anywhere(low[s:e]))) and _CONTRIB_RE.search(line):
            kinds.append("credit")
        elif _headline_like(line):
            kinds.append("heading")
        else:
            kinds.append("body")
    # Byline and title near the top.
    for k, (s, e) in enumerate(paras[:8]):
        line = text[s:e]
        m = _BYLINE_RE.match(line) if line[0] in "BF" else None
        if m and lay.byline is None and _words(line) <= 12:
            lay.byline = m.group(1).strip().rstrip(",")
            kinds[k] = "byline"
    for k, (s, e) in enumerate(paras[:6]):
        if kinds[k] in ("heading",) and _words(text[s:e]) >= 3:
            lay.title = text[s:e].strip()
            kinds[k] = "title"
            break
        if kinds[k] == "body" and k == 0 and _words(text[s:e]) <= 25 and not text[s:e].rstrip().endswith((",",)) and not _QUOTE_MARK_RE.search(text[s:e]):
            # a headline that happens to end with a full stop
            if k + 1 < len(paras) and text[e : paras[k + 1][0]].count("\n") >= 2:
                lay.title = text[s:e].strip().rstrip(".")
                kinds[k] = "title"
            break
    if dense_runs:
        # Lines glued to neighbours by a single newline, in a run that holds headings or
        # bullets, are page furniture even when they read like sentences (story blurbs).
        runs: list[list[int]] = []
        for k in range(len(paras)):
            if k and text[paras[k - 1][1] : paras[k][0]].count("\n") == 1:
                runs[-1].append(k)
            else:
                runs.append([k])
        for run in runs:
            if len(run) < 2:
                continue
            furniture = sum(1 for k in run if kinds[k] in ("heading", "list", "nav", "byline", "title"))
            if furniture * 2 >= len(run) - 1 and furniture >= 1:
                for k in run:
                    if kinds[k] == "body":
                        kinds[k] = "blurb"
    # After the credit line ("... contributed to this report") the rest is furniture.
    credit = next((k for k, kd in enumerate(kinds) if kd == "credit"), None)
    if credit is not None and credit >= len(kinds) // 3:
        for k in range(credit + 1, len(kinds)):
            if kinds[k] == "body":
                kinds[k] = "blurb"
    # Dateline on the first body paragraph.
    for k, (s, e) in enumerate(paras):
        if kinds[k] != "body":
            continue
        line = text[s:e]
        m = _DATELINE_PAREN_RE.match(line)
        if m and _words(m.group(1)) <= 6:
            lay.dateline = line[: m.end()].rstrip(" -—–:").strip()
            lay.publisher = m.group(2).strip()
            lay.dateline_end = s + m.end()
        else:
            m = _DATELINE_RE.match(line)
            if m and m.group(1).isupper() or (m and _words(m.group(1)) <= 4 and "," in m.group(1)):
                lay.dateline = m.group(1).strip()
                lay.publisher = m.group(2) or None
                lay.dateline_end = s + m.end()
        break
    blocks: list[Block] = []
    wrapped = "\n\n" in text  # blank lines separate paragraphs: a single line break wraps
    for (s, e), kd in zip(paras, kinds):
        last = blocks[-1] if blocks else None
        if (
            wrapped and last is not None and kd == last.kind == "body"
            and text[last.end : s].count("\n") == 1
            and text[last.end - 1] not in _LINE_END and text[s].islower()
        ):
            last.end = e  # a sentence that runs on over the line break
        else:
            blocks.append(Block(s, e, kd))
    lay.blocks = blocks
    return lay
