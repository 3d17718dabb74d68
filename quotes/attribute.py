"""Attribute quoted spans to speakers with word patterns around each quote.

Each quote's sentence is read with every quotation masked out, so the frame ("X said",
"said X, a spokesman for Y", "according to X", "X told CNN:") is visible. Mentions are
read by walking tokens from the cue verb; short names, pronouns and descriptions are
resolved against the names the article gives. Every attribution records its method, and
the method (with a few signals) sets its confidence.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from .layout import Layout
from .lexicon import (
    NON_NAME_CAPS,
    ORG_NOUNS,
    ROLE_NOUNS,
    ROLE_WORDS,
    SPEECH_VERBS,
    STRONG_VERBS,
    TITLES,
    WEAK_VERBS,
)
from .marks import Span
from .model import Quote
from .names import Names, clean_role, parse, scan_names

_TOKEN_RE = re.compile(
    r"(?:[Hh]e|[Ss]he|[Ii]t|[Ww]e|[Tt]hey|I|[Yy]ou|[Ww]ho)(?=['’](?:s|re|ll|d|ve|m)\b)|['’](?:s|re|ll|d|ve|m)\b|"
    r"[A-Za-z0-9\u00C0-\u024F][\w'’\-\.&\u00C0-\u024F]*|#+|[^\w\s]"
)
_ABBREV = set(
    """mr mrs ms dr st sen rep gov gen lt col sgt jr sr u.s u.n u.k a.m p.m inc co corp no
    jan feb aug sept sep oct nov dec vs etc mt ft rev prof capt adm cmdr maj pres d.c
    e.g i.e ph.d""".split()
)
_PREPS = {
    "to", "with", "in", "for", "from", "by", "of", "about", "at", "on", "against", "than",
    "like", "toward", "towards", "into", "over", "under", "between", "among", "behind",
    "unlike", "including", "as", "via", "upon", "after", "before", "during", "while",
    "without", "within", "despite", "through", "across", "around", "beyond", "since", "until",
    "except", "near", "off", "onto", "per", "amid", "among",
}
_SKIP_BACK = {
    "also", "then", "later", "has", "had", "have", "was", "is", "would", "will", "once",
    "recently", "again", "further", "previously", "repeatedly", "just", "reportedly",
    "publicly", "privately", "simply", "quickly", "flatly", "angrily", "has", "did",
    "does", "do", "had", "often", "frequently", "still", "famously", "memorably", "even",
    "already", "not", "never", "always", "once", "could", "might", "may", "can", "should",
    "must", "shall", "been", "being", "be", "were", "are", "am", "went", "on", "to",
}
_DETS = {"the", "a", "an", "one", "another", "his", "her", "their", "its", "our", "some",
         "several", "two", "three", "four", "many", "most", "other", "both", "this", "that"}
_PRONOUNS = {"he", "she", "they", "it", "i", "we", "who", "you"}
_FWD_STOP = {
    "in", "on", "during", "at", "after", "before", "when", "while", "who", "that", "adding",
    "told", "to", "and", "but", "as", "last", "this", "on", "from", "of", "about", "via",
    "yesterday", "today", "tonight", "earlier", "later", "recently", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "with", "referring", "speaking",
    "said", "says", "added", "because", "if", "than", "he", "she", "they", "it", "had", "has",
    "have", "is", "was", "were", "are", "will", "would", "could", "should", "can", "may",
    "might", "do", "does", "did", "not", "been", "be", "being", "i", "we",
}
_ACCORDING = re.compile(r"\b[Aa]ccording\s+to\s+")
_POSTPOSED_RE = re.compile(r"[,#]\s*([a-z]+)\s+(?:[\w’']+\s+){0,3}$")
# he|his|him|himself (group 1) or she|her|hers|herself as whole words; the first letter
# comes first so that the engine can skip to the next h or s
_HE_SHE_RE = re.compile(r"[hs](?<=\b[hs])(?:(?<=h)(e|is|im|imself)\b|(?<=s)(he)\b|(?<=h)(er|ers|erself)\b)")
_SO_CALLED_RE = re.compile(r"\bso[- ]called\s*$", re.I)
_TRANSCRIPT_RE = re.compile(r"^([A-Z][A-Z.'’\- ]{1,40}[A-Z.]):\s")

_LEAD_RE = re.compile(
    r"(?:(?:On|In|At|During|After|Before|While|When|Since|Earlier|Later|Meanwhile|However|"
    r"But|And|Still|Yet|So|Also|Then|Now|Last|This|Speaking|Asked|Instead|Indeed|Separately|"
    r"Similarly|Afterward|Afterwards|Overnight|Today|Yesterday|Tonight|For|As|Like|Unlike|"
    r"Despite|Although|Though|If|Because|Once|Until|Following|Under|With|Without|By|Here|There|"
    r"Outside|Inside|Later|Back|Elsewhere|Overall|Afterward|Still)\b[^,.]{0,60},\s*(?:\d{4},\s*)?|"
    r"(?:[\w’'-]+\s+){0,4}(?:later|ago|earlier|afterward|afterwards|since)\s*,\s*)?"
    r"(?:(?:But|And|So|Yet|Still|Then|Now|Meanwhile|Also)\s+)?"
)

# A person introduced with an appositive role: "..., Dana Reyes, the county engineer"
_ROLE_HEADS = (r"(?:president|chairman|chairwoman|chair|director|head|founder|leader|spokesman|spokeswoman|"
               r"spokesperson|professor|executive|manager|chief|member|strategist|adviser|advisor|analyst|"
               r"lawyer|attorney|official|economist|pastor|organizer|activist|owner|mayor|governor|senator|secretary)")
_INTRODUCED_RE = re.compile(rf",\s+(?:(?:the|a|an)\s+(?:[\w\-’']+\s+){{0,4}}?{_ROLE_HEADS}\b|{_ROLE_HEADS}\s+(?:of|at|for)\b)")
_INVERTED_RE = re.compile(r"\s*(Said|Says|Added|Adds|Asked|Asks|Wrote|Writes|Recalled|Explained|Noted)\s+(?=[A-Z])")
_NICKNAME_RE = re.compile(r"[\"“'‘][A-Z][\w.'’\- ]{0,10}[\"”'’]")
_NICKNAME_IN_RE = re.compile(r"(?<=\w) [\"“'‘][A-Z][\w.'’\- ]{0,10}[\"”'’](?= [A-Z])")
# Lowercase words ending in a role noun between two names: the first name modifies
_MODIFIER_RE = re.compile(r"(?:['’]s)?((?:\s+[a-z][a-z\-]*){1,3})\s+")


_WORD_RE = re.compile(r"[\w'’.\-]+|#+|[^\w\s]")
_REV_WORD_RE = re.compile(r"[\w.]+")


def _attrib_after(m: str, s: int, e: int, final: str = ".") -> bool:
    """Does text at ``s`` read as a quote's attribution ("Trump asked.", "said Mr. X")?

    After a quote that ends with a full stop, only a short tail counts ("..." Trump
    said.), not a new sentence ("..." Sanders called Trump a liar.)."""
    words = [w.rstrip(".") or w for w in _WORD_RE.findall(m, s, e)[:8]]
    if not words:
        return False
    w0 = words[0]
    if w0 in STRONG_VERBS:
        return len(words) > 1 and (words[1][:1].isupper() or words[1] in ("the", "a", "an", "he", "she"))
    for k, w in enumerate(words):
        if w in STRONG_VERBS:
            if k > 6:
                return False
            if final == ".":
                vm = re.search(rf"\b{re.escape(w)}\b", m[s:e])
                tail = m[s + vm.end() : e] if vm else ""
                end = _TAIL_END_RE.match(tail)
                return bool(end) and (tail[:1] == "," or len(end.group().split()) <= 6)
            return True
        if w.lower() in ("he", "she", "they", "i", "we") and k == 0:
            continue
        if w.startswith("#") and len(w) <= 14 and k > 0 and words[k - 1][:1].isupper():
            continue  # a nickname: Dana "Dee" Reyes
        if w in ("also", "later", "then", "had", "has") or (k == 0 and w in ("the", "a", "an", "his", "her", "their", "one", "another")) or (k > 0 and w.islower() and k <= 3 and words[0] in ("the", "a", "an", "his", "her", "their", "one", "another")):
            continue
        if not (w[:1].isupper() or w in (",",) or w.lower() in ROLE_WORDS):
            return False
    return False


_LOWER_WORD_RE = re.compile(r"[a-z][a-z\-]+")
_PREV_WORD_RE = re.compile(r"([\w'’]+)\W*$")
_NOUN_PREPS = {"of", "for", "in", "on", "at", "with", "from", "about", "into", "by"}
_NOUN_BEFORE = {"the", "a", "an", "his", "her", "their", "its", "this", "that", "these", "those", "our",
                "my", "your", "whose", "recent", "latest", "new", "such", "public", "previous", "earlier",
                "many", "some", "several", "few", "no", "two", "three", "own", "similar", "other", "first"}

# Confidence by method: the share of quotes attributed that way whose speaker was right,
# measured on a development corpus of news articles (see quotes/evaluate.py), rounded.
CONFIDENCE = {
    "post-posed": 0.98,
    "named-subject": 0.96,
    "pronoun": 0.95,
    "according-to": 0.92,
    "paragraph-carry": 0.92,
    "colon": 0.9,
    "transcript": 0.85,
    "sign-off": 0.85,
    "description": 0.85,
    "continued": 0.82,
    "sentence-cue": 0.79,
    "previous-quote": 0.72,
    "sentence-subject": 0.67,
    "previous-sentence": 0.57,
    "previous-paragraph": 0.62,
    "none": 0.1,
}


_WEAK_METHODS = {"sentence-subject", "paragraph-carry", "sentence-cue", "previous-sentence", "previous-paragraph"}


@dataclass
class Found:
    start: int
    end: int
    role: str | None
    cue: str | None
    cue_pos: int | None
    method: str
    antecedent: tuple[int, int] | None = None  # what "who" stands for


# Patterns used below, compiled once
_TAIL_END_RE = re.compile(r"[^.!?#]{0,50}?(?:[.!?]|$)")
# A capitalised word after a lowercase word, comma or semicolon and a space (the class
# comes first so that the engine can skip to the next capital)
_MIDSENTENCE_CAP_RE = re.compile(r"[A-Z](?<=[a-z,;] [A-Z])[\w'’\-]+")
_SENTENCE_BREAK_RE = re.compile(r"[.!?][\"”’)]?(\s+)(?=[#A-Z0-9“\"‘'(])")
_INITIALS_RE = re.compile(r"(?:[a-z]\.)+[a-z]")
_CUE_OBJECT_RE = re.compile(r"(?:\s+(?:in an? (?:statement|interview|email|e-mail|tweet|post|letter|speech|op-ed|video)|on (?:Twitter|Facebook|Instagram|CNN|Fox(?: News)?|MSNBC|NBC|CBS|ABC)|(?:to )?(?:reporters|CNN|the crowd|supporters|an audience|the audience|journalists)|of|about))?")
_POST_LEAD_RE = re.compile(r"[ \t\u00a0]*,?[ \t\u00a0]*(?:—|--|–|―|-)?[ \t\u00a0]*")
_DASH_RE = re.compile(r"[—–―-]")
_LOWER_NEXT_RE = re.compile(r"\s*[a-z]")
_POST_VERB_RE = re.compile(r"([A-Za-z]+)(?:\s+(?:also|then|later|again))?\s+")
_NAME_CLOSE_RE = re.compile(r"\s*(?:[,.;]|$)")
_PUNCT_NEXT_RE = re.compile(r"\s*[.,;]")
_ROLE_WORDS_RE = re.compile(r"(?:[A-Za-z][\w’'\-]*\s+){1,3}")
_COMMA_VERB_RE = re.compile(r"[^.!?#;]{1,120}?,\s*([a-z]+)\s+")
_ED_VERB_RE = re.compile(r"((?:the |a |an |his |her |their )?[\w’'.\- ]{1,60}?) (?:also |then |later )?([a-z]+ed)\b")
_ADJACENT_RE = re.compile(r"[\s\w’'\.\-,]{0,60}?(?:that|:|,)?\s*")
_THAT_ONLY_RE = re.compile(r"[\s,:]*(?:that\s*)?")
_BY_RE = re.compile(r"\s+by\s+")
_AND_ONLY_RE = re.compile(r"[\s,]*(?:and\s+)?")
_COLON_INTRO_RE = re.compile(r"(?:^|[.;]\s)(?:(?:Said|Says|Added|Asked|Wrote)\s+)?([A-Z][\w.’'\- ]{1,40}):\s*$")
_THAT_BETWEEN_RE = re.compile(r"\s*(?:that\s+)?")
_THAT_CLAUSE_RE = re.compile(r"[^.;:#,]*\bthat\s+")
_PLACE_COMMA_RE = re.compile(r",\s*(?:(?:on|in|at|last|this)\s+[\w ]{1,20}?,\s*)?")
_CAP_NEXT_RE = re.compile(r"\s+[A-Z]")
_THAT_END_RE = re.compile(r"\b(?:that)$")


def _mask(text: str, spans: list[Span]) -> str:
    """``text`` with every quote, marks included, overwritten with "#", except that a
    quote's final punctuation stays in place of its closing mark."""
    if all(0 <= a.outer_start <= a.outer_end <= b.outer_start for a, b in zip(spans, spans[1:])) and (
        not spans or 0 <= spans[-1].outer_start <= spans[-1].outer_end <= len(text)
    ):
        parts = []
        pos = 0
        for sp in spans:
            n = sp.outer_end - sp.outer_start
            inner_last = text[sp.end - 1] if sp.end > sp.start else ""
            parts.append(text[pos : sp.outer_start])
            if inner_last and inner_last in ".,!?;:—-" and n:
                parts.append("#" * (n - 1) + inner_last)
            else:
                parts.append("#" * n)
            pos = sp.outer_end
        parts.append(text[pos:])
        return "".join(parts)
    chars = list(text)  # spans out of order or overlapping: the later one wins
    for sp in spans:
        inner_last = text[sp.end - 1] if sp.end > sp.start else ""
        n = sp.outer_end - sp.outer_start
        fill = ["#"] * n
        if inner_last and inner_last in ".,!?;:—-" and n:
            fill[-1] = inner_last
        chars[sp.outer_start : sp.outer_end] = fill
    return "".join(chars)


class _Doc:
    """The article's text with quotes masked, its sentences and its names."""

    def __init__(self, text: str, layout: Layout, spans: list[Span]):
        self.text = text
        self.layout = layout
        self.spans = spans
        self.masked = _mask(text, spans)
        self.blocks = [(b.start, b.end) for b in layout.blocks if b.kind in ("body", "heading", "title")]
        self._block_starts = [b[0] for b in self.blocks]
        self.body_blocks = [(b.start, b.end) for b in layout.blocks if b.kind == "body"]
        self._reversed = self.masked[::-1]
        self.sentences: list[tuple[int, int]] = []
        for s, e in self.blocks:
            self.sentences.extend(self._split(s, e))
        self._sentence_starts = [s for s, _ in self.sentences]
        self.names = Names()
        self.mentions = scan_names(
            self.masked, [(b.start, b.end) for b in layout.blocks if b.kind == "body" or (b.kind == "title" and not _headline_case(text[b.start : b.end]))]
        )
        for ms, me, men in self.mentions:
            if men.name:
                self.names.add(men.name, men.kind, men.role, ms, men.gender)
        self.names.finish()
        # Mentions that open a sentence (after a short adverbial) are its subjects: the
        # likeliest antecedents of "he" and "she".
        starts = set()
        for ss, se in self.sentences:
            if layout.dateline_end and ss < layout.dateline_end <= se:
                ss = layout.dateline_end
            mt = _LEAD_RE.match(self.masked, ss, se)
            starts.add(mt.end() if mt else ss)
        start_list = sorted(starts)
        self.subjects = []
        for n_men, (ms, me, men) in enumerate(self.mentions):
            mod = _MODIFIER_RE.fullmatch(self.masked, me, self.mentions[n_men + 1][0]) if n_men + 1 < len(self.mentions) else None
            if mod and mod.group(1).split()[-1] in ROLE_NOUNS and not any(w in SPEECH_VERBS for w in mod.group(1).split()):
                continue  # "Rivera campaign spokesman Jane Roe said": Rivera only modifies
            k = bisect.bisect_right(start_list, ms) - 1
            if k < 0:
                continue
            if self.masked[me - 2 : me] in ("'s", "’s") or self.masked[me : me + 2] in ("'s", "’s"):
                continue  # "Clinton's lawyer said": the possessor is not the subject
            # "..., Dana Reyes, the county engineer": a person introduced is as salient as a subject
            introduced = men.kind == "person" and men.name is not None and " " in men.name and bool(_INTRODUCED_RE.match(self.masked, me))
            if ms - start_list[k] > 80:
                pv = _POSTPOSED_RE.search(self.masked, max(0, ms - 40), ms)
                if introduced or (pv and pv.group(1) in STRONG_VERBS):
                    self.subjects.append((ms, me, men))  # "..., noted NBC's Ann Reyes."
                continue
            lead = self.masked[start_list[k] : ms]
            # "Trump campaign spokesman Jason Miller said": only a role before the name
            words = lead.split()
            if not lead or lead.lower() == "the " or (
                len(words) <= 6 and lead.endswith(" ") and all(
                    w[:1].isupper() or w.lower() in ROLE_WORDS or w.lower() in ROLE_NOUNS or w in ("of", "the", "for", "and")
                    or (w.isalpha() and w.islower() and words[-1] in ROLE_NOUNS and all(x.isalpha() and x.islower() for x in words[n:]))
                    for n, w in enumerate(words)
                )
            ) or introduced:
                self.subjects.append((ms, me, men))
        self._learn_genders()
        self.speakers: list[tuple[int, str]] = []  # (position, canonical person) as found
        self.subject_ents: list | None = None
        self._counts: dict[str, int] | None = None
        self.person_ents: list = []
        self.acronyms: dict[str, str] | None = None

    @cached_property
    def midsentence_caps(self) -> set[str]:
        """Capitalised words that follow a lowercase word, a comma or a semicolon."""
        return set(_MIDSENTENCE_CAP_RE.findall(self.masked))

    def _learn_genders(self) -> None:
        """Gender from the article itself: the pronouns that follow a person as subject."""
        votes: dict[str, list[int]] = {}
        starts = [s for s, _ in self.sentences]
        for ms, me, men in self.subjects:
            if men.kind != "person" or not men.name:
                continue
            ent = self.names.canonical(men.name)
            if ent is None or ent.gender:
                continue
            k = bisect.bisect_right(starts, ms) - 1
            if k < 0:
                continue
            end = self.sentences[k][1]
            window = self.masked[me : min(end, me + 400)].lower()
            v = votes.setdefault(ent.name, [0, 0])
            for he, _, _ in _HE_SHE_RE.findall(window):
                v[0 if he else 1] += 1
        for name, (m, f) in votes.items():
            ent = self.names.entities.get(name)
            if ent is not None and not ent.gender and abs(m - f) >= 3:
                ent.gender = "m" if m > f else "f"

    def entity_counts(self) -> dict[str, int]:
        if self._counts is None:
            self._counts = {}
            for ms, me, men in self.mentions:
                if men.kind == "person" and men.name:
                    ent = self.names.canonical(men.name)
                    if ent is not None:
                        self._counts[ent.name] = self._counts.get(ent.name, 0) + 1
        return self._counts

    def _split(self, s: int, e: int) -> list[tuple[int, int]]:
        m = self.masked
        out = []
        start = s
        for mt in _SENTENCE_BREAK_RE.finditer(m[s:e]):
            dot = s + mt.start()
            # the word before the mark: the run of [\w.] that ends there, read backwards
            n = len(m)
            word = _REV_WORD_RE.match(self._reversed, n - dot, n - max(start, dot - 40))
            w = m[dot - word.end() + word.start() : dot].lower() if word else ""
            if m[dot] == "." and (w in _ABBREV or (len(w) == 1 and w.isalpha()) or _INITIALS_RE.fullmatch(w)):
                continue
            if dot > 0 and m[dot - 1] == "#" and _attrib_after(m, s + mt.end(), min(e, s + mt.end() + 120), m[dot]):
                continue  # "Why?" Trump asked.
            end = s + mt.start(1)
            out.append((start, end))
            start = s + mt.end()
        out.append((start, e))
        return out

    def sentence_of(self, pos: int) -> tuple[int, int]:
        """The sentence holding ``pos`` (sentences are sorted and disjoint), else (pos, pos)."""
        k = bisect.bisect_right(self._sentence_starts, pos) - 1
        if k >= 0 and pos < self.sentences[k][1]:
            return self.sentences[k]
        return pos, pos

    def block_of(self, pos: int) -> int:
        k = bisect.bisect_right(self._block_starts, pos) - 1
        if k >= 0 and pos < self.blocks[k][1]:
            return k
        return -1


# How far from a quote (in characters) attribution looks: keeps the work per quote bounded
# on pathological input (a whole page in one sentence).
_WINDOW = 400


def _clamp(sentence: tuple[int, int], sp: Span) -> tuple[int, int]:
    """The quote's sentence, cut to a window around the quote."""
    ss, se = sentence
    return max(ss, sp.outer_start - _WINDOW), min(se, sp.outer_end + _WINDOW)


def _headline_case(line: str) -> bool:
    words = [w for w in line.split() if w[:1].isalpha() and len(w) > 3]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)


def _tokens(text: str, s: int, e: int) -> list[tuple[int, int, str]]:
    return [(*m.span(), m[0]) for m in _TOKEN_RE.finditer(text, s, e)]


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper() or (tok[:3] in ("al-", "el-") and tok[3:4].isupper())


def _np_back(doc: _Doc, s: int, v: int, loose: bool = False) -> Found | None:
    """The speaker mention that ends just before position ``v`` (a cue verb)."""
    toks = _tokens(doc.masked, max(s, v - _WINDOW), v)
    i = len(toks) - 1
    while i >= 0 and toks[i][2].lower() in _SKIP_BACK and toks[i][2][:1].islower():
        i -= 1
    if i >= 0 and toks[i][2] == ")":
        # "Sen. John Cornyn (R-Texas) said"
        j = i - 1
        while j >= 0 and toks[j][2] != "(" and i - j < 12:
            j -= 1
        if j >= 0 and toks[j][2] == "(":
            inner = _np_end(doc, toks, j - 1)
            if inner is not None:
                inner.end = toks[i][1]
                return inner
    while i >= 0 and toks[i][2].endswith("ly") and toks[i][2].islower() and len(toks[i][2]) > 4:
        i -= 1
    if i >= 2 and toks[i][2] == "and" and toks[i - 1][2].islower() and toks[i - 1][2].endswith(("ed", "ied")) and toks[i - 2][2] not in (",",):
        i -= 2  # "he laughed and said"
    if i < 0:
        return None
    role = None
    if toks[i][2] == ",":
        # An appositive or relative clause between commas: "X, a spokesman for Y, said".
        j = i - 1
        commas = 0
        while j >= 0 and i - j < 40:
            t = toks[j][2]
            if t in ("#", ";", ":", "(", ")") or t.startswith("#"):
                break
            if t == ",":
                commas += 1
                found = _np_end(doc, toks, j - 1)
                opener = toks[j + 1][2].lower() if j + 1 < len(toks) else ""
                if found and (opener in _DETS or opener in ("who", "whose", "which", "who's") or opener in ROLE_NOUNS
                              or opener in ROLE_WORDS or opener[:1].isdigit() or _is_cap(toks[j + 1][2]) or opener == "the"
                              or (found.method == "named-subject" and _is_cap(toks[j - 1][2]))):
                    app = doc.masked[toks[j + 1][0] : toks[i - 1][1]]
                    if opener in ("a", "an", "the") and len(app.split()) <= 12:
                        role = clean_role(app.split()) if opener != "the" else app[4:]
                        if role and role.lower().split()[0] not in ROLE_NOUNS and role.lower().split()[0] not in ROLE_WORDS and not any(w in ROLE_NOUNS for w in role.lower().split()[:3]):
                            role = None
                    found.role = found.role or role
                    return found
                if commas >= 4:
                    break
            j -= 1
        return None
    return _np_end(doc, toks, i, loose)


def _np_end(doc: _Doc, toks: list[tuple[int, int, str]], i: int, loose: bool = False, after_prep: bool = False) -> Found | None:
    """A mention ending at token ``i`` (inclusive), or None."""
    if i < 0:
        return None
    t = toks[i][2]
    low = t.lower()
    if low in _PRONOUNS:
        if i > 0 and toks[i - 1][2].lower() in _PREPS:
            return None
        f = Found(toks[i][0], toks[i][1], None, None, None, "pronoun")
        if low in ("who", "which") and i > 0:
            k = i - 2 if toks[i - 1][2] == "," else i - 1
            ante = _np_end(doc, toks, k)
            if ante is None:
                return None
            f.antecedent = (ante.start, ante.end)
        return f
    if _is_cap(t) and t.rstrip(".") not in NON_NAME_CAPS or (t in TITLES):
        j = i
        while j - 1 >= 0:
            p = toks[j - 1][2]
            if _is_cap(p) and (p.rstrip(".") not in NON_NAME_CAPS or p in TITLES):
                j -= 1
            elif p.startswith("#") and len(p) <= 14 and j - 2 >= 0 and _is_cap(toks[j - 2][2]) and toks[j - 2][2].rstrip(".") not in NON_NAME_CAPS and _NICKNAME_RE.fullmatch(doc.text, toks[j - 1][0], toks[j - 1][1]):
                j -= 1  # a nickname inside the name: Dana "Dee" Reyes
            elif p.lower() in ROLE_WORDS and p.islower() and j - 2 >= 0 and (_is_cap(toks[j - 2][2]) or toks[j - 2][2].lower() in ROLE_WORDS):
                j -= 1
            elif p.lower() in ("de", "van", "von", "der", "del", "la", "le", "bin", "al", "el", "di", "du", "da") and j - 2 >= 0 and _is_cap(toks[j - 2][2]):
                j -= 1
            elif p in ("&",) and j - 2 >= 0 and _is_cap(toks[j - 2][2]):
                j -= 1
            else:
                break
        while j <= i and toks[j][2].islower():
            j += 1
        if j > i:
            return None
        if j - 1 >= 0 and toks[j - 1][2].lower() == "the":
            j -= 1
        elif j - 1 >= 0 and toks[j - 1][2].lower() in _PREPS and toks[j - 1][2].lower() not in ("as",):
            if i - j < 2 and not after_prep and not any(x[2] in TITLES for x in toks[j : i + 1]):
                return None
        words = [x[2] for x in toks[j : i + 1]]
        if all(w.rstrip(".") in NON_NAME_CAPS and w not in TITLES for w in words if w.lower() != "the"):
            return None
        return Found(toks[j][0], toks[i][1], None, None, None, "named-subject")
    # A description: "a spokesman for the campaign", "the Republican nominee".
    lo = max(0, i - 9)
    best = None
    for j in range(i, lo - 1, -1):
        w = toks[j][2]
        if w == "and" and best is None and 1 < j < i and toks[j + 1][2].lower() not in _DETS and (
            any(x[2] in ROLE_NOUNS for x in toks[max(0, j - 3) : j])
        ) and any(x[2].lower() in ROLE_NOUNS for x in toks[j + 1 : i + 1]):
            continue  # "the former governor and current nominee": one person, two roles
        if w in (",", ";", ":", "(", ")", "—", "-") or w.startswith("#") or w.lower() in ("said", "says", "that", "and", "but", "who", "which"):
            break
        if w.lower() in _DETS or (w.endswith(("'s", "’s")) and _is_cap(w)):
            span = [x[2].lower().strip(",.") for x in toks[j + 1 : i + 1]]
            if any(x in ROLE_NOUNS for x in span[:5]) or (loose and (j == 0 or toks[j - 1][2].lower() in _BOUNDARY) and len(span) <= 4):
                if j - 1 >= 0 and toks[j - 1][2].lower() in _PREPS:
                    continue
                best = j
    if best is None:
        # bare plural or role noun: "officials said", "critics say"
        if low in ROLE_NOUNS and t.islower():
            j = i
            while j - 1 >= 0 and toks[j - 1][2].islower() and toks[j - 1][2] not in _PREPS and toks[j - 1][2].isalpha() and i - j < 3 and toks[j - 1][2] not in ("said", "says", "that", "and"):
                j -= 1
            return Found(toks[j][0], toks[i][1], None, None, None, "description")
        return None
    return Found(toks[best][0], toks[i][1], None, None, None, "description")


def _np_forward(doc: _Doc, p: int, limit: int, after_verb: bool = False) -> Found | None:
    """The speaker mention starting at ``p`` ("said Jalal el-Gallal, a spokesman ...")."""
    toks = _tokens(doc.masked, p, min(limit, p + _WINDOW))
    if not toks:
        return None
    t = toks[0][2]
    low = t.lower()
    if low in _PRONOUNS and low not in ("who", "which"):
        return Found(toks[0][0], toks[0][1], None, None, None, "pronoun")
    end = None
    method = "post-posed"
    lead = 0
    if low in ("former", "retired", "then", "late", "veteran", "longtime", "top", "senior", "acting", "interim") or (
        (t.islower() or t[:1].isdigit()) and (low in ROLE_WORDS or (after_verb and low not in _DETS and low not in _FWD_STOP and low not in _PREPS))
    ):
        # "said former Obama adviser David Axelrod": lowercase role words before a name
        k = 0
        while k < len(toks) and k < 6 and ((toks[k][2].islower() or not toks[k][2][:1].isalpha()) and (toks[k][2] in ROLE_WORDS or toks[k][2] in ROLE_NOUNS or toks[k][2] in ("former", "retired", "then", "late", "veteran", "longtime", "top", "senior", "acting", "interim") or (after_verb and (toks[k][2].isalpha() or toks[k][2][:1].isdigit() or toks[k][2] == "/") and toks[k][2] not in _FWD_STOP and toks[k][2] not in _PREPS and toks[k][2] not in _DETS)) or _is_cap(toks[k][2])):
            if _is_cap(toks[k][2]):
                break
            k += 1
        if 0 < k < len(toks) and _is_cap(toks[k][2]):
            lead = k
            t = toks[k][2]
            low = t.lower()
    if _is_cap(t) and t.rstrip(".") not in NON_NAME_CAPS or t in TITLES or low == "the" and len(toks) > lead + 1 and _is_cap(toks[lead + 1][2]):
        k = lead + (1 if low == "the" else 0)
        while k < len(toks):
            w = toks[k][2]
            if _is_cap(w) or (w.lower() in ROLE_WORDS and w.islower() and k + 1 < len(toks) and (_is_cap(toks[k + 1][2]) or toks[k + 1][2].lower() in ROLE_WORDS)) or (
                w.startswith("#") and k > lead and k + 1 < len(toks) and _is_cap(toks[k + 1][2]) and _NICKNAME_RE.fullmatch(doc.text, toks[k][0], toks[k][1])
            ) or (
                w.lower() in ("de", "van", "von", "der", "del", "la", "le", "bin", "al", "el", "di", "du", "da") and k + 1 < len(toks) and _is_cap(toks[k + 1][2]) and k > 0
            ) or (w in ("of", "for") and k > 0 and toks[k - 1][2] in TITLES and k + 1 < len(toks) and _is_cap(toks[k + 1][2])) or w == "&":
                k += 1
            else:
                break
        if k == lead or (k == lead + 1 and low == "the"):
            return None
        if low == "the":
            r = k
            while r < len(toks) and r < k + 3 and toks[r][2].islower() and (toks[r][2] in ROLE_NOUNS or toks[r][2] in ROLE_WORDS):
                r += 1
            if r > k and toks[r - 1][2] in ROLE_NOUNS:
                k = r  # "the Republican nominee", "the White House spokesman"
                method = "description"
        end = toks[k - 1][1]
        last = toks[k - 1][2]
        if last.endswith(".") and len(last) > 2 and last not in TITLES and last.rstrip(".") not in ("Jr", "Sr", "Inc", "Co", "Corp", "Ltd") and last.count(".") == 1:
            end -= 1
        if toks[k - 1][2] in ("of", "for", "&"):
            end = toks[k - 2][1]
        nxt = k
    elif low in _DETS or (low in ROLE_NOUNS and t.islower()):
        k = 1
        while k < len(toks) and k < 10:
            w = toks[k][2]
            if w in (",", ".", ";", ":", "(", ")", "—", "?", "!") or w.startswith("#") or (w.lower() in _FWD_STOP and w.lower() not in ("of", "to")):
                break
            k += 1
        words = [x[2].lower().strip(",.") for x in toks[:k]]
        heads = [n for n, w in enumerate(words[:6]) if w in ROLE_NOUNS]
        if not heads:
            if not after_verb or low in ("that", "this"):
                return None
            k = min(k, 4)  # an unknown head: keep it short ("the new study")
        else:
            r = heads[0]
            while r + 1 < k and r + 1 < 6 and words[r + 1] in ROLE_NOUNS:
                r += 1
            if r + 1 < k and words[r + 1] in ("of", "for", "at", "with", "to"):
                r = k - 1
            k = r + 1
        end = toks[k - 1][1]
        nxt = k
        method = "description"
    else:
        return None
    role = None
    if nxt + 1 < len(toks) and toks[nxt][2] == "," and toks[nxt + 1][2].lower() in ("a", "an", "the") or (nxt < len(toks) and toks[nxt][2] == "," and nxt + 1 < len(toks) and toks[nxt + 1][2].lower() in ROLE_WORDS):
        k = nxt + 1
        while k < len(toks) and toks[k][2] not in (",", ".", ";", "(", "—") and not toks[k][2].startswith("#") and toks[k][2].lower() not in ("who", "which", "said", "told", "adding", "in", "on") or (k < len(toks) and toks[k][2].lower() in ("in", "on") and k - nxt < 3):
            k += 1
        app = doc.masked[toks[nxt + 1][0] : toks[k - 1][1]]
        words = app.split()
        if 1 <= len(words) <= 14:
            role = clean_role(words)
    return Found(toks[0][0], end, role, None, None, method)


def _verbs(doc: _Doc, s: int, e: int) -> list[tuple[int, int, str]]:
    """Speech verbs in masked text[s:e] (start, end, word)."""
    out = []
    seg = doc.masked[s:e]
    for m in _LOWER_WORD_RE.finditer(seg):
        w = m.group()
        if w in SPEECH_VERBS and (m.start() == 0 or not seg[m.start() - 1].isalnum()):
            prev = _PREV_WORD_RE.search(seg[max(0, m.start() - 30) : m.start()])
            pw = prev.group(1).lower() if prev else ""
            if pw in _NOUN_BEFORE or pw in _NOUN_PREPS or pw.endswith(("'s", "’s")) or (w.endswith("s") and pw.isdigit()):
                continue
            out.append((s + m.start(), s + m.end(), w))
    return out





def _cue_text(doc: _Doc, vs: int, ve: int, limit: int) -> str:
    """The cue as written: the verb and a short object ("told CNN", "said in a statement")."""
    m = _CUE_OBJECT_RE.match(doc.masked[ve:limit])
    return doc.masked[vs : ve + (m.end() if m else 0)].strip()


def _post(doc: _Doc, sp: Span, se: int, opens_clause: bool = True) -> Found | None:
    """Attribution right after the closing mark."""
    m = doc.masked
    p = sp.outer_end
    lim = min(se, p + 200)
    seg = m[p:lim]
    lead = _POST_LEAD_RE.match(seg)
    q = p + lead.end()
    if _DASH_RE.search(lead.group()):
        # a sign-off: “...” ― Maria Lopez
        f = _np_forward(doc, q, lim, after_verb=True)
        if f and f.method == "post-posed" and not _LOWER_NEXT_RE.match(m[f.end : lim]):
            f.cue, f.cue_pos, f.method = lead.group().strip(), p, "sign-off"
            return f
    # "said X" / "says X"
    vm = _POST_VERB_RE.match(m[q:lim])
    if vm and vm.group(1).lower() in SPEECH_VERBS and not vm.group(1).endswith("ing") and (
        vm.group(1).lower() not in WEAK_VERBS or _is_cap(m[q + vm.end() : q + vm.end() + 1])
    ):
        f = _np_forward(doc, q + vm.end(), lim, after_verb=True)
        if f:
            f.cue = _cue_text(doc, q, q + len(vm.group(1)), lim)
            f.cue_pos = q
            return f
    if vm and vm.group(1).islower() and vm.group(1).endswith("ed") and doc.text[sp.end - 1 : sp.end] in (",", "!", "?") and _is_cap(m[q + vm.end() : q + vm.end() + 1]):
        # "“...!” beamed Dana Reyes": any verb between a quote and a name speaks for it
        f = _np_forward(doc, q + vm.end(), lim)
        if f and f.method == "post-posed" and _NAME_CLOSE_RE.match(m[f.end : f.end + 2]):
            f.cue = vm.group(1)
            f.cue_pos = q
            return f
    am = _ACCORDING.match(m, q, lim)
    if am:
        f = _np_forward(doc, am.end(), lim)
        if f:
            f.cue, f.cue_pos, f.method = "according to", q, "according-to"
            return f
    # "X said" / "X, a spokesman for Y, said"
    for vs, ve, w in _verbs(doc, q, min(lim, q + 160)):
        if w.endswith("ing") or (w in WEAK_VERBS and not _PUNCT_NEXT_RE.match(m[ve : ve + 3])):
            continue
        f = _np_back(doc, q, vs, loose=True)
        if f and f.start > q and _ROLE_WORDS_RE.fullmatch(doc.masked[q:f.start]) and all(
            w.lower() in ROLE_WORDS or w.lower() in ROLE_NOUNS or _is_cap(w) for w in doc.masked[q:f.start].split()
        ) and doc.masked[q:f.start].split()[0].lower() not in ("the", "a", "an", "and", "but", "as"):
            f.start = q  # "union leader Sam Ortiz said": the role words belong to the mention
        if f and f.start == q or (f and doc.masked[q:f.start].strip() in ("", "the")):
            f.cue, f.cue_pos = _cue_text(doc, vs, ve, lim), vs
            return f
        break
    f = _np_forward(doc, q, lim) if opens_clause else None
    if f is not None and f.method == "post-posed" and m[f.end : f.end + 1] == ",":
        tail = _tokens(m, f.end, lim)[:18]
        for n, (ts, te, tw) in enumerate(tail):
            if tw in (".", "!", "?", ";") or tw.startswith("#"):
                break
            if tw in STRONG_VERBS and n >= 3:
                f.cue, f.cue_pos, f.method = tw, ts, "named-subject"
                return f
    lm = _COMMA_VERB_RE.match(m[q:lim])
    if lm and lm.group(1) in STRONG_VERBS and not lm.group(1).endswith("ing"):
        # "“We're happy” about the decision, said Dana Reyes"
        f = _np_forward(doc, q + lm.end(), lim, after_verb=True)
        if f:
            f.cue, f.cue_pos = lm.group(1), q + lm.start(1)
            return f
    gm = _ED_VERB_RE.match(m[q:lim])
    if gm and gm.group(2) not in ("used", "based", "called", "named", "titled", "dubbed", "labeled", "accused", "aimed"):
        toks = _tokens(m, q, q + len(gm.group(1)))
        f = _np_end(doc, toks, len(toks) - 1, loose=True) if toks else None
        if f and f.start == q:
            f.cue, f.cue_pos = gm.group(2), q + gm.start(2)
            return f
    return None


def _pre(doc: _Doc, sp: Span, ss: int, seg_start: int | None = None) -> Found | None:
    """Attribution in the same sentence before the quote ("X said:", "according to X,")."""
    m = doc.masked
    p = sp.outer_start
    if seg_start is None:
        seg_start = ss
    im = _INVERTED_RE.match(m, seg_start, p)
    if im:
        # "Said Dana Reyes, who grew up there: ..."
        f = _np_forward(doc, im.end(), p, after_verb=True)
        if f is not None and f.method == "post-posed":
            f.cue, f.cue_pos = im.group(1).lower(), im.start(1)
            return f
    # the nearest speech verb before the quote whose subject can be read
    verbs = _verbs(doc, seg_start, p)
    am = None
    for am_ in _ACCORDING.finditer(m, seg_start, p):
        am = am_
    if am and not any(vs > am.start() for vs, _, _ in verbs):
        f = _np_forward(doc, am.end(), p, after_verb=True)
        if f:
            f.cue, f.cue_pos, f.method = "according to", am.start(), "according-to"
            return f
    for n_verb, (vs, ve, w) in enumerate(reversed(verbs)):
        between = m[ve:p]
        adjacent = len(between.strip(" ,:\u00a0")) == 0 or bool(_ADJACENT_RE.fullmatch(between))
        if w in WEAK_VERBS and not _THAT_ONLY_RE.fullmatch(between):
            continue
        by = _BY_RE.match(m[ve:p])
        if by:  # "was asked by host Bill Maher"
            f = _np_forward(doc, ve + by.end(), p, after_verb=True)
            if f:
                f.cue, f.cue_pos = doc.masked[vs : ve + by.end()].strip(), vs
                return f
        after_quote = seg_start > ss  # the clause began after an earlier quote
        if w.endswith("ing") or m[max(seg_start, vs - 3) : vs] == "to ":
            # "..., saying that" / "went on to say": the clause's subject speaks, unless
            # a name stands right before the participle ("footage of Hillary Clinton asking")
            f = None
            if w.endswith("ing") and m[seg_start:vs].rstrip()[-1:].isalnum():
                toks = _tokens(m, seg_start, vs)
                if toks and _is_cap(toks[-1][2]) and toks[-1][2].rstrip(".") not in NON_NAME_CAPS:
                    g = _np_end(doc, toks, len(toks) - 1, after_prep=True)
                    if g is not None and g.method == "named-subject" and len(m[g.start : g.end].split()) >= 2:
                        f = g
            earlier = [v for v in verbs if v[1] <= vs and not v[2].endswith("ing") and v[2] not in WEAK_VERBS]
            if f is None and earlier and _AND_ONLY_RE.fullmatch(m[earlier[-1][1] : vs]):
                f = _np_back(doc, seg_start, earlier[-1][0], loose=True)
            if f is None:
                f = None if after_quote else _subject(doc, seg_start, vs)
        else:
            f = _np_back(doc, seg_start, vs, loose=True)
            if f is None and not after_quote:
                f = _subject(doc, seg_start, vs) or _nearest_subject(doc, seg_start, vs)
                if f is not None:
                    f.method = "sentence-cue"
        if f is None:
            continue
        outer = _outer_reporter(doc, verbs[: len(verbs) - 1 - n_verb], f.start, seg_start, ss)
        if outer is not None:
            return outer
        f.cue, f.cue_pos = _cue_text(doc, vs, ve, p), vs
        if not adjacent:
            f.method = "sentence-cue" if f.method == "named-subject" else f.method
        return f
    # colon intro without a verb: "Trump: ..." / "Mr. Smith on the plan:"
    cm = _COLON_INTRO_RE.search(m[seg_start:p])
    if cm and not any(w[:1].islower() for w in cm.group(1).split()[:1]):
        s = seg_start + cm.start(1)
        name = cm.group(1)
        if all(_is_cap(w) for w in name.split()):
            return Found(s, s + len(name), None, ":", s + len(name), "colon")
    return None


_BOUNDARY = {",", "and", "but", "that", "when", "while", "because", "as", "so", "then", "if",
             "although", "though", "after", "before", "where", ";", "—", "--", "(", "yet"}


def _outer_reporter(doc: _Doc, earlier: list, inner_start: int, seg_start: int, ss: int) -> Found | None:
    """In "X said (that) Y told them ...", the quote is reported by X: return X's mention
    when a speech verb directly governs the clause whose subject was found."""
    if not earlier:
        return None
    vs, ve, w = earlier[-1]
    if w in WEAK_VERBS or w.endswith("ing") or ve > inner_start:
        return None
    between = doc.masked[ve:inner_start]
    if not _THAT_BETWEEN_RE.fullmatch(between) and not (
        len(between) <= 100 and _THAT_CLAUSE_RE.fullmatch(between)
    ):
        return None
    f = _np_back(doc, seg_start, vs)
    if f is None:
        return None
    f.cue, f.cue_pos = _cue_text(doc, vs, ve, inner_start), vs
    f.method = "sentence-cue" if f.method == "named-subject" else f.method
    return f


def _nearest_subject(doc: _Doc, s: int, v: int) -> Found | None:
    """The closest mention before ``v`` that opens a clause ("..., and Bush thought and said")."""
    toks = _tokens(doc.masked, max(s, v - _WINDOW), v)
    for i in range(len(toks) - 1, -1, -1):
        t = toks[i][2]
        nxt = toks[i + 1][2] if i + 1 < len(toks) else ""
        if t.lower() in ("he", "she", "they", "i", "we") or (_is_cap(t) and t.rstrip(".") not in NON_NAME_CAPS and not t.endswith(("'s", "’s", "s'", "s’")) and not _is_cap(nxt) and nxt.lower() not in _PREPS and nxt not in (",", ".") and nxt not in ("’s", "'s")):
            f = _np_end(doc, toks, i)
            if f is None:
                continue
            j = next((n for n, x in enumerate(toks) if x[0] == f.start), None)
            if j is None:
                continue
            before = toks[j - 1][2].lower() if j > 0 else ","
            if before in _BOUNDARY and _plausible_name(doc, f, toks[0][0] if j == 0 else -1):
                return f
    return None


def _plausible_name(doc: _Doc, f: Found, sentence_start: int) -> bool:
    """A lone capitalised word opening a sentence is a name only if the article also
    capitalises it mid-sentence ("Flying home, she said" is not about a "Flying")."""
    word = doc.masked[f.start : f.end]
    if " " in word or not word[:1].isupper() or f.method == "pronoun" or f.start != sentence_start:
        return True
    if word.lower() in ("he", "she", "they", "i", "we", "it") or word.lower() in ROLE_NOUNS:
        return True  # pronouns and groups ("Protesters marching ... chanted")
    return word in doc.midsentence_caps


_REPORTER_RE = re.compile(r",\s*((?:[A-Z][\w.'’\-]*\s+){0,3}[A-Z][\w'’\-]*|he|she)\s+(?:also\s+)?([a-z]+)\s*[.!?]?\s*$")


def _reporter(doc: _Doc, s: int, e: int) -> Found | None:
    """The speaker of a sentence that closes with its cue ("The plan may stall, Smith said.")."""
    tail = _REPORTER_RE.search(doc.masked, max(s, e - 150), e)
    if not tail or tail.group(2) not in STRONG_VERBS:
        return None
    toks = _tokens(doc.masked, tail.start(1), tail.end(1))
    f = _np_end(doc, toks, len(toks) - 1) if toks else None
    if f is None or f.method not in ("named-subject", "pronoun"):
        return None
    f.cue, f.cue_pos = tail.group(2), tail.start(2)
    return f


def _subject(doc: _Doc, s: int, limit: int) -> Found | None:
    """The subject that opens the clause starting at ``s`` (after a short adverbial)."""
    m = doc.masked
    lead = _LEAD_RE.match(m, s, limit)
    x = lead.end() if lead else s
    while x < limit and m[x] in " ,\u00a0":
        x += 1
    f = _np_forward(doc, x, limit, after_verb=True)
    if f is None:
        return None
    if f.method == "post-posed" and doc.masked[f.end : f.end + 1] == "," and parse(doc.masked[f.start : f.end]).kind == "place":
        # "In Dover, Delaware, Reyes said": the place closes the adverbial
        am = _PLACE_COMMA_RE.match(doc.masked[f.end : limit])
        g = _np_forward(doc, f.end + am.end(), limit, after_verb=True) if am else None
        if g is not None and g.method in ("post-posed", "pronoun"):
            f = g
    if not _plausible_name(doc, f, x):
        return None
    if f.method == "post-posed":
        f.method = "named-subject"
    return f


def _after_cue(doc: _Doc, sp: Span, se: int, ss: int | None = None) -> Found | None:
    """A speech verb later in the sentence with its subject ("... is what he said"), or
    "according to X" closing the sentence."""
    am = _ACCORDING.search(doc.masked, sp.outer_end, se)
    if am:
        f = _np_forward(doc, am.end(), se, after_verb=True)
        if f:
            f.cue, f.cue_pos, f.method = "according to", am.start(), "according-to"
            return f
    for vs, ve, w in _verbs(doc, sp.outer_end, se):
        if w in WEAK_VERBS:
            continue
        if w.endswith("ing"):
            # "“...,” saying that ...": the subject of the clause the quote sits in
            f = _subject(doc, ss, sp.outer_start) if ss is not None and ss < sp.outer_start else None
            if f is not None:
                f.cue, f.cue_pos, f.method = w, vs, "sentence-cue"
                return f
            continue
        f = _np_back(doc, sp.outer_end, vs)
        if f:
            f.cue, f.cue_pos = _cue_text(doc, vs, ve, se), vs
            f.method = "sentence-cue" if f.method == "named-subject" else f.method
            return f
    return None


def _colon_paragraph(doc: _Doc, sp: Span) -> Found | None:
    """The paragraph before ends with a colon: "Trump told the crowd:"."""
    k = doc.block_of(sp.outer_start)
    if k <= 0:
        return None
    ps, pe = doc.blocks[k]
    if doc.masked[ps:sp.outer_start].strip():
        return None
    qs, qe = doc.blocks[k - 1]
    if not doc.masked[qs:qe].rstrip().endswith(":"):
        return None
    ss, se = doc.sentence_of(qe - 1)
    tail = doc.masked[ss:qe].rstrip()[:-1]
    verbs = _verbs(doc, ss, qe)
    for vs, ve, w in reversed(verbs):
        f = _np_back(doc, ss, vs)
        if f:
            f.cue, f.cue_pos, f.method = _cue_text(doc, vs, ve, qe), vs, "colon"
            return f
    am = _ACCORDING.search(doc.masked, ss, qe)
    if am:
        f = _np_forward(doc, am.end(), qe)
        if f:
            f.cue, f.cue_pos, f.method = "according to", am.start(), "colon"
            return f
    f = _subject(doc, ss, qe)
    if f:
        f.cue, f.method = ":", "colon"
        return f
    # "Trump on immigration:" / "Statement from the campaign:"
    toks = _tokens(doc.masked, ss, ss + len(tail))
    if toks and len(toks) <= 8:
        f = _np_forward(doc, ss, ss + len(tail))
        if f:
            f.cue, f.method = ":", "colon"
            return f
    return None


def attribute(text: str, layout: Layout, spans: list[Span]) -> list[Quote]:
    """Turn quoted spans into attributed ``Quote`` records."""
    doc = _Doc(text, layout, spans)
    body = {(b.start, b.end) for b in layout.blocks if b.kind == "body"}
    quotes: list[Quote] = []
    found_for: list[Found | None] = []
    kept: list[Span] = []
    index_of_span: dict[int, int] = {}
    for n, sp in enumerate(spans):
        if not sp.primary:
            continue
        k = doc.block_of(sp.outer_start)
        if k < 0 or doc.blocks[k] not in body:
            continue
        if not any(ch.isalnum() for ch in text[sp.start : sp.end]):
            continue  # pic="" and other empty or punctuation-only spans
        index_of_span[n] = len(kept)
        kept.append(sp)
    scare: set[int] = set()
    for qi, sp in enumerate(kept):
        ss, se = _clamp(doc.sentence_of(sp.outer_start), sp)
        k = doc.block_of(sp.outer_start)
        f: Found | None = None
        # "PENCE: Well, ..." transcripts
        if _SO_CALLED_RE.search(doc.masked, max(0, sp.outer_start - 12), sp.outer_start) or _is_nickname(text, sp):
            found_for.append(None)  # "the so-called "miracle cure"": a scare quote
            scare.add(qi)
            continue
        tm = _TRANSCRIPT_RE.match(text[sp.start : sp.end])
        if tm and len(tm.group(1).split()) <= 4:
            f = Found(sp.start, sp.start + len(tm.group(1)), None, ":", None, "transcript")
        if f is None:
            f = _post(doc, sp, se, opens_clause=not doc.masked[ss : sp.outer_start].strip(" ,:;—-\u00a0\"“"))
        seg = ss
        if qi > 0 and kept[qi - 1].outer_end > ss and kept[qi - 1].outer_end <= sp.outer_start:
            seg = kept[qi - 1].outer_end
        if f is None:
            f = _pre(doc, sp, ss, seg)
        if f is None and sp.continues is not None and sp.continues in index_of_span:
            prev = found_for[index_of_span[sp.continues]]
            if prev:
                f = Found(prev.start, prev.end, prev.role, prev.cue, prev.cue_pos, "continued", prev.antecedent)
        if f is None:
            f = _after_cue(doc, sp, se, seg)
        if f is None:
            f = _colon_paragraph(doc, sp)
        embedded = bool(doc.masked[seg : sp.outer_start].strip(" ,:;—-\u00a0"))
        if f is None and seg > ss and found_for and found_for[-1] is not None:
            prev = found_for[-1]
            f = Found(prev.start, prev.end, prev.role, prev.cue, prev.cue_pos, "paragraph-carry", prev.antecedent)
        if f is None and embedded:
            f = _subject(doc, seg, sp.outer_start) or _nearest_subject(doc, seg, sp.outer_start)
            if f is not None:
                f.method = "sentence-subject"
        if f is None and not embedded and (qi == 0 or doc.block_of(kept[qi - 1].outer_start) != k or kept[qi - 1].outer_end < ss):
            # "Clinton touted her record. "We need ..."": the previous sentence's subject
            bs = doc.blocks[k][0] if k >= 0 else ss
            if bs < ss:
                ps, pe = doc.sentence_of(_prev_nonspace(doc.masked, ss))
                if ps >= bs and not (qi > 0 and ps <= kept[qi - 1].outer_start < pe and found_for[qi - 1] is not None):
                    f = _reporter(doc, ps, pe) or _subject(doc, ps, pe)
                    if f is not None:
                        f.method = "previous-sentence"
        if f is None and qi > 0:
            # carry: the quote before in the same paragraph, or the paragraph before
            pk = doc.block_of(kept[qi - 1].outer_start)
            prev = found_for[qi - 1]
            if prev is not None and pk == k:
                f = Found(prev.start, prev.end, prev.role, prev.cue, prev.cue_pos, "paragraph-carry", prev.antecedent)
            elif prev is not None and pk == k - 1 and not doc.masked[doc.blocks[k][0] : sp.outer_start].strip():
                f = Found(prev.start, prev.end, prev.role, prev.cue, prev.cue_pos, "previous-quote", prev.antecedent)
                # ... unless the paragraph before goes on after its quote with a sentence
                # of its own: "Trump added. He then had a question for the crowd."
                ls, le = doc.sentence_of(_prev_nonspace(doc.masked, doc.blocks[k][0]))
                if ls > kept[qi - 1].outer_end and ls >= doc.blocks[k - 1][0]:
                    g = _subject(doc, ls, le)
                    if g is not None and g.method in ("named-subject", "pronoun") and _plausible_name(doc, g, ls):
                        g.method = "previous-paragraph"
                        f = g
        if f is None and k > 0 and not doc.masked[doc.blocks[k][0] : sp.outer_start].strip() and (qi == 0 or doc.block_of(kept[qi - 1].outer_start) < k - 1):
            # a paragraph that opens with a quote after a paragraph without one: that
            # paragraph's last sentence usually introduces the speaker
            ps, pe = doc.sentence_of(_prev_nonspace(doc.masked, doc.blocks[k][0]))
            if ps >= doc.blocks[k - 1][0]:
                g = _subject(doc, ps, pe)
                if g is not None and g.method in ("named-subject", "pronoun") and _plausible_name(doc, g, ps):
                    g.method = "previous-paragraph"
                    f = g
        found_for.append(f)
    # later quotes in a paragraph (or a later part of the same multi-paragraph quote) can
    # lend their speaker to an earlier, uncued one
    for qi in range(len(kept) - 1, 0, -1):
        sp = kept[qi]
        if sp.continues is not None and sp.continues in index_of_span and found_for[qi] is not None:
            pi = index_of_span[sp.continues]
            if found_for[pi] is None:
                g = found_for[qi]
                found_for[pi] = Found(g.start, g.end, g.role, g.cue, g.cue_pos, "continued", g.antecedent)
    for qi in range(len(kept) - 2, -1, -1):
        if found_for[qi] is None and found_for[qi + 1] is not None and qi not in scare:
            if doc.block_of(kept[qi].outer_start) == doc.block_of(kept[qi + 1].outer_start):
                g = found_for[qi + 1]
                found_for[qi] = Found(g.start, g.end, g.role, g.cue, g.cue_pos, "paragraph-carry", g.antecedent)
    # resolve mentions
    for qi, sp in enumerate(kept):
        f = found_for[qi]
        q = Quote(text=text[sp.start : sp.end], start=sp.start, end=sp.end, paragraph=sp.paragraph)
        ss, se = _clamp(doc.sentence_of(sp.outer_start), sp)
        q.context = text[ss:se]
        q.kind = "term" if qi in scare else _kind(doc, sp, ss, se, f)
        if f is not None:
            owner = None
            if f.antecedent is None and text[f.end - 2 : f.end] in ("'s", "’s"):
                owned = _owned(doc.masked, f.end)
                if owned > f.end:
                    # "Smith's lawyer said": the speaker is what the name owns
                    owner = f.end
                    f = Found(f.start, owned, f.role, f.cue, f.cue_pos, "description" if f.method in ("named-subject", "post-posed") else f.method)
            mention_text = text[f.start : f.end]
            q.speaker_mention, q.speaker_start, q.speaker_end = mention_text, f.start, f.end
            q.cue, q.method = f.cue, f.method
            if f.antecedent is not None:
                name, role, kind, form = _resolve(doc, text[f.antecedent[0] : f.antecedent[1]], f.antecedent[0], f.role)
                form = "pronoun"
            elif owner is not None:
                name, role, kind, form = None, None, "unknown", "description"
            else:
                name, role, kind, form = _resolve(doc, mention_text, f.start, f.role)
            if kind not in ("person", "organisation", "group", "unknown"):
                kind = "organisation" if kind == "place" else "unknown"
            q.speaker, q.speaker_role, q.speaker_kind = name, role, kind
            if name and kind == "person" and name in doc.names.entities:
                doc.speakers.append((f.start, name))
            if form == "pronoun" and f.method in ("named-subject", "post-posed"):
                q.method = "pronoun"
            elif form == "description" and f.method in ("named-subject", "post-posed"):
                q.method = "description"
        else:
            q.method = "none"
        q.confidence = _confidence(q, f)
        if sp.continues is not None and sp.continues in index_of_span:
            q.continues = index_of_span[sp.continues]
        quotes.append(q)
    return quotes


_NICK_BEFORE_RE = re.compile(r"(?<![.!?:;]\s)\b[A-Z][a-z]+\.?\s$")
_NICK_AFTER_RE = re.compile(r"\s[A-Z][a-z]")


def _is_nickname(text: str, sp: Span) -> bool:
    """A quoted nickname inside a name: Dana "Dee" Reyes."""
    return (
        sp.end - sp.start <= 12
        and bool(_NICKNAME_RE.fullmatch(text, sp.outer_start, sp.outer_end))
        and bool(_NICK_BEFORE_RE.search(text, max(0, sp.outer_start - 20), sp.outer_start))
        and bool(_NICK_AFTER_RE.match(text, sp.outer_end))
    )


def _prev_nonspace(text: str, pos: int) -> int:
    pos -= 1
    while pos > 0 and text[pos].isspace():
        pos -= 1
    return pos


def _resolve(doc: _Doc, mention: str, pos: int, app_role: str | None) -> tuple[str | None, str | None, str, str]:
    """(canonical name, role, kind, form) for a mention at ``pos``."""
    if "#" not in mention and _NICKNAME_IN_RE.search(mention):
        mention = _NICKNAME_IN_RE.sub("", mention)
    if mention.isupper() and len(mention) > 3 and mention.replace(" ", "").isalpha():
        mention = mention.title()  # "PENCE:" in a transcript
    men = parse(mention)
    last_word = mention.split()[-1].lower() if mention.split() else ""
    if last_word.endswith("s") and last_word in ROLE_NOUNS and last_word not in ("boss", "press", "congress", "campaigns") and not men.form == "pronoun":
        return None, None, "group", "description"  # "Democrats", "protesters", "Other leaders"
    if men.form == "name" and men.name:
        toks = men.name.split()
        if len(toks) >= 3 and all(t.isupper() for t in toks):
            return None, None, "unknown", "description"  # a shouted headline, not a name
    if men.form == "name" and men.name:
        ent = doc.names.canonical(men.name, pos) if men.kind == "person" else None
        if ent is not None and len(men.name.split()) == 1:
            ent = _recent_namesake(doc, men.name, pos) or ent
        if ent is not None and ent.kind == "person":
            if app_role and not ent.role:
                ent.role = app_role
            return ent.name, men.role or app_role or ent.role, "person", "name"
        if men.kind == "person" and len(men.name.split()) == 1:
            # a lone capitalised word the article never expands (or an organisation)
            ent2 = doc.names.entities.get(men.name)
            kind = ent2.kind if ent2 else "person"
            return _expand(doc, men.name) if kind == "organisation" else men.name, men.role or app_role, kind, "name"
        return _expand(doc, men.name) if men.kind == "organisation" else men.name, men.role or app_role, men.kind, "name"
    if men.form == "pronoun":
        low = mention.lower()
        if low == "i":
            # outside quotation marks "I" is the writer: the byline, when there is one
            return doc.layout.byline, None, "person", "pronoun"
        if low in ("he", "she"):
            gender = {"he": "m", "she": "f"}.get(low)
            ent = _last_person(doc, pos, gender)
            if ent:
                return ent.name, ent.role, "person", "pronoun"
            return None, None, "person", "pronoun"
        if low == "it":
            ent = _last_kind(doc, pos, "organisation")
            if ent:
                return _expand(doc, ent.name), ent.role, "organisation", "pronoun"
        return None, None, men.kind, "pronoun"
    # description
    words = [w.strip(",.").lower() for w in mention.split()]
    from .names import _head, gender_of

    if "and" in words[2:-1] and words[0] in ("the", "his", "her"):
        # "the former governor and current nominee": read the first of the two roles
        words = words[: words.index("and", 2)]
    head = _head(words)
    if words and words[0] in ("the", "this", "that", "his", "her", "its", "their"):
        ent = doc.names.by_role(words[1:], pos)
        if ent is not None:
            return ent.name, ent.role, ent.kind, "description"
        if men.kind == "person" and len(words) <= 6 and words[0] in ("the", "his", "her", "their") and head in _VARIATION_HEADS:
            # "the Republican nominee", "the New York businessman": news style names a
            # person once and then varies the description
            ent = _last_person(doc, pos, gender_of(words))
            if ent is not None:
                return ent.name, ent.role, "person", "description"
        if men.kind == "organisation" and len(words) <= 4:
            ent = _last_kind(doc, pos, "organisation", head=head)
            if ent is None and head in ORG_NOUNS:
                # "the union": the organisation the passage is about, named as a subject
                ent = _last_subject_org(doc, pos)
            if ent:
                return _expand(doc, ent.name), None, "organisation", "description"
    return None, app_role, men.kind, "description"


_OWNED_WORD_RE = re.compile(r"\s+([a-z][a-z\-]+)")


def _owned(m: str, p: int) -> int:
    """The end of the noun a possessive name at ``p`` governs ("Smith's lawyer said"),
    or ``p`` when a name or a verb follows instead ("Smith's spokesman Joe Doe said")."""
    end = p
    for _ in range(3):
        wm = _OWNED_WORD_RE.match(m, end)
        if not wm or wm.group(1) in SPEECH_VERBS or wm.group(1) in _FWD_STOP or wm.group(1) in _DETS:
            break
        end = wm.end()
    if end == p or _CAP_NEXT_RE.match(m[end : end + 2]):
        return p
    return end


_ACRONYM_RE = re.compile(r"[A-Z]{2,6}$")
_INITIAL_SKIP = {"of", "for", "and", "the", "on", "in", "&"}


def _expand(doc: _Doc, name: str) -> str:
    """An acronym's full name when the article spells it out ("IHA" -> "International
    Harbour Authority"); any other name unchanged."""
    short = name[4:] if name.startswith("the ") else name
    if not _ACRONYM_RE.match(short):
        return name
    if doc.acronyms is None:
        doc.acronyms = {}
        for ent in doc.names.entities.values():
            words = [w for w in ent.name.split() if w.lower() not in _INITIAL_SKIP]
            if len(words) >= 2 and ent.kind in ("organisation", "person", "place") and all(w[:1].isupper() for w in words):
                doc.acronyms.setdefault("".join(w[0] for w in words), ent.name)
    return doc.acronyms.get(short, name)


_VARIATION_HEADS = {
    "president", "senator", "governor", "nominee", "candidate", "businessman", "businesswoman",
    "billionaire", "mogul", "congressman", "congresswoman", "mayor", "secretary", "chairman",
    "chairwoman", "minister", "lawmaker", "frontrunner", "front-runner", "hopeful", "contender",
    "tycoon", "developer", "incumbent", "challenger", "rival", "speaker", "leader", "democrat",
    "republican", "senator", "lady", "judge", "justice", "general", "ambassador", "chief",
    "executive", "founder", "star", "host", "pastor", "activist", "official",
}


def _last_person(doc: _Doc, pos: int, gender: str | None = None):
    """The person a "he"/"she" at ``pos`` most likely means: the latest sentence subject
    or speaker before it, else the latest person named."""
    _fill_person_ents(doc)
    ok = lambda e: gender is None or e.gender is None or e.gender == gender  # noqa: E731
    # Score each candidate by how recently it was a subject or speaker, and how much the
    # article is about it (how often it is named).
    scores: dict[str, float] = {}
    ents = {}
    lo = pos - _PRONOUN_REACH
    first = bisect.bisect_left(doc.subject_ents, lo, key=lambda x: x[0])
    latest = None
    for ms, ent in doc.subject_ents[first:]:
        if ms >= pos:
            break
        if ok(ent):
            scores[ent.name] = max(scores.get(ent.name, 0.0), _SALIENCE_SUBJECT / (1 + (pos - ms) / _DECAY))
            ents[ent.name] = ent
            latest = ent.name
    if latest is not None:
        scores[latest] *= _LATEST_SUBJECT  # the last compatible subject is the default antecedent
    first = bisect.bisect_left(doc.speakers, lo, key=lambda x: x[0])
    for sp_pos, name in doc.speakers[first:]:
        if sp_pos < pos:
            ent = doc.names.entities.get(name)
            if ent is not None and ok(ent):
                scores[name] = max(scores.get(name, 0.0), _SALIENCE_SPEAKER / (1 + (pos - sp_pos) / _DECAY))
                ents[name] = ent
    first = bisect.bisect_left(doc.person_ents, lo, key=lambda x: x[0])
    for ms, ent in doc.person_ents[first:]:
        if ms >= pos:
            break
        if ok(ent):
            scores[ent.name] = max(scores.get(ent.name, 0.0), 1.0 / (1 + (pos - ms) / _DECAY))
            ents[ent.name] = ent
    if not scores:
        return None
    counts = doc.entity_counts()
    name = max(scores, key=lambda n: scores[n] * (1 + _FREQ * min(counts.get(n, 1), 10)))
    return ents[name]


def _fill_person_ents(doc: _Doc) -> None:
    """The people named as subjects, and named at all, in reading order (once per article)."""
    if doc.subject_ents is not None:
        return
    doc.subject_ents = []
    for ms, me, men in doc.subjects:
        if men.kind == "person" and men.name:
            ent = doc.names.canonical(men.name, ms)
            if ent is not None and (len(ent.tokens) >= 2 or men.role or (ent.gender and _SURNAME_RE.match(ent.name))):
                doc.subject_ents.append((ms, ent))
    doc.person_ents = []
    for ms, me, men in doc.mentions:
        if men.kind == "person" and men.name:
            ent = doc.names.canonical(men.name)
            if ent is not None and (len(ent.tokens) >= 2 or (ent.gender and _SURNAME_RE.match(ent.name))):
                doc.person_ents.append((ms, ent))


def _recent_namesake(doc: _Doc, surname: str, pos: int, within: int = 400):
    """Of two people sharing a surname, the one just named as a sentence's subject
    ("Chief Lena Brandt says ... Brandt added" after an earlier Paul Brandt)."""
    _fill_person_ents(doc)
    best = None
    first = bisect.bisect_left(doc.subject_ents, pos - within, key=lambda x: x[0])
    for ms, ent in doc.subject_ents[first:]:
        if ms >= pos:
            break
        if len(ent.tokens) >= 2 and ent.tokens[-1] == surname:
            best = ent
    return best


_PRONOUN_REACH = 6000  # characters back to look for a pronoun's antecedent
_SALIENCE_SUBJECT = 2.0
_SALIENCE_SPEAKER = 2.5
_DECAY = 400.0
_FREQ = 0.1
_LATEST_SUBJECT = 1.5
_SURNAME_RE = re.compile(r"(?:Mc|Mac|O['’]|De|Di|La|Le)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?$")  # not a party label ("R-Ore"), not an acronym


def _last_kind(doc: _Doc, pos: int, kind: str, head: str | None = None, within: int | None = None):
    best = None
    for ms, me, men in doc.mentions:
        if ms >= pos:
            break
        if within is not None and pos - ms > within:
            continue
        if men.kind == kind and men.name and (head is None or head in men.name.lower()):
            best = doc.names.entities.get(men.name)
    return best


def _last_subject_org(doc: _Doc, pos: int, within: int = 1500):
    """The latest organisation named (in full) as a sentence subject before ``pos``."""
    best = None
    for ms, me, men in doc.subjects:
        if ms >= pos:
            break
        if pos - ms <= within and men.kind == "organisation" and men.name and len(men.name.split()) >= 2 and not _modifies(doc.masked, me):
            best = doc.names.entities.get(men.name)
    return best


def _modifies(m: str, p: int) -> bool:
    """Is the name ending at ``p`` only a modifier ("the Smith Institute report found")?"""
    wm = _OWNED_WORD_RE.match(m, p)
    return bool(wm) and wm.group(1) in ROLE_NOUNS


def _kind(doc: _Doc, sp: Span, ss: int, se: int, f: Found | None) -> str:
    """direct (the quote is the reported speech), partial (a fragment inside
    paraphrase) or term (no speaker and no cue: a title, nickname or irony)."""
    m = doc.masked
    pre = m[ss : sp.outer_start].strip()
    post = m[sp.outer_end : se].strip()
    inner = doc.text[sp.start : sp.end]
    words = len(inner.split())
    if sp.continues is not None or not sp.closed:
        return "direct"
    if not pre or pre.endswith((":", ",")) or _THAT_END_RE.search(pre) and inner[:1].isupper():
        if inner[:1].isupper() or inner[:1] in "(['‘\"…." or not pre:
            return "direct"
    if not post or post.startswith((",", "—", "-")) and inner.rstrip()[-1:] in ",!?—-":
        if inner[:1].isupper() and words >= 3:
            return "direct"
    if f is None and words <= 4:
        return "term"
    return "partial"


def _confidence(q: Quote, f: Found | None) -> float:
    """The method's measured accuracy, lowered where the evidence is thinner."""
    if f is None:
        return CONFIDENCE["none"]
    c = CONFIDENCE.get(q.method or "none", 0.5)
    if q.speaker is None and q.method in ("pronoun", "description"):
        c -= 0.1
    if q.kind == "partial" and len(q.text.split()) <= 3 and q.method in _WEAK_METHODS:
        # a short fragment with no speech verb of its own is as often a scare quote or a
        # title as a quotation
        c = min(c, 0.45)
    if q.kind == "term":
        c = min(c, 0.3)
    return round(max(0.01, min(0.99, c)), 2)
