"""Candidate speaker mentions: the words around one quoted span that name its speaker.

In: a ``Document`` and a ``Span`` (with the offsets of its sentence, cut to a window by
``document.clamp``). Out: a ``Found`` (the mention's offsets in the text, the cue as
written and where it stands, an appositive role, and the method: the pattern that
matched), or None. Every finder reads the masked text, so other quotes never count as
words of the frame.

The finders, each for one way news writes an attribution:

* ``transcript``: "PENCE: Well, ..." inside the quote;
* ``post``: right after the closing mark (", said X", "X said", "according to X", a
  dash and a name signing off);
* ``pre``: earlier in the same sentence ("X said:", "Said X: ...", "X told CNN that ...");
* ``after_cue``: a speech verb later in the sentence ("... is what he said");
* ``colon_paragraph``: the paragraph before ends with a colon ("Trump told the crowd:");
* ``subject``, ``nearest_subject`` and ``reporter``: the subject of a clause or sentence
  and the speaker of a sentence that closes with its cue ("..., Smith said."), for the
  cascade's fallbacks.

``scare_quote`` tells the spans never attributed (scare quotes, nicknames inside a name);
``plausible_name``, ``owned_noun`` and ``modifies`` read a name's surroundings.

Over 400 lines because every finder reads noun phrases with the same two readers
(``_np_back``, ``_np_forward``): one grammar of speaker mentions, kept in one module.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .document import LEAD_RE, WINDOW, Document, is_cap, tokens
from .lexicon import (
    DOCUMENT_NOUNS,
    NON_NAME_CAPS,
    ORG_NOUNS,
    ROLE_NOUNS,
    ROLE_WORDS,
    SPEECH_VERBS,
    STRONG_VERBS,
    TITLES,
    WEAK_VERBS,
    is_common_word,
    is_role_noun,
)
from .marks import Span
from .names import clean_role, head_noun, parse

_SUBJECT_PRONOUNS = {"he", "she", "they", "we", "i"}
_PREPS = {
    "to", "with", "in", "for", "from", "by", "of", "about", "at", "on", "against", "than",
    "like", "toward", "towards", "into", "over", "under", "between", "among", "behind",
    "unlike", "including", "as", "via", "upon", "after", "before", "during", "while",
    "without", "within", "despite", "through", "across", "around", "beyond", "since", "until",
    "except", "near", "off", "onto", "per", "amid",
}
_TIME_WORDS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "week", "month", "year",
               "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"}
_CONTRACTED = {"'ve", "’ve", "'d", "’d", "'ll", "’ll"}  # "they've put out", "she'd said"
_SKIP_BACK = {
    "also", "then", "later", "has", "had", "have", "was", "is", "would", "will", "once",
    "recently", "again", "further", "previously", "repeatedly", "just", "reportedly",
    "publicly", "privately", "simply", "quickly", "flatly", "angrily", "did",
    "does", "do", "often", "frequently", "still", "famously", "memorably", "even",
    "already", "not", "never", "always", "could", "might", "may", "can", "should",
    "must", "shall", "been", "being", "be", "were", "are", "am", "went", "on", "to",
}
_DETS = {"the", "a", "an", "one", "another", "his", "her", "their", "its", "our", "some",
         "several", "two", "three", "four", "many", "most", "other", "both", "this", "that"}
_PRONOUNS = {"he", "she", "they", "it", "i", "we", "who", "you"}
_FWD_STOP = {
    "in", "on", "during", "at", "after", "before", "when", "while", "who", "that", "adding",
    "told", "to", "and", "but", "as", "last", "this", "from", "of", "about", "via",
    "yesterday", "today", "tonight", "earlier", "later", "recently", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "with", "referring", "speaking",
    "said", "says", "added", "because", "if", "than", "he", "she", "they", "it", "had", "has",
    "have", "is", "was", "were", "are", "will", "would", "could", "should", "can", "may",
    "might", "do", "does", "did", "not", "been", "be", "being", "i", "we",
}
_BOUNDARY = {",", "and", "but", "that", "when", "while", "because", "as", "so", "then", "if",
             "although", "though", "after", "before", "where", ";", "—", "--", "(", "yet"}
_NOUN_PREPS = {"of", "for", "in", "on", "at", "with", "from", "about", "into", "by"}
_NOUN_BEFORE = {"the", "a", "an", "his", "her", "their", "its", "this", "that", "these", "those", "our",
                "my", "your", "whose", "recent", "latest", "new", "such", "public", "previous", "earlier",
                "many", "some", "several", "few", "no", "two", "three", "own", "similar", "other", "first"}
_ACCORDING = re.compile(r"\b[Aa]ccording\s+to\s+")
_SO_CALLED_RE = re.compile(r"\bso[- ]called\s*$", re.I)
_TRANSCRIPT_RE = re.compile(r"^([A-Z][A-Z.'’\- ]{1,40}[A-Z.]):\s")
_INVERTED_RE = re.compile(r"\s*(Said|Says|Added|Adds|Asked|Asks|Wrote|Writes|Recalled|Explained|Noted)\s+(?=[A-Z])")
_NICKNAME_RE = re.compile(r"[\"“'‘][A-Z][\w.'’\- ]{0,10}[\"”'’]")
_NICK_BEFORE_RE = re.compile(r"(?<![.!?:;]\s)\b[A-Z][a-z]+\.?\s$")
_NICK_AFTER_RE = re.compile(r"\s[A-Z][a-z]")
_LOWER_WORD_RE = re.compile(r"[a-z][a-z\-]+")
_PREV_WORD_RE = re.compile(r"([\w'’]+)\W*$")
# A determiner (or possessive) and one capitalised word, not a plural: "a Twitter ", "his CNN "
_DET_NAME_BEFORE_RE = re.compile(r"(?:\b(?:a|an|the|his|her|their|its)|['’]s)\s+[A-Z][\w.'’-]*[^\Ws]\s+$")
# Patterns used below, compiled once
_CUE_OBJECT_RE = re.compile(r"(?:\s+(?:in an? (?:statement|interview|email|e-mail|tweet|post|letter|speech|op-ed|video)|on (?:Twitter|Facebook|Instagram|CNN|Fox(?: News)?|MSNBC|NBC|CBS|ABC)|(?:to )?(?:reporters|CNN|the crowd|supporters|an audience|the audience|journalists)|of|about))?")
_POST_LEAD_RE = re.compile(r"[ \t\u00a0]*,?[ \t\u00a0]*(?:—|--|–|―|-)?[ \t\u00a0]*")
_DASH_RE = re.compile(r"[—–―-]")
_LOWER_NEXT_RE = re.compile(r"\s*[a-z]")
_POST_VERB_RE = re.compile(r"([A-Za-z]+)(?:\s+(?:also|then|later|again))?\s+")
_NAME_CLOSE_RE = re.compile(r"\s*(?:[,.;]|$)")
_PUNCT_NEXT_RE = re.compile(r"\s*[.,;]")
_ROLE_WORDS_RE = re.compile(r"(?:[A-Za-z][\w’'\-]*\s+){1,3}")
#: A description that a name closes, up to its verb: "a spokesman for Acme ", "China's ambassador to Britain "
_ROLE_PREP_RE = re.compile(
    r"(?:[Aa]n?|[Tt]he|[A-Z][\w.&\-]*(?:'s|’s))\s+(?:[a-z][\w\-]*\s+){0,2}?([a-z]+)\s+(?:for|of|at|from|to|with)\s+"
    r"((?:the\s+)?[A-Z][\w.&\-]*(?:\s+(?:of\s+|for\s+|and\s+|&\s+)?[A-Z][\w.&\-]*){0,5})\s*"
)
_COMMA_VERB_RE = re.compile(r"[^.!?#;]{1,120}?,\s*([a-z]+)\s+")
_AUX_END_RE = re.compile(r"\b(?:is|was|are|were|be|been|being|am|has|have|had|seems|seemed|looked|looks|felt|feels|got|gets|became|becomes)$")
_ED_VERB_RE = re.compile(r"((?:the |a |an |his |her |their )?[\w’'.\- ]{1,60}?) (?:also |then |later )?([a-z]+ed)\b")
_ADJACENT_RE = re.compile(r"[\s\w’'\.\-,]{0,60}?(?:that|:|,)?\s*")
_THAT_ONLY_RE = re.compile(r"[\s,:]*(?:that\s*)?")
_BY_RE = re.compile(r"\s+by\s+")
_AND_ONLY_RE = re.compile(r"[\s,]*(?:and\s+)?")
_COLON_INTRO_RE = re.compile(r"(?:^|[.;]\s)(?:(?:Said|Says|Added|Asked|Wrote)\s+)?([A-Z][\w.’'\- ]{1,40}):\s*$")
_DOCUMENT_INTRO_RE = re.compile(
    r"(?:^|(?<=[.;]\s)|(?<=^\s))(?:From|In|Read)\s+((?:the\s+)?[\w.’' -]{1,60}?)['’]s?\s+(?:latest\s+|new\s+|own\s+)?"
    r"(?:statement|letter|remarks|speech|post|tweet|email|e-mail|testimony|interview|op-ed|memo|filing|report)\s*:\s*$"
)
_THAT_BETWEEN_RE = re.compile(r"\s*(?:that\s+)?")
_THAT_CLAUSE_RE = re.compile(r"[^.;:#,]*\bthat\s+")
#: "said that after legal consultation Washington had concluded": an adverbial after "that"
_THAT_ADVERBIAL_RE = re.compile(
    r"\s*that\s+(?:after|before|during|following|since|despite|without|under|given|amid|when|while|if|once|because)\b"
    r"[^.;:#,\"“”]{0,60}?\s+"
)
_PLACE_COMMA_RE = re.compile(r",\s*(?:(?:on|in|at|last|this)\s+[\w ]{1,20}?,\s*)?")
_REPORTER_RE = re.compile(r",\s*((?:[A-Z][\w.'’\-]*\s+){0,3}[A-Z][\w'’\-]*|he|she)\s+(?:also\s+)?([a-z]+)\s*[.!?]?\s*$")
#: ... or its cue between commas inside it: "The tuft cell, Herbert said, is always sensing."
_REPORTER_INSIDE_RE = re.compile(r",\s*((?:[A-Z][\w.'’\-]*\s+){0,3}[A-Z][\w'’\-]*|he|she)\s+(?:also\s+)?([a-z]+)\s*,")
_OWNED_WORD_RE = re.compile(r"\s+([a-z][a-z\-]+)")
_CAP_NEXT_RE = re.compile(r"\s+[A-Z]")


@dataclass
class Found:
    """A candidate speaker mention: ``text[start:end]``, the ``cue`` as written ("said",
    "told CNN", "according to", ":") at ``cue_pos``, the ``role`` an appositive gave it,
    and the ``method`` that found it (one of ``attribute.METHODS``)."""

    start: int
    end: int
    role: str | None
    cue: str | None
    cue_pos: int | None
    method: str
    antecedent: tuple[int, int] | None = None  # what "who" stands for

    def carried(self, method: str) -> Found:
        """The same mention lent to another quote, by ``method``."""
        return Found(self.start, self.end, self.role, self.cue, self.cue_pos, method, self.antecedent)


def scare_quote(doc: Document, sp: Span) -> bool:
    """Is the span never attributed: after "so-called", or a nickname inside a name
    (Dana "Dee" Reyes)?"""
    return bool(_SO_CALLED_RE.search(doc.masked, max(0, sp.outer_start - 12), sp.outer_start)) or _is_nickname(doc.text, sp)


def transcript(doc: Document, sp: Span) -> Found | None:
    """A transcript's speaker inside the quote: "PENCE: Well, ..." (method transcript)."""
    if not "A" <= doc.text[sp.start : sp.start + 1] <= "Z":
        return None  # (the cheap test first: a speaker's name in capitals opens the quote)
    tm = _TRANSCRIPT_RE.match(doc.text[sp.start : sp.end])
    if tm and len(tm.group(1).split()) <= 4:
        return Found(sp.start, sp.start + len(tm.group(1)), None, ":", None, "transcript")
    return None


def _is_nickname(text: str, sp: Span) -> bool:
    """A quoted nickname inside a name: Dana "Dee" Reyes."""
    return (
        sp.end - sp.start <= 12
        and bool(_NICKNAME_RE.fullmatch(text, sp.outer_start, sp.outer_end))
        and bool(_NICK_BEFORE_RE.search(text, max(0, sp.outer_start - 20), sp.outer_start))
        and bool(_NICK_AFTER_RE.match(text, sp.outer_end))
    )


def post(doc: Document, sp: Span, se: int, opens_clause: bool = True) -> Found | None:
    """Attribution right after the closing mark, up to ``se`` (the end of the sentence):
    "..., said X", "... X said", "..., according to X", a sign-off ("..." ― X), and,
    when the quote opens its clause (``opens_clause``), "... X, [...] said"."""
    m = doc.masked
    p = sp.outer_end
    lim = min(se, p + 200)
    seg = m[p:lim]
    lead = _POST_LEAD_RE.match(seg)
    assert lead is not None  # every part of the pattern is optional
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
        vm.group(1).lower() not in WEAK_VERBS or is_cap(m[q + vm.end() : q + vm.end() + 1])
    ):
        f = _np_forward(doc, q + vm.end(), lim, after_verb=True)
        if f:
            f.cue = _cue_text(doc, q, q + len(vm.group(1)), lim)
            f.cue_pos = q
            return f
    if vm and vm.group(1).islower() and vm.group(1).endswith("ed") and doc.text[sp.end - 1 : sp.end] in (",", "!", "?") and is_cap(m[q + vm.end() : q + vm.end() + 1]):
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
            w.lower() in ROLE_WORDS or w.lower() in ROLE_NOUNS or is_cap(w) for w in doc.masked[q:f.start].split()
        ) and doc.masked[q:f.start].split()[0].lower() not in ("the", "a", "an", "and", "but", "as"):
            f.start = q  # "union leader Sam Ortiz said": the role words belong to the mention
        elif (rp := _ROLE_PREP_RE.fullmatch(doc.masked, q, vs)) is not None and rp.group(1) in ROLE_NOUNS:
            # "a spokesman for Acme said", "China's ambassador to Britain said": a
            # description that a name closes is the mention
            f = Found(q, rp.end(2), None, None, None, "description")
        if f and (f.start == q or doc.masked[q:f.start].strip() in ("", "the") or _described_before(doc.masked[q:f.start], f.role)):
            f.cue, f.cue_pos = _cue_text(doc, vs, ve, lim), vs
            return f
        break
    f = _np_forward(doc, q, lim) if opens_clause else None
    if f is not None and f.method == "post-posed" and m[f.end : f.end + 1] == ",":
        tail = tokens(m, f.end, lim)[:18]
        for n, (ts, te, tw) in enumerate(tail):
            if tw in (".", "!", "?", ";") or tw.startswith("#"):
                break
            if tw.rstrip(".") in STRONG_VERBS and n >= 3:  # "..., adds." ends on the verb
                f.cue, f.cue_pos, f.method = tw.rstrip("."), ts, "named-subject"
                return f
    lm = _COMMA_VERB_RE.match(m[q:lim])
    if lm and lm.group(1) in STRONG_VERBS and not lm.group(1).endswith("ing"):
        # "“We're happy” about the decision, said Dana Reyes"
        f = _np_forward(doc, q + lm.end(), lim, after_verb=True)
        if f:
            f.cue, f.cue_pos = lm.group(1), q + lm.start(1)
            return f
    gm = _ED_VERB_RE.match(m[q:lim])
    if gm and gm.group(2) not in ("used", "based", "called", "named", "titled", "dubbed", "labeled", "accused", "aimed") and not (
        _AUX_END_RE.search(gm.group(1))  # "the former Speaker is intrigued": a state, not a cue
    ):
        toks = tokens(m, q, q + len(gm.group(1)))
        f = _np_end(doc, toks, len(toks) - 1, loose=True) if toks else None
        if f and f.start == q and (f.method != "description" or has_head(doc, f)):
            # any verb will do after a name ("Reyes chuckled"), not after any noun
            # phrase ("... — the balloons cascaded")
            f.cue, f.cue_pos = gm.group(2), q + gm.start(2)
            return f
    return None


def _described_before(lead: str, role: str | None) -> bool:
    """Whether ``lead`` is the description, and its comma, that gave a name its role:
    "the city's prosecutor, " before "Eva Persson, said"."""
    if not role or not lead.rstrip().endswith(","):
        return False
    words = lead.rstrip().removesuffix(",").split()
    return 0 <= len(words) - len(role.split()) <= 1 and " ".join(words).endswith(role)


def has_head(doc: Document, f: Found) -> bool:
    """Whether a description names what it is: a role or organisation noun among its
    words ("the union", "protesters"), not any noun phrase ("The first incident came")."""
    return any(w.strip(",.").lower() in ROLE_NOUNS for w in doc.masked[f.start : f.end].split())


#: Verbs that make someone do something: "leading Sperling to counter that ..."
_CAUSATIVE_RE = re.compile(r"(?:allow|lead|led|prompt|force|cause|spur|push|drive|drove|get|got|move|inspire|provoke|compel)(?:s|ed|d|ing|ting)?")


def pre(doc: Document, sp: Span, ss: int, seg_start: int | None = None) -> Found | None:
    """Attribution in the same sentence before the quote ("X said:", "according to X,",
    "Said X: ..."): the sentence starts at ``ss``, and the clause read at ``seg_start``
    (after an earlier quote in the same sentence; default ``ss``)."""
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
                toks = tokens(m, seg_start, vs)
                if len(toks) > 1 and toks[-1][2].endswith("ly") and toks[-1][2].islower():
                    toks = toks[:-1]  # "with Trump reportedly yelling"
                if toks and is_cap(toks[-1][2]) and toks[-1][2].rstrip(".") not in NON_NAME_CAPS:
                    g = _np_end(doc, toks, len(toks) - 1, after_prep=True)
                    if g is not None and g.method == "named-subject" and (
                        len(m[g.start : g.end].split()) >= 2 or n_verb == 0 and _word_before(toks, g.start) == "with"
                    ):
                        f = g
            if f is None and not w.endswith("ing"):
                # "allowed Mosseri to claim that", "leading Sperling to counter": what a
                # causative verb made someone say is theirs ("expects Obama to announce" is not)
                toks = tokens(m, seg_start, vs - 3)
                if toks and is_cap(toks[-1][2]) and toks[-1][2].rstrip(".") not in NON_NAME_CAPS:
                    g = _np_end(doc, toks, len(toks) - 1, after_prep=True)
                    if g is not None and g.method == "named-subject":
                        k = next((n for n, x in enumerate(toks) if x[0] == g.start), 0)
                        if k > 0 and _CAUSATIVE_RE.fullmatch(toks[k - 1][2]):
                            f = g
            earlier = [v for v in verbs if v[1] <= vs and not v[2].endswith("ing") and v[2] not in WEAK_VERBS]
            if f is None and earlier and _AND_ONLY_RE.fullmatch(m[earlier[-1][1] : vs]):
                f = _np_back(doc, seg_start, earlier[-1][0], loose=True)
            if f is None:
                f = None if after_quote else subject(doc, seg_start, vs)
        else:
            f = _np_back(doc, seg_start, vs, loose=True)
            if f is None and not after_quote:
                f = subject(doc, seg_start, vs) or nearest_subject(doc, seg_start, vs)
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
    # a document introduced with a colon: "From the senator's statement: ..."
    dm = _DOCUMENT_INTRO_RE.search(m, seg_start, p)
    if dm:
        f = _np_forward(doc, dm.start(1), dm.end(1), after_verb=True)
        if f is not None:
            f.cue, f.cue_pos, f.method = ":", dm.end(1), "colon"
            return f
    # colon intro without a verb: "Trump: ..." / "Mr. Smith on the plan:"
    cm = _COLON_INTRO_RE.search(m[seg_start:p])
    if cm and not any(w[:1].islower() for w in cm.group(1).split()[:1]):
        s = seg_start + cm.start(1)
        name = cm.group(1)
        if all(is_cap(w) for w in name.split()):
            return Found(s, s + len(name), None, ":", s + len(name), "colon")
    return None


#: Nouns for words someone said: "his warning that ...", "Trump's claim that ..."
_SPEECH_NOUNS = (
    "claim|claims|warning|warnings|statement|statements|suggestion|assertion|pledge|promise|call|calls|"
    "accusation|accusations|comment|comments|remark|remarks|vow|contention|insistence|"
    "argument|prediction|boast|threat|threats|declaration|words|denial|admission|complaint|criticism|"
    "plea|demand|demands|insult|insults|characterization|characterisation|retort|quip|broadside|jab|refrain"
)
_POSSESSED_SPEECH_RE = re.compile(
    r"(?:\b((?i:his|her|their))|((?<![\w’'])[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,3}?)(?:'s|’s|(?<=s)'|(?<=s)’))"
    r"\s+((?:[a-z][\w\-]*\s+){0,3}?)"
    rf"(?:{_SPEECH_NOUNS})\b(?!\s+(?:of|as|further|but)\b|,\s+but\b|\s+(?:\w+ly\s+)?(?:is|was|are|were|be|been)\b)"
)
#: ... and words that came from someone: "directives from Xi to "show no mercy""
_SPEECH_FROM_RE = re.compile(
    rf"\b(?:{_SPEECH_NOUNS}|directives?|orders|instructions?|messages?|letters?)\s+from\s+"
    r"((?:the\s+)?[A-Z][\w.\-]*(?:\s+(?:of\s+)?[A-Z][\w.\-]*){0,4})"
)
#: Words between a possessive and its noun that are not adjectives: "Powell's email would buttress the contention"
_NOT_BETWEEN = {"would", "will", "could", "should", "may", "might", "can", "did", "does", "do", "is", "was", "are",
                "were", "has", "have", "had", "be", "and", "or", "to", "of", "in", "on", "that", "which"}


def possessed_speech(doc: Document, sp: Span, seg_start: int) -> Found | None:
    """The one whose words a noun before the quote names: "his warning that Britain would
    go to the "back of the queue"", "Trump's claim that there were "thousands of
    shootings"", "directives from Xi to "show no mercy"" (no speech verb of another
    speaker between the noun and the quote, which stands at most 100 characters on)."""
    m = doc.masked
    p = sp.outer_start
    found = None
    for found in _POSSESSED_SPEECH_RE.finditer(m, max(seg_start, p - 200), p):
        pass
    came = None
    for came in _SPEECH_FROM_RE.finditer(m, max(seg_start, p - 200), p):
        pass
    if came is not None and (found is None or came.start() > found.start()) and p - came.end() <= 100:
        if not _nothing_between(doc, came.end(), p) or parse(came.group(1)).kind not in ("person", "organisation", "group"):
            return None
        return Found(came.start(1), came.end(1), None, None, None, "possessive")
    if found is None or p - found.end() > 100 or not _NOT_BETWEEN.isdisjoint(found.group(3).split()):
        return None
    if not _nothing_between(doc, found.end(), p):
        return None
    if found.group(1):
        return Found(found.start(1), found.end(1), None, None, None, "possessive")
    start, name = found.start(2), found.group(2)
    while " " in name and is_common_word(name.split()[0]):
        first = name.split()[0]
        name = name[len(first) :].lstrip()
        start = found.end(2) - len(name)
    if parse(name).kind not in ("person", "organisation", "group"):
        return None
    return Found(start, found.end(2), None, None, None, "possessive")


def _nothing_between(doc: Document, s: int, p: int) -> bool:
    """No speech verb and no other quote between a noun for someone's words and the quote
    at ``p`` ("Trump's claim that Obama said "..."" is Obama's)."""
    between = doc.masked[s:p]
    return not _verbs(doc, s, p) and '"' not in between and "“" not in between


def after_cue(doc: Document, sp: Span, se: int, ss: int | None = None) -> Found | None:
    """A speech verb later in the sentence (up to ``se``) with its subject ("... is what
    he said"), or "according to X" closing the sentence; for "..., saying ...", the
    subject of the clause that starts at ``ss``."""
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
            f = subject(doc, ss, sp.outer_start) if ss is not None and ss < sp.outer_start else None
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


def colon_paragraph(doc: Document, sp: Span) -> Found | None:
    """The paragraph before ends with a colon: "Trump told the crowd:"."""
    k = doc.block_of(sp.outer_start)
    if k <= 0:
        return None
    ps = doc.blocks[k][0]
    if doc.masked[ps:sp.outer_start].strip():
        return None
    qs, qe = doc.blocks[k - 1]
    if not doc.masked[qs:qe].rstrip().endswith(":"):
        return None
    ss = doc.sentence_of(qe - 1)[0]
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
    f = subject(doc, ss, qe)
    if f:
        f.cue, f.method = ":", "colon"
        return f
    # "Trump on immigration:" / "Statement from the campaign:"
    toks = tokens(doc.masked, ss, ss + len(tail))
    if toks and len(toks) <= 8:
        f = _np_forward(doc, ss, ss + len(tail))
        if f:
            f.cue, f.method = ":", "colon"
            return f
    return None


def subject(doc: Document, s: int, limit: int) -> Found | None:
    """The subject that opens the clause starting at ``s`` (after a short adverbial)."""
    m = doc.masked
    lead = LEAD_RE.match(m, s, limit)
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
    if not plausible_name(doc, f, x):
        return None
    if f.method == "post-posed":
        f.method = "named-subject"
    return f


def reporter(doc: Document, s: int, e: int) -> Found | None:
    """The speaker of a sentence that closes with its cue ("The plan may stall, Smith said.")."""
    tail = _REPORTER_RE.search(doc.masked, max(s, e - 150), e)
    if not tail or tail.group(2) not in STRONG_VERBS:
        tail = next((t for t in _REPORTER_INSIDE_RE.finditer(doc.masked, s, e) if t.group(2) in STRONG_VERBS), None)
        if tail is None:
            return None
    toks = tokens(doc.masked, tail.start(1), tail.end(1))
    f = _np_end(doc, toks, len(toks) - 1) if toks else None
    if f is None or f.method not in ("named-subject", "pronoun"):
        return None
    f.cue, f.cue_pos = tail.group(2), tail.start(2)
    return f


def nearest_subject(doc: Document, s: int, v: int) -> Found | None:
    """The closest mention before ``v`` that opens a clause ("..., and Bush thought and said")."""
    toks = tokens(doc.masked, max(s, v - WINDOW), v)
    for i in range(len(toks) - 1, -1, -1):
        t = toks[i][2]
        nxt = toks[i + 1][2] if i + 1 < len(toks) else ""
        if t.lower() in ("he", "she", "they", "i", "we") or (is_cap(t) and t.rstrip(".") not in NON_NAME_CAPS and not t.endswith(("'s", "’s", "s'", "s’")) and not is_cap(nxt) and nxt.lower() not in _PREPS and nxt not in (",", ".") and nxt not in ("’s", "'s")):
            f = _np_end(doc, toks, i)
            if f is None:
                continue
            j = next((n for n, x in enumerate(toks) if x[0] == f.start), None)
            if j is None:
                continue
            before = toks[j - 1][2].lower() if j > 0 else ","
            if before in _BOUNDARY and plausible_name(doc, f, toks[0][0] if j == 0 else -1):
                return f
    return None


def plausible_name(doc: Document, f: Found, sentence_start: int) -> bool:
    """A lone capitalised word opening a sentence is a name only if the article also
    capitalises it mid-sentence ("Flying home, she said" is not about a "Flying")."""
    word = doc.masked[f.start : f.end]
    if " " in word or not word[:1].isupper() or f.method == "pronoun" or f.start != sentence_start:
        return True
    if word.lower() in ("he", "she", "they", "i", "we", "it") or word.lower() in ROLE_NOUNS:
        return True  # pronouns and groups ("Protesters marching ... chanted")
    return word in doc.midsentence_caps


def _outer_reporter(doc: Document, earlier: list, inner_start: int, seg_start: int, ss: int) -> Found | None:
    """In "X said (that) Y told them ...", the quote is reported by X: return X's mention
    when a speech verb directly governs the clause whose subject was found."""
    if not earlier:
        return None
    vs, ve, w = earlier[-1]
    if w in WEAK_VERBS or w.endswith("ing") or ve > inner_start:
        return None
    between = doc.masked[ve:inner_start]
    if not _THAT_BETWEEN_RE.fullmatch(between) and not (
        len(between) <= 100 and (_THAT_CLAUSE_RE.fullmatch(between) or _THAT_ADVERBIAL_RE.fullmatch(between))
    ):
        return None
    f = _np_back(doc, seg_start, vs)
    if f is None:
        return None
    f.cue, f.cue_pos = _cue_text(doc, vs, ve, inner_start), vs
    f.method = "sentence-cue" if f.method == "named-subject" else f.method
    return f


def mention_before(doc: Document, s: int, v: int) -> Found | None:
    """The speaker mention that ends just before the verb at ``v`` (the clause read from
    ``s``): "the Freedonian army said", "Lopez, the engineer, told"."""
    return _np_back(doc, s, v, loose=True)


def _np_back(doc: Document, s: int, v: int, loose: bool = False) -> Found | None:
    """The speaker mention that ends just before position ``v`` (a cue verb)."""
    toks = tokens(doc.masked, max(s, v - WINDOW), v)
    i = len(toks) - 1
    while i >= 0 and (toks[i][2].lower() in _SKIP_BACK and toks[i][2][:1].islower() or toks[i][2] in _CONTRACTED):
        i -= 1
    if i >= 0 and toks[i][2] == ")":
        inner = _np_end_bracketed(doc, toks, i)
        if inner is not None:
            return inner
    while i >= 0 and toks[i][2].endswith("ly") and toks[i][2].islower() and len(toks[i][2]) > 4:
        i -= 1
    if i >= 2 and toks[i - 1][2] in ("in", "on", "last") and (toks[i][2].isdigit() or toks[i][2] in _TIME_WORDS) and toks[i - 2][2].lower() in ("who", "which"):
        i -= 2  # "McConnell, who in 2010 said"
    while i >= 0 and toks[i][2].lower() in _SKIP_BACK and toks[i][2][:1].islower():
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
                # "Rep. Ann Roe (R-Ohio), an oversight panel member, said"
                bracketed = j > 0 and toks[j - 1][2] == ")"
                found = _np_end_bracketed(doc, toks, j - 1) if bracketed else _np_end(doc, toks, j - 1)
                if bracketed and found is not None and _word_before(toks, found.start) in _PREPS:
                    found = None  # "... who worked for Sen. Lamar Alexander (R-Tenn.), one of ...": an object
                opener = toks[j + 1][2].lower() if j + 1 < len(toks) else ""
                if found and (opener in _DETS or opener in ("who", "whose", "which", "who's") or opener in ROLE_NOUNS
                              or opener in ROLE_WORDS or opener[:1].isdigit() or is_cap(toks[j + 1][2]) or opener == "the"
                              or (found.method == "named-subject" and is_cap(toks[j - 1][2]))):
                    app = doc.masked[toks[j + 1][0] : toks[i - 1][1]]
                    if found.method == "description" and is_cap(toks[j + 1][2]):
                        # "the city's prosecutor, Eva Persson, said": the name says who
                        words = doc.masked[found.start : found.end].split()
                        if words[0].lower() in _DETS:
                            words = words[1:]
                        low = [w.lower().strip(",.") for w in words]
                        cut = next((n for n, w in enumerate(low) if w in _PREPS), len(low))
                        head = head_noun(low[:cut]) if cut else ""
                        if (head in ROLE_NOUNS or is_role_noun(head)) and head not in DOCUMENT_NOUNS:
                            named = _np_end(doc, toks, i - 1)
                            if named is not None and named.method == "named-subject" and named.start == toks[j + 1][0] and (
                                parse(doc.masked[named.start : named.end]).kind == "person"
                            ):
                                named.role = " ".join(words)
                                return named
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


def _word_before(toks: list[tuple[int, int, str]], start: int) -> str:
    """The token before the one at offset ``start``, in lower case ("" for none): "with"
    in "with Trump yelling", "for" in "worked for Sen. Ann Roe"."""
    k = next((n for n, t in enumerate(toks) if t[0] == start), 0)
    return toks[k - 1][2].lower() if k > 0 else ""


def _np_end_bracketed(doc: Document, toks: list[tuple[int, int, str]], i: int) -> Found | None:
    """A mention ending at the ")" of token ``i``, its brackets and all: "Sen. John
    Cornyn (R-Texas) said"."""
    j = i - 1
    while j >= 0 and toks[j][2] != "(" and i - j < 12:
        j -= 1
    if j < 0 or toks[j][2] != "(":
        return None
    inner = _np_end(doc, toks, j - 1)
    if inner is not None:
        inner.end = toks[i][1]
    return inner


#: Those who speak for someone: "a spokesman for", "an aide to"
_AGENT_HEADS = {"spokesman", "spokeswoman", "spokesperson", "representative", "aide", "lawyer", "attorney", "adviser", "advisor"}
_NP_STOPS = {"said", "says", "that", "and", "but", "who", "which", "is", "was", "are", "were", "be", "been", "has",
             "have", "had"}


def _np_end(doc: Document, toks: list[tuple[int, int, str]], i: int, loose: bool = False, after_prep: bool = False) -> Found | None:
    """A mention ending at token ``i`` (inclusive), or None."""
    if i < 0:
        return None
    t = toks[i][2]
    low = t.lower()
    if low in _PRONOUNS or low == "which" and i > 0 and is_cap(toks[i - 1 if toks[i - 1][2] != "," else max(i - 2, 0)][2]):
        if i > 0 and toks[i - 1][2].lower() in _PREPS and low not in _SUBJECT_PRONOUNS:
            return None  # "with him", not "as she said": "as", "after" and "while" also join clauses
        f = Found(toks[i][0], toks[i][1], None, None, None, "pronoun")
        if low in ("who", "which") and i > 0:
            k = i - 2 if toks[i - 1][2] == "," else i - 1
            ante = _np_end(doc, toks, k, after_prep=True)  # "a meeting with Lopez, who said"
            if (ante is None or ante.method == "description") and toks[i - 1][2] == ",":
                # "McConnell, now the majority leader, who said": the name before the appositive
                j = next((j for j in range(k, max(k - 10, 0), -1) if toks[j][2] == ","), None)
                named = _np_end(doc, toks, j - 1, after_prep=True) if j else None
                ante = named if named is not None and named.method == "named-subject" else ante
            if ante is None:
                return None
            f.antecedent = (ante.start, ante.end)
        return f
    if is_cap(t) and t.rstrip(".") not in NON_NAME_CAPS or (t in TITLES):
        j = i
        while j - 1 >= 0:
            p = toks[j - 1][2]
            if is_cap(p) and (p.rstrip(".") not in NON_NAME_CAPS or p in TITLES):
                j -= 1
            elif p.startswith("#") and len(p) <= 14 and j - 2 >= 0 and is_cap(toks[j - 2][2]) and toks[j - 2][2].rstrip(".") not in NON_NAME_CAPS and _NICKNAME_RE.fullmatch(doc.text, toks[j - 1][0], toks[j - 1][1]):
                j -= 1  # a nickname inside the name: Dana "Dee" Reyes
            elif p.lower() in ROLE_WORDS and p.islower() and j - 2 >= 0 and (is_cap(toks[j - 2][2]) or toks[j - 2][2].lower() in ROLE_WORDS):
                j -= 1
            elif p.lower() in ("de", "van", "von", "der", "del", "la", "le", "bin", "al", "el", "di", "du", "da") and j - 2 >= 0 and is_cap(toks[j - 2][2]):
                j -= 1
            elif p in ("&",) and j - 2 >= 0 and is_cap(toks[j - 2][2]):
                j -= 1
            else:
                break
        while j <= i and toks[j][2].islower():
            j += 1
        if j > i:
            return None
        if j >= 2 and toks[j - 1][2] in ("for", "to") and toks[j - 2][2] in _AGENT_HEADS:
            # "a spokesman for Mayor Ana Lima called": the one who speaks for her
            d = j - 3 if j >= 3 and toks[j - 3][2].lower() in _DETS else j - 2
            return Found(toks[d][0], toks[i][1], None, None, None, "description")
        the = j - 1 >= 0 and toks[j - 1][2].lower() == "the"
        if the:
            j -= 1
        # a short name after a preposition is its object ("since the DNC leaks", "of The
        # Forward"), with or without "the"
        if j - 1 >= 0 and toks[j - 1][2].lower() in _PREPS and toks[j - 1][2].lower() not in ("as",):
            if i - j < 2 and not after_prep and not any(x[2] in TITLES for x in toks[j : i + 1]):
                if the and j >= 2 and toks[j - 1][2] in ("of", "at", "from") and is_cap(toks[j - 2][2]):
                    # "Ben Ode of The Forward wrote": the name before it says who
                    owner = _np_end(doc, toks, j - 2)
                    if owner is not None and owner.method == "named-subject":
                        return Found(owner.start, toks[i][1], None, None, None, "named-subject")
                # ... and "a person close to the Murdochs" is someone unnamed
                desc = _np_end(doc, toks, j - 2) if the and j >= 2 and toks[j - 2][2].islower() else None
                if desc is not None and desc.method == "description" and doc.masked[desc.start : desc.start + 2].lower() in ("a ", "an") and (
                    toks[j - 2][2] not in DOCUMENT_NOUNS
                ):
                    return Found(desc.start, toks[i][1], None, None, None, "description")
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
        if w in (",", ";", ":", "(", ")", "—", "-") or w.startswith("#") or w.lower() in _NP_STOPS:
            break  # a noun phrase holds no verb: "This is a far cry from ..." is none
        if w.lower() in _DETS or (w.endswith(("'s", "’s")) and is_cap(w)):
            span = [x[2].lower().strip(",.") for x in toks[j + 1 : i + 1]]
            if any(x in ROLE_NOUNS or _plural_role(x) for x in span[:5]) or (loose and (j == 0 or toks[j - 1][2].lower() in _BOUNDARY) and len(span) <= 4):
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


def _np_forward(doc: Document, p: int, limit: int, after_verb: bool = False) -> Found | None:
    """The speaker mention starting at ``p`` ("said Jalal el-Gallal, a spokesman ...")."""
    toks = tokens(doc.masked, p, min(limit, p + WINDOW))
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
        while k < len(toks) and k < 6 and ((toks[k][2].islower() or not toks[k][2][:1].isalpha()) and (toks[k][2] in ROLE_WORDS or toks[k][2] in ROLE_NOUNS or toks[k][2] in ("former", "retired", "then", "late", "veteran", "longtime", "top", "senior", "acting", "interim") or (after_verb and (toks[k][2].isalpha() or toks[k][2][:1].isdigit() or toks[k][2] == "/") and toks[k][2] not in _FWD_STOP and toks[k][2] not in _PREPS and toks[k][2] not in _DETS)) or is_cap(toks[k][2])):
            if is_cap(toks[k][2]):
                break
            k += 1
        if 0 < k < len(toks) and is_cap(toks[k][2]):
            lead = k
            t = toks[k][2]
            low = t.lower()
    if is_cap(t) and t.rstrip(".") not in NON_NAME_CAPS or t in TITLES or low == "the" and len(toks) > lead + 1 and is_cap(toks[lead + 1][2]):
        k = lead + (1 if low == "the" else 0)
        while k < len(toks):
            w = toks[k][2]
            if is_cap(w) or (w.lower() in ROLE_WORDS and w.islower() and k + 1 < len(toks) and (is_cap(toks[k + 1][2]) or toks[k + 1][2].lower() in ROLE_WORDS)) or (
                # "NASA administrator Jim Bridenstine": a role noun between organisation and name
                w in ROLE_NOUNS and not w.endswith("s") and k > lead and k + 1 < len(toks) and is_cap(toks[k + 1][2])
                and toks[k + 1][2].rstrip(".") not in NON_NAME_CAPS
            ) or (
                w.startswith("#") and k > lead and k + 1 < len(toks) and is_cap(toks[k + 1][2]) and _NICKNAME_RE.fullmatch(doc.text, toks[k][0], toks[k][1])
            ) or (
                w.lower() in ("de", "van", "von", "der", "del", "la", "le", "bin", "al", "el", "di", "du", "da") and k + 1 < len(toks) and is_cap(toks[k + 1][2]) and k > 0
            ) or (w in ("of", "for") and k > 0 and toks[k - 1][2] in TITLES and k + 1 < len(toks) and is_cap(toks[k + 1][2])) or w == "&":
                k += 1
            else:
                break
        if k == lead or (k == lead + 1 and low == "the"):
            return None
        named = _named_after_possessive(doc, toks, lead, k) or _owned_role(doc, toks, lead, k)
        if named is not None:
            return named
        if k < len(toks) and _plural_role(toks[k][2]) and low != "the" and k - lead == 1:
            # "Egyptian archaeologists excavated": a word before the people it describes
            return Found(toks[lead][0], toks[k][1], None, None, None, "description")
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
                r = _prep_object_end(toks, r + 2, k) - 1
            k = r + 1
        end = toks[k - 1][1]
        nxt = k
        method = "description"
    else:
        return None
    if method == "description" and nxt + 1 < len(toks) and toks[nxt][2] == "," and is_cap(toks[nxt + 1][2]):
        # "The leader of Ennahda, Rachid Ghannouchi, condemned": the name in apposition says who
        e = nxt + 1
        while e < len(toks) and is_cap(toks[e][2]):
            e += 1
        desc = [x[2].lower() for x in toks[:nxt]]
        cut = next((n for n, w in enumerate(desc) if w in _PREPS), len(desc))
        head = head_noun(desc[:cut]) if cut else ""
        name = doc.masked[toks[nxt + 1][0] : toks[e - 1][1]]
        kind = parse(name).kind
        if e < len(toks) and toks[e][2] == "," and e - nxt >= 3 and (head in ROLE_NOUNS or is_role_noun(head)) and (
            head not in DOCUMENT_NOUNS and (kind == "person" or kind == "organisation" and head in ORG_NOUNS)
        ):  # "The group, Dock Workers Coalition, said": an organisation as well
            first = 1 if desc[0] in _DETS and nxt > 1 else 0
            return Found(toks[nxt + 1][0], toks[e - 1][1], doc.masked[toks[first][0] : end], None, None, "post-posed")
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


def _prep_object_end(toks: list[tuple[int, int, str]], j: int, k: int) -> int:
    """Where the object of "a spokesman for ..." ends, at or before ``k``: before the verb
    after the name it holds ("a spokesman for candidate Ann Roe called a report", not
    "the father of the Orlando nightclub shooter")."""
    named = False
    while j < k:
        w = toks[j][2]
        if is_cap(w):
            named = True
        elif named and (w in SPEECH_VERBS or w.endswith("ed") or w in _AUXILIARIES):
            return j
        j += 1
    return k


_AUXILIARIES = {"has", "had", "have", "is", "was", "are", "were", "will", "would", "could", "did", "does"}


def _plural_role(word: str) -> bool:
    """Is ``word`` people named by their role, in the plural ("archaeologists", "officials")?"""
    return len(word) > 4 and word.islower() and word.endswith("s") and (word in ROLE_NOUNS or is_role_noun(word[:-1]))


def _past_possessive(toks: list[tuple[int, int, str]], k: int) -> int | None:
    """Where the words after a possessor ending at ``toks[k - 1]`` start ("'s" a token of
    its own or glued on); None when the possessor has no "'s"."""
    if k < len(toks) and toks[k][2] in ("'s", "’s"):
        return k + 1
    return k if toks[k - 1][2].endswith(("'s", "’s")) else None


def _named_after_possessive(doc: Document, toks: list[tuple[int, int, str]], lead: int, k: int) -> Found | None:
    """In "says Rosetta's former mission manager Gerhard Schwehm", the person named after
    a possessive and its role words (``toks[lead:k]`` the possessor), with those for role."""
    after = _past_possessive(toks, k)
    if after is None:
        return None
    k = r = after
    while r < len(toks) and r < k + 6 and toks[r][2].isalpha() and toks[r][2].islower() and (
        toks[r][2] not in _FWD_STOP and toks[r][2] not in _PREPS and toks[r][2] not in _DETS
    ):
        r += 1
    if r == k or r >= len(toks) or not is_cap(toks[r][2]) or toks[r][2].rstrip(".") in NON_NAME_CAPS or not is_role_noun(toks[r - 1][2]):
        return None
    e = r
    while e < len(toks) and is_cap(toks[e][2]):
        e += 1
    return Found(toks[r][0], toks[e - 1][1], doc.masked[toks[lead][0] : toks[r - 1][1]], None, None, "post-posed")


def _owned_role(doc: Document, toks: list[tuple[int, int, str]], lead: int, k: int) -> Found | None:
    """In "China's ambassador to Britain accused ...", the description a possessive opens,
    with no name after its role words (``toks[lead:k]`` the possessor): the role noun
    and, after "to", "of" or "for", the capitalised words it is held in."""
    after = _past_possessive(toks, k)
    if after is None:
        return None
    k = r = after
    while r < len(toks) and r < k + 4 and toks[r][2].isalpha() and toks[r][2].islower() and toks[r][2] not in _FWD_STOP and (
        toks[r][2] not in _PREPS and toks[r][2] not in _DETS
    ):
        r += 1
    if r == k or toks[r - 1][2] not in ROLE_NOUNS or toks[r - 1][2].endswith("s") and toks[r - 1][2] not in ("boss",):
        return None
    end = toks[r - 1][1]
    if r + 1 < len(toks) and toks[r][2] in ("to", "of", "for", "at") and is_cap(toks[r + 1][2]):
        e = r + 1
        while e < len(toks) and is_cap(toks[e][2]):
            e += 1
        end = toks[e - 1][1]
    elif r < len(toks) and is_cap(toks[r][2]):
        return None  # a name follows: _named_after_possessive's
    return Found(toks[lead][0], end, None, None, None, "description")


def _verbs(doc: Document, s: int, e: int) -> list[tuple[int, int, str]]:
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
            if pw == "to" and w.endswith("ed"):
                continue  # "cuts to proposed programmes": no verb follows "to" in its past form
            if prev and prev.group(1)[:1].isupper() and (w + "ed" in SPEECH_VERBS or w + "d" in SPEECH_VERBS) and (
                _DET_NAME_BEFORE_RE.search(seg, max(0, m.start() - 40), m.start()) and not seg.startswith(" by ", m.end())
            ):  # "posted a Twitter comment": a verb's base form after "a" and a name is a noun (and
                continue  # "a Medium post by Ana Roe" keeps its author, as after a verb)
            out.append((s + m.start(), s + m.end(), w))
    return out


def _cue_text(doc: Document, vs: int, ve: int, limit: int) -> str:
    """The cue as written: the verb and a short object ("told CNN", "said in a statement")."""
    m = _CUE_OBJECT_RE.match(doc.masked[ve:limit])
    return doc.masked[vs : ve + (m.end() if m else 0)].strip()


def owned_noun(m: str, p: int) -> int:
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


def modifies(m: str, p: int) -> bool:
    """Is the name ending at ``p`` only a modifier ("the Smith Institute report found")?"""
    wm = _OWNED_WORD_RE.match(m, p)
    return wm is not None and wm.group(1) in ROLE_NOUNS
