"""The cascade: which finder speaks for each quote, and how a speaker carries over.

In: a ``Document``. Out: ``Candidates``: the spans to attribute (primary spans in body
paragraphs with a letter or digit inside), the ``Found`` mention for each (or None),
and the scare quotes among them.

For each span the finders of ``mentions`` are tried in a fixed order, the first that
finds a mention winning: a transcript's speaker, the words right after the quote, the
words before it in its sentence, a noun for someone's words before it ("his
warning that ..."), the quote it continues (a multi-paragraph quote), a
cue later in the sentence, a paragraph before that ends with a colon. Then the
fallbacks, each with a method of its own (and so a confidence of its own): the speaker
of the quote before in the same sentence, the subject of the clause around the quote
(or, when it names no one, the cue closing the sentence before), the previous sentence's
speaker or subject, the quote before in the same paragraph or
in the paragraph before, and the last sentence of a paragraph before that has no quote.
Last, a quote still without a speaker borrows it from the part of a multi-paragraph
quote after it, or from the next quote in its paragraph.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .document import Document, clamp, prev_nonspace
from .lexicon import STRONG_VERBS
from .marks import Span
from .mentions import (
    Found,
    after_cue,
    colon_paragraph,
    nearest_subject,
    plausible_name,
    possessed_speech,
    post,
    pre,
    reporter,
    scare_quote,
    subject,
    transcript,
)


@dataclass
class Candidates:
    """The spans to attribute, in text order, and what the cascade found for them."""

    spans: list[Span]
    found: list[Found | None]  # the mention found for each span, or None
    scare: set[int]  # indexes (in ``spans``) of scare quotes and nicknames: never attributed
    index_of_span: dict[int, int]  # index in ``Document.spans`` -> index in ``spans``


def attributable(doc: Document) -> tuple[list[Span], dict[int, int]]:
    """The spans of ``doc`` to attribute (primary, in a body paragraph, with a letter or
    digit inside), and for each its index in ``doc.spans`` -> its index in that list."""
    body = set(doc.body_blocks)
    kept: list[Span] = []
    index_of_span: dict[int, int] = {}
    for n, sp in enumerate(doc.spans):
        if not sp.primary:
            continue
        k = doc.block_of(sp.outer_start)
        if k < 0 or doc.blocks[k] not in body:
            continue
        if not any(ch.isalnum() for ch in doc.text[sp.start : sp.end]):
            continue  # pic="" and other empty or punctuation-only spans
        index_of_span[n] = len(kept)
        kept.append(sp)
    return kept, index_of_span


def find_mentions(doc: Document) -> Candidates:
    """Run the cascade over every span of ``doc`` to attribute."""
    kept, index_of_span = attributable(doc)
    found_for: list[Found | None] = []
    scare: set[int] = set()
    for qi, sp in enumerate(kept):
        if scare_quote(doc, sp):
            found_for.append(None)  # "the so-called "miracle cure"": a scare quote
            scare.add(qi)
            continue
        found_for.append(_first_found(doc, kept, qi, found_for, index_of_span))
    _lend_back(doc, kept, found_for, index_of_span, scare)
    return Candidates(kept, found_for, scare, index_of_span)


def _first_found(doc: Document, kept: list[Span], qi: int, found_for: list[Found | None], index_of_span: dict[int, int]) -> Found | None:
    """The mention for ``kept[qi]``, given what was found for the spans before it: the
    first of ``found_in_order``."""
    return next(found_in_order(doc, kept, qi, found_for, index_of_span), None)


def found_in_order(doc: Document, kept: list[Span], qi: int, found_for: list[Found | None], index_of_span: dict[int, int]) -> Iterator[Found]:
    """Every mention the finders give for ``kept[qi]``, in the cascade's order (each
    found only when asked for, so the first costs only its finders)."""
    sp = kept[qi]
    ss, se = clamp(doc.sentence_of(sp.outer_start), sp)
    k = doc.block_of(sp.outer_start)
    m = doc.masked
    # "PENCE: Well, ..." transcripts
    f = transcript(doc, sp)
    if f is not None:
        yield f
    seg = ss
    if qi > 0 and kept[qi - 1].outer_end > ss and kept[qi - 1].outer_end <= sp.outer_start:
        seg = kept[qi - 1].outer_end
    f = post(doc, sp, se, opens_clause=not m[ss : sp.outer_start].strip(" ,:;—-\u00a0\"“"))
    if f is not None and f.method == "according-to" and m[seg : sp.outer_start].strip(" ,:;—-\u00a0\"“"):
        # "X called it "..." , according to Y": the words are X's; Y only relays them
        relayed = pre(doc, sp, ss, seg)
        if relayed is not None and relayed.method in ("named-subject", "pronoun") and (relayed.cue or "").split()[0] in STRONG_VERBS:
            yield relayed
    if f is not None:
        yield f
    f = pre(doc, sp, ss, seg)
    if f is not None:
        yield f
    f = possessed_speech(doc, sp, seg)
    if f is not None:
        yield f
    if sp.continues is not None and sp.continues in index_of_span:
        prev = found_for[index_of_span[sp.continues]]
        if prev:
            yield prev.carried("continued")
    f = after_cue(doc, sp, se, seg)
    if f is not None:
        yield f
    f = colon_paragraph(doc, sp)
    if f is not None:
        yield f
    embedded = bool(m[seg : sp.outer_start].strip(" ,:;—-\u00a0"))
    before = found_for[qi - 1] if qi > 0 else None
    if seg > ss and before is not None:
        yield before.carried("paragraph-carry")
    if embedded:
        f = subject(doc, seg, sp.outer_start) or nearest_subject(doc, seg, sp.outer_start)
        if f is not None:
            f.method = "sentence-subject"
            yield f
        elif qi == 0 or kept[qi - 1].outer_end < ss:
            # "..., Howitt says. Just because ..., "...."": no one in the quote's own
            # sentence, the cue closing the sentence before it
            before_s = _sentence_before(doc, ss, k)
            if before_s is not None and not (qi > 0 and kept[qi - 1].outer_end > before_s[0]):
                f = reporter(doc, *before_s)
                if f is not None:
                    f.method = "previous-sentence"
                    yield f
    if not embedded and (qi == 0 or doc.block_of(kept[qi - 1].outer_start) != k or kept[qi - 1].outer_end < ss):
        # "Clinton touted her record. "We need ..."": the previous sentence's subject
        before_s = _sentence_before(doc, ss, k)
        if before_s is not None:
            ps, pe = before_s
            if not (qi > 0 and ps <= kept[qi - 1].outer_start < pe and found_for[qi - 1] is not None):
                f = reporter(doc, ps, pe) or subject(doc, ps, pe)
                if f is not None:
                    f.method = "previous-sentence"
                    yield f
    if qi > 0:
        # carry: the quote before in the same paragraph, or the paragraph before
        pk = doc.block_of(kept[qi - 1].outer_start)
        prev = found_for[qi - 1]
        if prev is not None and pk == k:
            yield prev.carried("paragraph-carry")
        elif prev is not None and pk == k - 1 and not m[doc.blocks[k][0] : sp.outer_start].strip():
            # ... unless the paragraph before goes on after its quote with a sentence
            # of its own: "Trump added. He then had a question for the crowd."
            ls, le = doc.sentence_of(prev_nonspace(m, doc.blocks[k][0]))
            if ls > kept[qi - 1].outer_end and ls >= doc.blocks[k - 1][0]:
                g = subject(doc, ls, le)
                if g is not None and g.method in ("named-subject", "pronoun") and plausible_name(doc, g, ls):
                    g.method = "previous-paragraph"
                    yield g
            yield prev.carried("previous-quote")
    if k > 0 and k - 1 not in doc.headings and not m[doc.blocks[k][0] : sp.outer_start].strip() and (
        qi == 0 or doc.block_of(kept[qi - 1].outer_start) < k - 1
    ):
        # a paragraph that opens with a quote after a paragraph without one: that
        # paragraph's last sentence usually introduces the speaker (a heading's never does)
        ps, pe = doc.sentence_of(prev_nonspace(m, doc.blocks[k][0]))
        if ps >= doc.blocks[k - 1][0]:
            g = subject(doc, ps, pe)
            if g is not None and g.method in ("named-subject", "pronoun") and plausible_name(doc, g, ps):
                g.method = "previous-paragraph"
                yield g


def _sentence_before(doc: Document, ss: int, k: int) -> tuple[int, int] | None:
    """The sentence before the one starting at ``ss``, when it is in the same block ``k``."""
    bs = doc.blocks[k][0] if k >= 0 else ss
    if bs >= ss:
        return None
    ps, pe = doc.sentence_of(prev_nonspace(doc.masked, ss))
    return (ps, pe) if ps >= bs else None


def _lend_back(doc: Document, kept: list[Span], found_for: list[Found | None], index_of_span: dict[int, int], scare: set[int]) -> None:
    """Later quotes in a paragraph (or a later part of the same multi-paragraph quote)
    lend their speaker to an earlier, uncued one (in place)."""
    for qi in range(len(kept) - 1, 0, -1):
        sp = kept[qi]
        g = found_for[qi]
        if sp.continues is not None and sp.continues in index_of_span and g is not None:
            pi = index_of_span[sp.continues]
            if found_for[pi] is None:
                found_for[pi] = g.carried("continued")
    for qi in range(len(kept) - 2, -1, -1):
        g = found_for[qi + 1]
        if found_for[qi] is None and g is not None and qi not in scare and (
            doc.block_of(kept[qi].outer_start) == doc.block_of(kept[qi + 1].outer_start)
        ):
            found_for[qi] = g.carried("paragraph-carry")
