"""Attribution: quoted spans in, ``Quote`` records out.

In: the article text, its ``Layout`` and its quoted ``Span``s. Out: one ``Quote`` per
span attributed (``cascade.attributable``), in text order, with its speaker mention and
offsets, cue, method, canonical speaker, role and kind of speaker, the kind of quote
(``kind_of``: direct, partial or term); how sure each is (``confidence``) comes after
speech is told from the rest. The stages: ``document.Document`` reads the text,
``cascade.find_mentions`` finds a candidate mention for each span with the finders of
``mentions``, and ``resolution.resolve`` turns each mention into a name.
"""
from __future__ import annotations

import re

from ..model import Quote
from .cascade import find_mentions
from .document import Document, clamp
from .layout import Layout
from .marks import Span
from .mentions import Found, owned_noun
from .resolution import antecedent, resolve, speaks_for_owner

#: The methods that find a speaker, from the surest cue to the weakest fallback (how sure
#: each attribution is, ``confidence``, is set later from these and more: see ``confidence``).
METHODS = (
    "post-posed", "named-subject", "pronoun", "according-to", "possessive", "paragraph-carry", "colon", "transcript",
    "sign-off", "description", "continued", "sentence-cue", "previous-quote", "sentence-subject",
    "previous-sentence", "previous-paragraph", "none",
)
_THAT_END_RE = re.compile(r"\b(?:that)$")


def attribute(text: str, layout: Layout, spans: list[Span]) -> list[Quote]:
    """Turn quoted spans into attributed ``Quote`` records."""
    doc = Document(text, layout, spans)
    found = find_mentions(doc)
    kept, found_for, scare, index_of_span = found.spans, found.found, found.scare, found.index_of_span
    quotes: list[Quote] = []
    # resolve each mention to a speaker
    for qi, sp in enumerate(kept):
        f = found_for[qi]
        q = Quote(text=text[sp.start : sp.end], start=sp.start, end=sp.end, paragraph=sp.paragraph)
        ss, se = clamp(doc.sentence_of(sp.outer_start), sp)
        q.context = text[ss:se]
        q.kind = "term" if qi in scare else kind_of(doc, sp, ss, se, f)
        if f is not None:
            owner = None
            if f.antecedent is None and text[f.end - 2 : f.end] in ("'s", "’s"):
                owned = owned_noun(doc.masked, f.end)
                if owned > f.end:
                    # "Smith's lawyer said": the speaker is what the name owns
                    owner = f.end
                    f = Found(f.start, owned, f.role, f.cue, f.cue_pos, "description" if f.method in ("named-subject", "post-posed") else f.method)
            mention_text = text[f.start : f.end]
            q.speaker_mention, q.speaker_start, q.speaker_end = mention_text, f.start, f.end
            q.cue, q.method = f.cue, f.method
            if f.antecedent is not None:
                name, role, kind, form = resolve(doc, text[f.antecedent[0] : f.antecedent[1]], f.antecedent[0], f.role)
                form = "pronoun"
            elif owner is not None and not speaks_for_owner(mention_text):
                name, role, kind, form = None, None, "unknown", "description"
            else:
                name, role, kind, form = resolve(doc, mention_text, f.start, f.role)
            if kind not in ("person", "organisation", "group", "unknown"):
                kind = "organisation" if kind == "place" else "unknown"
            q.speaker, q.speaker_role, q.speaker_kind = name, role, kind
            if name and form in ("pronoun", "description") and owner is None:
                ante = antecedent(doc, name, kind, f.start)
                if ante is not None:
                    q.antecedent_start, q.antecedent_end = ante
                    q.antecedent_mention = text[ante[0] : ante[1]]
            if name and kind == "person" and name in doc.names.entities:
                doc.speakers.append((f.start, name))
            if form == "pronoun" and f.method in ("named-subject", "post-posed"):
                q.method = "pronoun"
            elif form == "description" and f.method in ("named-subject", "post-posed"):
                q.method = "description"
        else:
            q.method = "none"
        if sp.continues is not None and sp.continues in index_of_span:
            q.continues = index_of_span[sp.continues]
        quotes.append(q)
    return quotes


def kind_of(doc: Document, sp: Span, ss: int, se: int, f: Found | None) -> str:
    """direct (the quote is the reported speech), partial (a fragment inside
    paraphrase) or term (no speaker and no cue: a title, nickname or irony)."""
    m = doc.masked
    pre = m[ss : sp.outer_start].strip()
    post = m[sp.outer_end : se].strip()
    inner = doc.text[sp.start : sp.end]
    if sp.continues is not None or not sp.closed:
        return "direct"
    if not pre or pre.endswith((":", ",")) or _THAT_END_RE.search(pre) and inner[:1].isupper():
        if inner[:1].isupper() or inner[:1] in "(['‘\"…." or not pre:
            return "direct"
    if not post or post.startswith((",", "—", "-")) and inner.rstrip()[-1:] in ",!?—-":
        if inner[:1].isupper() and len(inner.split()) >= 3:
            return "direct"
    if f is None and len(inner.split()) <= 4:
        return "term"
    return "partial"
