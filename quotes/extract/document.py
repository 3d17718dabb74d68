"""The document model: an article's text read once for attribution.

In: the text, its ``Layout`` (``layout.analyse``) and its quoted ``Span``s
(``marks.find_spans``). Out: a ``Document`` holding

* ``masked``: the text with every quote overwritten by "#" (``mask``), so that the frame
  around a quote ("X said", "according to X") reads as plain words;
* ``blocks`` (body, heading and title paragraphs) and ``sentences``, as sorted, disjoint
  (start, end) offsets, with ``block_of`` and ``sentence_of`` to look one up;
* ``names`` (the article's ``Names``), ``mentions`` (every name found, in order) and
  ``subjects`` (the mentions that open a sentence: the likeliest antecedents of "he" and
  "she"), with genders learnt from the pronouns that follow a subject;
* caches that the resolution stage fills (``speakers``, ``subject_ents``,
  ``person_ents``, ``acronyms``).

Helpers for the stages after it: ``tokens`` (the words of a stretch of masked text),
``is_cap``, ``clamp`` and ``WINDOW`` (how far from a quote attribution looks),
``prev_nonspace`` and ``LEAD_RE`` (the short adverbial that may open a sentence).

Over 400 lines because the document is read in one pass that each cache depends on
(sentences, then mentions, then subjects, then what genders and descriptions the
mentions show): split, each part would need the others' state.
"""
from __future__ import annotations

import bisect
import re
from functools import cached_property

from .layout import Layout
from .lowercase import lower
from .lexicon import (
    ROLE_NOUNS,
    ROLE_WORDS,
    SPEECH_VERBS,
    STRONG_VERBS,
    is_first_name,
    is_role_noun,
)
from .marks import Span
from .names import Entity, Mention, Names, scan_names

# (the look-ahead up front lets the engine give up on "he's" at once for most words)
_TOKEN_RE = re.compile(
    r"(?=[HhSsIiWwTtYy]\w{0,3}['’])(?:[Hh]e|[Ss]he|[Ii]t|[Ww]e|[Tt]hey|I|[Yy]ou|[Ww]ho)(?=['’](?:s|re|ll|d|ve|m)\b)|"
    r"['’](?:s|re|ll|d|ve|m)\b|"
    r"[A-Za-z0-9\u00C0-\u024F][\w'’\-\.&\u00C0-\u024F]*|#+|[^\w\s]"
)
_ABBREV = set(
    """mr mrs ms dr st sen rep gov gen lt col sgt jr sr u.s u.n u.k a.m p.m inc co corp no
    jan feb aug sept sep oct nov dec vs etc mt ft rev prof capt adm cmdr maj pres d.c
    e.g i.e ph.d""".split()
)
# a name after these is a place's ("in Hebron", "near Mosul")
_PLACE_WORDS = ("in ", "near ", "across ", "throughout ")  # a cheap test before the regex
_PLACE_BEFORE_RE = re.compile(r"\b(?:in|near|across|throughout)[ \t\u00a0]+$")
_SAYS_AFTER_RE = re.compile(r"\s+(?:(?:also|still|now|later|then|further)\s+)?([a-z]+)\b")
_POSTPOSED_RE = re.compile(r"[,#]\s*([a-z]+)\s+(?:[\w’']+\s+){0,3}$")

# he|his|him|himself (group 1) or she|her|hers|herself as whole words, in any case, for a
# text whose lower-casing changes its length
_HE_SHE_ANY_RE = re.compile(r"\b(?:(he|his|him|himself)|she|her|hers|herself)\b", re.IGNORECASE)
# ... and in lower-case text, in two patterns that each open with a plain letter (which
# the regex engine skips to many times faster than to either of two): the words in "h"
# (group 1 for his), and "she" (neither holds the other as a whole word)
_HE_HER_RE = re.compile(r"h(?<=\bh)(?:(e|is|im|imself)\b|(?:er|ers|erself)\b)")
_SHE_RE = re.compile(r"she\b(?<=\bshe)")
# ", the ambassador,", ", a port official.", ", Ruritania's envoy to Freedonia, said"
_APPOSITIVE_RE = re.compile(
    r",[ \u00a0]+((?:an?|the|[A-Z][\w-]*['’]s)[ \u00a0][^,.;:()\"“”#\n]{2,70}?)(?=[,;]|\.(?:\s|$))"
)
# an appositive holds no verb: "In Chelsea, the mayor said it was early," is a clause
_CLAUSE_WORDS = {"also", "was", "is", "are", "were", "has", "had", "have", "will", "would", "can", "could", "did", "does"}
# words that end the role words read back from a name ("with port official Tom Baker")
_NOT_MODIFIERS = {"with", "and", "or", "the", "a", "an", "of", "to", "for", "by", "from", "on", "in", "at", "said",
                  "says", "told", "as", "that", "who", "which", "when", "while", "but", "was", "is", "has", "had",
                  "former", "his", "her", "their", "its", "our"}
_APPOSED_LEAD_RE = re.compile(r"(?:The|A|An|Its|His|Her|Their) [^,.;:\"“”]{1,60}, ")
_FEMALE_KIN = {"mother", "wife", "daughter", "sister", "woman", "girl", "grandmother", "aunt", "niece", "widow",
               "girlfriend", "mom", "actress", "businesswoman", "congresswoman", "spokeswoman", "chairwoman"}
_MALE_KIN = {"father", "husband", "son", "brother", "man", "boy", "grandfather", "uncle", "nephew", "widower",
             "boyfriend", "dad", "businessman", "congressman", "spokesman"}
_KIN = "|".join(sorted(_FEMALE_KIN | _MALE_KIN))
# "her husband, Tom Quill" / "a mother, Ana Roe," right before a name; "Ana Roe, 34, a mother of three," after it
_KIN_BEFORE_RE = re.compile(
    rf"\b(?:[Hh]is|[Hh]er|[Tt]heir|[Mm]y|[Oo]ur|[Aa]n?|[Tt]he|[Oo]ne)\s+(?:[\w'’-]+\s+){{0,2}}?({_KIN}),?\s+$"
)
_KIN_AFTER_RE = re.compile(rf",\s+(?:\d{{1,3}},\s+)?(?:a|an|the|one|his|her|their)\s+(?:[\w'’-]+\s+){{0,2}}?({_KIN})\b")
_KIN_WORDS = _FEMALE_KIN | _MALE_KIN


def _kin_word_before(m: str, at: int) -> bool:
    """Whether a word for kin or sex, a comma and a space may stand right before ``at``
    (the cheap test before ``_KIN_BEFORE_RE``)."""
    if not m[at - 1 : at].isspace():
        return False
    words = m[max(0, at - 40) : at].rstrip().removesuffix(",").split()
    return bool(words) and words[-1] in _KIN_WORDS


_PRONOUN_OPENS_RE = re.compile(r"[\"“‘'\s]*(?:He|She)\b")
_OPENER_WORDS = (
    "On", "In", "At", "During", "After", "Before", "While", "When", "Since", "Earlier", "Later", "Meanwhile", "However",
    "But", "And", "Still", "Yet", "So", "Also", "Then", "Now", "Last", "This", "Speaking", "Asked", "Instead", "Indeed",
    "Separately", "Similarly", "Afterward", "Afterwards", "Overnight", "Today", "Yesterday", "Tonight", "For", "As", "Like",
    "Unlike", "Despite", "Although", "Though", "If", "Because", "Once", "Until", "Following", "Under", "With", "Without",
    "By", "Here", "There", "Outside", "Inside", "Later", "Back", "Elsewhere", "Overall", "Afterward", "Still",
)
_LEAD_OPENERS = rf"(?:{'|'.join(_OPENER_WORDS)})\b[^,.]{{0,60}},\s*(?:\d{{4}},\s*)?"
_OPENER_REACH = max(map(len, _OPENER_WORDS)) + 60  # how far into a sentence its comma may stand
_AGO_WORDS = ("later", "ago", "earlier", "afterward", "afterwards", "since")
_LEAD_AGO = rf"(?:[\w’'-]+\s+){{0,4}}(?:{'|'.join(_AGO_WORDS)})\s*,\s*"
_LEAD_CONJUNCTION = (
    r"(?:(?:But|And|So|Yet|Still|Then|Now|Meanwhile|Also)\s+)?"
    # a time with no comma after it: "Last week", "On Monday", "Earlier this month"
    r"(?:(?:Last|This|Next|Late|Early|Earlier|Later|On)\s+(?:this\s+|last\s+|on\s+)?(?:week|month|year|night|weekend|"
    r"morning|afternoon|evening|summer|spring|fall|autumn|winter|Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday)\s+(?=[A-Z]))?"
)
LEAD_RE = re.compile(rf"(?:{_LEAD_OPENERS}|{_LEAD_AGO})?{_LEAD_CONJUNCTION}")
# LEAD_RE without the branches that a sentence's first comma rules out
_LEAD_NO_AGO_RE = re.compile(rf"(?:{_LEAD_OPENERS})?{_LEAD_CONJUNCTION}")
_LEAD_CONJUNCTION_RE = re.compile(_LEAD_CONJUNCTION)


def lead_end(m: str, s: int, e: int) -> int:
    """Where ``LEAD_RE.match(m, s, e)`` ends. Its first two branches end at the sentence's
    first comma: "On Tuesday," within ``_OPENER_REACH`` of its start, "two days later,"
    right after one of ``_AGO_WORDS``; a branch the comma rules out is not tried."""
    comma = m.find(",", s, e)
    if comma < 0:
        pattern = _LEAD_CONJUNCTION_RE
    elif m[s:comma].rstrip().endswith(_AGO_WORDS):
        pattern = LEAD_RE
    elif comma - s <= _OPENER_REACH:
        pattern = _LEAD_NO_AGO_RE
    else:
        pattern = _LEAD_CONJUNCTION_RE
    found = pattern.match(m, s, e)
    return found.end() if found else s  # every part of each pattern is optional: it always matches

# A person introduced with an appositive role: "..., Dana Reyes, the county engineer"
_ROLE_HEADS = (r"(?:president|chairman|chairwoman|chair|director|head|founder|leader|spokesman|spokeswoman|"
               r"spokesperson|professor|executive|manager|chief|member|strategist|adviser|advisor|analyst|"
               r"lawyer|attorney|official|economist|pastor|organizer|activist|owner|mayor|governor|senator|secretary)")
_INTRODUCED_RE = re.compile(rf",\s+(?:(?:the|a|an)\s+(?:[\w\-’']+\s+){{0,4}}?{_ROLE_HEADS}\b|{_ROLE_HEADS}\s+(?:of|at|for)\b)")

# Lowercase words ending in a role noun between two names: the first name modifies
_MODIFIER_RE = re.compile(r"(?:['’]s)?((?:\s+[a-z][a-z\-]*){1,3})\s+")
_WORD_RE = re.compile(r"[\w'’.\-]+|#+|[^\w\s]")
_REV_WORD_RE = re.compile(r"[\w.]+")

_TAIL_END_RE = re.compile(r"[^.!?#]{0,50}?(?:[.!?]|$)")

# A capitalised word after a lowercase word, comma or semicolon and a space (the class
# comes first so that the engine can skip to the next capital)
_MIDSENTENCE_CAP_RE = re.compile(r"[A-Z](?<=[a-z,;] [A-Z])[\w'’\-]+")
_SENTENCE_BREAK_RE = re.compile(r"[.!?][\"”’)]?(\s+)(?=[#A-Z0-9“\"‘'(])")
# The same for a block with no "!" or "?": a pattern that opens with a plain character is
# sought faster by the regex engine than one that opens with a class
_FULL_STOP_BREAK_RE = re.compile(_SENTENCE_BREAK_RE.pattern.replace("[.!?]", r"\.", 1))
_INITIALS_RE = re.compile(r"(?:[a-z]\.)+[a-z]")


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
                return end is not None and (tail[:1] == "," or len(end.group().split()) <= 6)
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


def mask(text: str, spans: list[Span]) -> str:
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


def _affiliation(masked: str, end: int, nxt: tuple[int, int, Mention]) -> bool:
    """Whether the name ending at ``end`` only modifies a role before the next mention, a
    person's name: "Acme chief executive Tom Baker" (not "Rivera campaign spokesman")."""
    ns, _, men = nxt
    if men.kind != "person" or not men.name or ns - end > 40:
        return False
    mod = _MODIFIER_RE.fullmatch(masked, end, ns)
    if mod is None or masked[end : end + 1] in ("'", "’"):
        return False
    words = mod.group(1).split()
    return (words[-1] in ROLE_NOUNS or is_role_noun(words[-1])) and "campaign" not in words and not any(w in SPEECH_VERBS for w in words)


def _past_dateline(layout: Layout, s: int, e: int) -> int:
    """Where the text of the block ``s``-``e`` starts: after the dateline ("WASHINGTON
    (AP) --"), which names a place and an agency, never a speaker."""
    end = layout.dateline_end
    return end if end is not None and s < end <= e else s


class Document:
    """The article's text with quotes masked, its sentences and its names.

    ``text``: the article text; ``layout``: its blocks (``layout.analyse(text)``);
    ``spans``: its quoted spans (``marks.find_spans``), sorted by offset.
    """

    def __init__(self, text: str, layout: Layout, spans: list[Span]) -> None:
        self.text = text
        self.layout = layout
        self.spans = spans
        self.masked = mask(text, spans)
        # each block's text, after the dateline in the one that holds it
        spans_of = [(_past_dateline(layout, b.start, b.end), b.end) for b in layout.blocks]
        read = [n for n, b in enumerate(layout.blocks) if b.kind in ("body", "heading", "title")]
        self.blocks = [spans_of[n] for n in read]
        self.headings = {i for i, n in enumerate(read) if layout.blocks[n].kind == "heading"}  # indices in ``blocks``
        self._block_starts = [b[0] for b in self.blocks]
        self.body_blocks = [spans_of[n] for n, b in enumerate(layout.blocks) if b.kind == "body"]
        self._reversed = self.masked[::-1]
        self.sentences: list[tuple[int, int]] = []
        for s, e in self.blocks:
            self.sentences.extend(self._split(s, e))
        self._sentence_starts = [s for s, _ in self.sentences]
        self.names = Names()
        self.mentions = scan_names(
            self.masked,
            [
                spans_of[n]
                for n, b in enumerate(layout.blocks)
                if b.kind == "body" or (b.kind == "title" and not _headline_case(text[b.start : b.end]))
            ],
        )
        placed: dict[str, int] = {}
        affiliated: dict[str, int] = {}
        for n_men, (ms, me, men) in enumerate(self.mentions):
            if men.name:
                ent = self.names.add(men.name, men.kind, men.role, ms, men.gender)
                if ent.kind != "person":
                    continue
                if self.masked.endswith(_PLACE_WORDS, 0, ms) and _PLACE_BEFORE_RE.search(self.masked, max(0, ms - 12), ms):
                    placed[ent.name] = placed.get(ent.name, 0) + 1
                elif n_men + 1 < len(self.mentions) and _affiliation(self.masked, me, self.mentions[n_men + 1]):
                    affiliated[ent.name] = affiliated.get(ent.name, 0) + 1
        for kind, counted in (("place", placed), ("organisation", affiliated)):
            for name, n in counted.items():
                ent = self.names.entities[name]
                if n == len(ent.positions) and not ent.gender and not ent.role and not is_first_name(name.split()[0]):
                    # only ever "in Hebron": a place, whoever "he" is; only ever "Acme
                    # chief executive Tom Baker": where Tom Baker works, not a person
                    ent.kind = kind
        self.names.finish()
        # Mentions that open a sentence (after a short adverbial) are its subjects: the
        # likeliest antecedents of "he" and "she".
        # Where each sentence's words start, after its lead: found only for the sentences
        # a mention needs. These never decrease from one sentence to the next, so the
        # latest at or before a mention is that of its own sentence, or else (when the
        # mention stands in the lead) that of the sentence before.
        leads: dict[int, int] = {}

        def lead_of(j: int) -> int:
            found = leads.get(j)
            if found is None:
                ss, se = self.sentences[j]
                found = leads[j] = lead_end(self.masked, ss, se)
            return found

        sentence_starts = self._sentence_starts
        self.subjects: list[tuple[int, int, Mention]] = []
        masked = self.masked
        for n_men, (ms, me, men) in enumerate(self.mentions):
            # each test reads the text only: the cheaper ones come first
            k = bisect.bisect_right(sentence_starts, ms) - 1
            if k >= 0 and lead_of(k) > ms:
                k -= 1
            if k < 0 or masked[me - 2 : me] in ("'s", "’s") or masked[me : me + 2] in ("'s", "’s"):
                continue  # "Clinton's lawyer said": the possessor is not the subject
            start = lead_of(k)
            if ms - start > 80:
                subject = _postposed(masked, ms) or _introduced(masked, me, men)  # "..., noted NBC's Ann Reyes."
            else:
                lead = masked[start:ms]
                # "Trump campaign spokesman Jason Miller said": only a role before the name
                subject = not lead or lead.lower() == "the " or (
                    lead.endswith(" ") and len(words := lead.split()) <= 6 and all(
                        w[:1].isupper() or w.lower() in ROLE_WORDS or w.lower() in ROLE_NOUNS or w in ("of", "the", "for", "and")
                        or (w.isalpha() and w.islower() and is_role_noun(words[-1]) and all(x.isalpha() and x.islower() for x in words[n:]))
                        for n, w in enumerate(words)
                    )
                ) or _introduced(masked, me, men) or (
                    masked[me : me + 1] == "," and _APPOSED_LEAD_RE.fullmatch(lead) is not None
                ) or (masked[me : me + 1] == "," and _parenthetical_reporter(masked, ms))  # "The company that runs the show, Acme Productions, denies"
            if not subject and not (
                (sv := _SAYS_AFTER_RE.match(masked, me)) is not None and sv.group(1) in STRONG_VERBS
            ):  # "While the lineup is light on exclusives, Early says there is ...": a subject
                continue
            mod = _MODIFIER_RE.fullmatch(masked, me, self.mentions[n_men + 1][0]) if n_men + 1 < len(self.mentions) else None
            if mod and mod.group(1).split()[-1] in ROLE_NOUNS and not any(w in SPEECH_VERBS for w in mod.group(1).split()):
                continue  # "Rivera campaign spokesman Jane Roe said": Rivera only modifies
            self.subjects.append((ms, me, men))
        self._genders_from_kin()
        self._learn_genders()
        self.speakers: list[tuple[int, str]] = []  # (position, canonical person) as found
        self.subject_ents: list[tuple[int, Entity]] | None = None
        self._counts: dict[str, int] | None = None
        self.person_ents: list[tuple[int, Entity]] = []
        self.acronyms: dict[str, str] | None = None
        self._described = False  # whether _learn_descriptions has run

    @cached_property
    def midsentence_caps(self) -> set[str]:
        """Capitalised words that follow a lowercase word, a comma or a semicolon."""
        return set(_MIDSENTENCE_CAP_RE.findall(self.masked))

    def by_role(self, words: list[str], pos: int, whole: bool = False, later: bool = False) -> Entity | None:
        """``Names.by_role``, once what the article calls each person has been read
        (only when a description needs it)."""
        if not self._described:
            self._described = True
            self._learn_descriptions()
        return self.names.by_role(words, pos, whole, later)

    def _learn_descriptions(self) -> None:
        """What the article calls each person beside a mention of them: the role words
        before the name ("port official Tom Baker", "Ruritanian ambassador Ana Roe") and
        an appositive after it ("Ana Roe, Ruritania's ambassador to Freedonia,"), kept
        for descriptions ("the ambassador said") to find them by."""
        m = self.masked
        for ms, me, men in self.mentions:
            if men.kind != "person" or not men.name:
                continue
            before = False
            if m[ms - 1 : ms] == " " and m[ms - 2 : ms - 1].islower():  # "... official Tom Baker"
                last = m[max(0, ms - 40) : ms - 1].rsplit(None, 1)[-1]
                before = last in ROLE_NOUNS or is_role_noun(last)
            office = _office_before(m, ms, men.role) if not before else None
            if not before and office is None and m[me : me + 1] != ",":
                continue  # most mentions: no role words before them, no appositive after
            ent = self.names.canonical(men.name)
            if ent is None:
                continue
            if office is not None:
                ent.described += (office,)
            words = m[max(0, ms - 50) : ms].split() if before else []
            k = len(words)
            if k and words[-1].islower() and (words[-1] in ROLE_NOUNS or is_role_noun(words[-1])):
                k -= 1
                while k > 0 and len(words) - k < 3 and words[k - 1].isalpha() and words[k - 1].lower() not in _NOT_MODIFIERS and (
                    words[k - 1].islower() or words[k - 1][:1].isupper() and k == len(words) - 1
                ):
                    k -= 1
                ent.described += (" ".join(words[k:]),)
            app = _APPOSITIVE_RE.match(m, me)
            if app is None:
                continue
            app_words = app.group(1).lower().split()
            if any(w in ROLE_NOUNS or is_role_noun(w) for w in app_words) and not any(
                w in SPEECH_VERBS or w in _CLAUSE_WORDS for w in app_words
            ):
                ent.described += (app.group(1),)

    def _genders_from_kin(self) -> None:
        """Gender from a word for kin or sex right beside a name: "her husband, Tom Quill",
        "Ana Roe, a mother of three," (only for a person the names give no gender)."""
        m = self.masked
        for ms, me, men in self.mentions:
            if men.kind != "person" or not men.name:
                continue
            ent = self.names.canonical(men.name)
            if ent is None or ent.gender or ent.kind != "person":
                continue
            found = (_KIN_BEFORE_RE.search(m, max(0, ms - 40), ms) if _kin_word_before(m, ms) else None) or (
                _KIN_AFTER_RE.match(m, me) if m.startswith(",", me) else None
            )
            if found is not None:
                ent.gender = "f" if found.group(1) in _FEMALE_KIN else "m"

    def _learn_genders(self) -> None:
        """Gender from the article itself: the pronouns that follow a person as subject,
        and those that follow any mention of a person up to the next sentence's end, when
        no other person is named in between."""
        # every he/his/him and she/her in the article, found once: (start, end, male?)
        low = lower(self.masked)
        if len(low) == len(self.masked):
            found = [(m.start(), m.end(), bool(m.group(1))) for m in _HE_HER_RE.finditer(low)]
            she = [(m.start(), m.end(), False) for m in _SHE_RE.finditer(low)]
            if she:
                found = sorted(found + she)  # (no two start at the same offset)
        else:
            found = [(m.start(), m.end(), bool(m.group(1))) for m in _HE_SHE_ANY_RE.finditer(self.masked)]
        at = [x[0] for x in found]

        def count(s: int, e: int) -> tuple[int, int]:
            male = female = 0
            for i in range(bisect.bisect_left(at, s), bisect.bisect_left(at, e)):
                if found[i][1] <= e:
                    male, female = (male + 1, female) if found[i][2] else (male, female + 1)
            return male, female

        votes: dict[str, list[int]] = {}
        alone: dict[str, list[int]] = {}
        starts = self._sentence_starts
        canonical = self.names.canonical
        persons = [(ms, me, canonical(men.name)) for ms, me, men in self.mentions if men.kind == "person" and men.name]
        # where the next mention of someone else starts, for each mention
        next_other = [len(self.masked)] * len(persons)
        for n in range(len(persons) - 2, -1, -1):
            nxt = persons[n + 1]
            next_other[n] = nxt[0] if nxt[2] is not persons[n][2] else next_other[n + 1]
        subjects = {ms for ms, _, _ in self.subjects}
        for n, (ms, me, ent) in enumerate(persons):
            if ent is None or ent.gender:
                continue
            k = bisect.bisect_right(starts, ms) - 1
            if k < 0:
                continue
            if ms in subjects:
                m, f = count(me, min(self.sentences[k][1], me + 400))
                v = votes.setdefault(ent.name, [0, 0])
                v[0] += m
                v[1] += f
            if ms not in subjects and (
                _PRONOUN_OPENS_RE.match(self.masked, self.sentences[k][0])
                or n and persons[n - 1][2] is not ent and persons[n - 1][0] >= self.sentences[k][0]
            ):
                continue  # "She (or Swift) accused Acme of ... her": the pronouns after an object are the subject's
            end = min(self.sentences[min(k + 1, len(self.sentences) - 1)][1], next_other[n], me + 600)
            m, f = count(me, end)
            v = alone.setdefault(ent.name, [0, 0])
            v[0] += m
            v[1] += f
        for name, (m, f) in votes.items():
            ent = self.names.entities.get(name)
            if ent is not None and not ent.gender and abs(m - f) >= 3:
                ent.gender = "m" if m > f else "f"
        subject_ents = {id(ent) for ms, _, ent in persons if ms in subjects}
        for name, (m, f) in alone.items():
            ent = self.names.entities.get(name)
            if ent is None or len(ent.tokens) == 1 and id(ent) not in subject_ents and not is_first_name(name) and not ent.role:
                continue  # a lone capitalised word never a subject ("a Scottish accent. She ..."): no one's gender
            if not ent.gender and max(m, f) >= 3 and min(m, f) * 4 <= max(m, f):
                ent.gender = "m" if m > f else "f"

    def entity_counts(self) -> dict[str, int]:
        """How often the article names each person (by canonical name)."""
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
        n = len(m)
        out = []
        start = s
        breaks = _FULL_STOP_BREAK_RE if m.find("!", s, e) < 0 and m.find("?", s, e) < 0 else _SENTENCE_BREAK_RE
        for mt in breaks.finditer(m, s, e):
            dot = mt.start()
            if m[dot] == ".":
                # the word before the full stop: the run of [\w.] that ends there, read backwards
                word = _REV_WORD_RE.match(self._reversed, n - dot, n - max(start, dot - 40))
                w = m[dot - word.end() + word.start() : dot].lower() if word else ""
                if w in _ABBREV or (len(w) == 1 and w.isalpha()) or "." in w and _INITIALS_RE.fullmatch(w):
                    continue
            if dot > 0 and m[dot - 1] == "#" and _attrib_after(m, mt.end(), min(e, mt.end() + 120), m[dot]):
                continue  # "Why?" Trump asked.
            out.append((start, mt.start(1)))
            start = mt.end()
        out.append((start, e))
        return out

    def sentence_of(self, pos: int) -> tuple[int, int]:
        """The sentence holding ``pos`` (sentences are sorted and disjoint), else (pos, pos)."""
        k = bisect.bisect_right(self._sentence_starts, pos) - 1
        if k >= 0 and pos < self.sentences[k][1]:
            return self.sentences[k]
        return pos, pos

    def block_of(self, pos: int) -> int:
        """The index in ``blocks`` of the block holding ``pos``, else -1."""
        k = bisect.bisect_right(self._block_starts, pos) - 1
        if k >= 0 and pos < self.blocks[k][1]:
            return k
        return -1


# How far from a quote (in characters) attribution looks: keeps the work per quote bounded
# on pathological input (a whole page in one sentence).
WINDOW = 400


def clamp(sentence: tuple[int, int], sp: Span) -> tuple[int, int]:
    """The quote's sentence, cut to a window around the quote."""
    ss, se = sentence
    return max(ss, sp.outer_start - WINDOW), min(se, sp.outer_end + WINDOW)


def _introduced(masked: str, me: int, men: Mention) -> bool:
    """"..., Dana Reyes, the county engineer": a person introduced with a role, as
    salient as a subject."""
    return masked[me : me + 1] == "," and men.kind == "person" and men.name is not None and " " in men.name and bool(
        _INTRODUCED_RE.match(masked, me)
    )


def _office_before(m: str, ms: int, place: str | None) -> str | None:
    """The office before a name whose run opens with the place the office is for:
    "China's ambassador to" + "Britain Liu Xiaming" is "China's ambassador to Britain"."""
    if not place or m[ms - 1 : ms] != " ":
        return None
    words = m[max(0, ms - 60) : ms].split()
    if len(words) < 2 or words[-1] not in ("to", "of", "for", "at") or not (words[-2] in ROLE_NOUNS or is_role_noun(words[-2])):
        return None
    k = len(words) - 2
    while k > 0 and len(words) - k < 4 and words[k - 1].isalpha() and words[k - 1].islower() and words[k - 1] not in _NOT_MODIFIERS:
        k -= 1  # "deputy ambassador to"
    if k > 0 and words[k - 1].endswith(("'s", "’s")) and words[k - 1][:1].isupper():
        k -= 1  # the owner: "China's"
    return " ".join(words[k:] + [place])


def _postposed_verb(masked: str, ms: int) -> re.Match[str] | None:
    """The speech verb after a comma (or a quote) right before the name at ``ms``:
    "..., noted NBC's Ann Reyes" (the sentence's reporter)."""
    pv = _POSTPOSED_RE.search(masked, max(0, ms - 40), ms)
    return pv if pv is not None and pv.group(1) in STRONG_VERBS else None


def _postposed(masked: str, ms: int) -> bool:
    return _postposed_verb(masked, ms) is not None


def _parenthetical_reporter(masked: str, ms: int) -> bool:
    """Whether the name at ``ms`` reports the sentence from between commas, after words
    of the writer's own: "This plan, says Ana Roe, will ..." (not "...," said Ana Roe)."""
    pv = _postposed_verb(masked, ms)
    return pv is not None and masked[pv.start()] == "," and masked[pv.start() - 1 : pv.start()] not in ("#", "")


def _headline_case(line: str) -> bool:
    words = [w for w in line.split() if w[:1].isalpha() and len(w) > 3]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)


def tokens(text: str, s: int, e: int) -> list[tuple[int, int, str]]:
    """The tokens of ``text[s:e]`` as (start, end, token): words (with "he's" split in
    two), runs of "#" (a masked quote) and single punctuation marks."""
    # Only characters that begin no token (spaces, "_", letters of other scripts) lie
    # between two tokens, so each token is found where the last one ended.
    out = []
    pos = s
    find = text.find
    for tok in _TOKEN_RE.findall(text, s, e):
        start = find(tok, pos)
        pos = start + len(tok)
        out.append((start, pos, tok))
    return out


def is_cap(tok: str) -> bool:
    """Does the token start like a name (a capital, or "al-"/"el-" and a capital)?"""
    return tok[:1].isupper() or (tok[:3] in ("al-", "el-") and tok[3:4].isupper())


def prev_nonspace(text: str, pos: int) -> int:
    """The offset of the last non-space character before ``pos`` (0 when there is none)."""
    pos -= 1
    while pos > 0 and text[pos].isspace():
        pos -= 1
    return pos
