"""A deliberately simple regex extractor, the yardstick for the comparison table:
quote marks, the nearest speech verb and a capitalised name beside it, else carry the
last speaker. About a hundred lines; no layout, no resolution, no multi-paragraph logic."""
from __future__ import annotations

import re

from quotes.model import Article, Quote

VERBS = (
    "said|says|say|told|tells|added|adds|asked|asks|wrote|writes|tweeted|declared|insisted|"
    "stated|explained|noted|argued|claimed|warned|replied|responded|continued|recalled|"
    "suggested|acknowledged|admitted|announced|complained|conceded|confirmed|described|"
    "called|urged|vowed|joked|posted"
)
NAME = r"(?:[A-Z][\w'’\-.]*(?: [A-Z][\w'’\-.]*){0,3}|he|she|they|He|She|They|I|we|We)"
QUOTE_RE = re.compile(r"“([^”\n]+)”|\"([^\"\n]+)\"")
AFTER_RE = re.compile(rf"[\s,]*(?:(?P<v1>{VERBS})\s+(?P<n1>{NAME})|(?P<n2>{NAME})\s+(?P<v2>{VERBS}))\b")
BEFORE_RE = re.compile(rf"(?P<n>{NAME})\s+(?:\w+\s+){{0,2}}?(?P<v>{VERBS})\b[^.!?]*$")


def extract(article: Article) -> list[Quote]:
    text = article.text
    out: list[Quote] = []
    last: tuple[str, int, int] | None = None
    for m in QUOTE_RE.finditer(text):
        g = 1 if m.group(1) is not None else 2
        start, end = m.start(g), m.end(g)
        speaker = None
        cue = None
        after = AFTER_RE.match(text, m.end(), min(len(text), m.end() + 80))
        if after:
            key = "n1" if after.group("n1") else "n2"
            speaker = (after.group(key), after.start(key), after.end(key))
            cue = after.group("v1") or after.group("v2")
        else:
            sent_start = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
            before = BEFORE_RE.search(text, sent_start, m.start())
            if before:
                speaker = (before.group("n"), before.start("n"), before.end("n"))
                cue = before.group("v")
        if speaker is None and last is not None:
            speaker = last
        if speaker is not None:
            last = speaker
        q = Quote(text=text[start:end], start=start, end=end, cue=cue, method="baseline", confidence=0.5)
        if speaker is not None:
            q.speaker, q.speaker_start, q.speaker_end = speaker
            q.speaker_mention = speaker[0]
        out.append(q)
    return out
