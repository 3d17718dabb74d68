"""How sure an attribution is: a probability fitted on attributions whose speaker is known,
calibrated, reproducible, and the same whether fitted or used."""
from __future__ import annotations

import json

import pytest

from quotes.evaluate_spans import fitting_half
from quotes.extract import extract_text
from quotes.extract.confidence import default_model, each_features
from quotes.extract.logistic import fit as fit_weights
from quotes.fit_speaker import calibration, examples, fit, report

STORY = """Harbour town votes on the pier

The council met on Tuesday to vote on the future of the old pier.

"We will rebuild the pier this year, whatever it costs," said Mayor Ruth Okafor after the vote.

"It is a good day for the town," Okafor added. "The pier is our front door."

The harbour master, Jon Pike, was less sure. He has called the plan "a gamble" before.

"Nobody has asked the fishermen."

The pier appears in the film "Harbour Lights of Summer", which opens next month.
"""


def by_text(quotes):
    return {q.text.rstrip(",."): q for q in quotes}


def test_a_cued_named_speaker_is_surer_than_a_carried_one():
    quotes = by_text(extract_text(STORY))
    cued = quotes["We will rebuild the pier this year, whatever it costs"]
    carried = quotes["The pier is our front door"]
    uncued = quotes["Nobody has asked the fishermen"]
    assert cued.method == "post-posed" and cued.speaker == "Ruth Okafor"
    assert 0.9 <= cued.confidence <= 0.99
    assert carried.speaker == "Ruth Okafor" and uncued.method != "post-posed"
    assert uncued.confidence < carried.confidence <= cued.confidence
    # a span that is not speech keeps how sure the speech model is that it is not
    title = quotes["Harbour Lights of Summer"]
    assert title.kind == "title" and title.method == "not-speech" and 0.5 <= title.confidence <= 1


def test_features_skip_spans_that_are_not_speech_and_read_what_came_before():
    quotes = extract_text(STORY)
    sentences = [(0, len(STORY))] * len(quotes)
    feats = each_features(STORY, quotes, sentences)
    kinds = [q.kind for q in quotes]
    assert [f is None for f in feats] == [k not in ("direct", "partial") for k in kinds]
    first, second = feats[0], feats[1]
    assert first is not None and second is not None
    assert "first-speaker" in first and "same-as-previous" in second
    assert first["cue:strong"] == 1 and "mention-after" in first


def row(text: str, quotes: list[tuple[str, str | None]]) -> dict:
    """A PolNeAR-form row: each quote with the speaker mention the annotators marked."""
    out = []
    for words, speaker in quotes:
        start = text.index(words)
        q = {"start": start, "end": start + len(words), "text": words, "speaker": speaker}
        if speaker:
            q["speaker_start"] = text.index(speaker)
            q["speaker_end"] = q["speaker_start"] + len(speaker)
        out.append(q)
    return {"doc_id": str(abs(hash(text))), "text": text, "quotes": out, "unattributed_quoted_spans": []}


def test_fitting_is_reproducible_and_labels_by_the_evaluation_rule():
    rows = [
        row(STORY, [("We will rebuild the pier this year, whatever it costs,", "Mayor Ruth Okafor"),
                    ("It is a good day for the town,", "Okafor"),
                    ("The pier is our front door.", "Okafor"),
                    ("Nobody has asked the fishermen.", "Jon Pike")]),
        # the annotators give the second quote to someone the extractor does not find
        row('"The menu changes every week," said Chef Ana Ruiz.\n\n"We cook what the boats bring in."\n\n'
            'A regular, Tom Hale, disagreed.', [("The menu changes every week,", "Chef Ana Ruiz"),
                                               ("We cook what the boats bring in.", "Tom Hale")]),
    ]
    data = examples(rows)
    labels = [y for _, y in data]
    assert len(data) == 6 and labels.count(1) >= 4 and labels.count(0) >= 1
    first, second = fit(data, steps=200, min_count=1), fit(data, steps=200, min_count=1)
    assert first.to_json() == second.to_json()
    right = [first.probability(f) for f, y in data if y == 1]
    wrong = [first.probability(f) for f, y in data if y == 0]
    assert min(right) > max(wrong)
    assert "examples" in report(first, data)


def test_unbalanced_fit_is_calibrated():
    """Fitted without class weights, the probability is the share right: on examples
    where a feature is right three times in four, its probability comes out near 0.75."""
    data = [({"a": 1.0}, 1)] * 30 + [({"a": 1.0}, 0)] * 10 + [({"b": 1.0}, 1)] * 5 + [({"b": 1.0}, 0)] * 15
    weights, bias = fit_weights(data, l2=0.0, steps=3000, min_count=1, balanced=False)
    model = type(default_model())(weights, bias, 0.5)
    assert model.probability({"a": 1.0}) == pytest.approx(0.75, abs=0.02)
    assert model.probability({"b": 1.0}) == pytest.approx(0.25, abs=0.02)
    bins = calibration(model, data)
    assert sum(n for _, n, _, _ in bins) == len(data)
    assert all(abs(p - r) < 0.05 for _, _, p, r in bins)


def test_the_shipped_model_lists_what_it_was_fitted_on():
    model = default_model()
    assert model.meta["fitted_on"].startswith("PolNeAR train")
    assert model.meta["examples"] > model.meta["right"] > 1000
    fitted = model.meta.get("fitted_articles") or []
    assert fitted == sorted(fitted) and all(fitting_half(doc_id) for doc_id in fitted)
    # the bundled file is what default_model reads, rounded as to_json writes it
    assert json.loads(model.to_json())["weights"] == {k: round(v, 5) for k, v in sorted(model.weights.items())}
