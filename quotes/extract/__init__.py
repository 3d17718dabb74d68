"""The extractor: an article's text in, its quoted spans out, each told speech or not
and attributed to a speaker. Pure Python.

``extract(article)`` runs the stages in order, each a module with its own interface:

1. ``layout``: the text's blocks (title, byline, body paragraphs, page furniture);
2. ``marks``: quotation marks paired into ``Span``s, paragraph by paragraph;
3. ``document``: the text with quotes masked, its sentences, names and subjects;
4. ``mentions``: for one span, the candidate speaker mention and its cue (``Found``);
5. ``cascade``: the order in which the finders are tried, and a speaker carried from
   one quote to the next;
6. ``resolution``: a mention to a canonical person or organisation name (pronouns,
   descriptions, surnames, acronyms), with ``names`` parsing and gathering the
   article's names and ``lexicon`` holding the word lists;
7. ``attribute``: the ``Quote`` records (speaker, mention, cue, method, kind);
8. ``speech``: the speech-or-not model (``speech_model.json``; refit with
   ``python -m quotes.fit_speech``) that sets the kind of spans that are not speech;
9. ``confidence``: how sure each attribution is, a calibrated probability that the
   speaker is right (``speaker_model.json``; refit with ``python -m quotes.fit_speaker``).

``logistic`` holds the model both learned stages use, ``lowercase`` the fast
lower-casing of a text that layout, document and speech share.

Each stage imports only the stages before it (and ``quotes.model``).
"""
from __future__ import annotations

from .pipeline import extract, extract_text, places

__all__ = ["extract", "extract_text", "places"]
