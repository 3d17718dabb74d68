"""Evaluation arithmetic on a tiny gold file written here, and the ``quotes eval`` command."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from quotes.evaluate import (
    canonical_path_for,
    evaluate,
    evaluate_path,
    match,
    names_match,
    overlaps_enough,
    trim,
)
from quotes.evaluate_spans import evaluate_spans, fitting_half, is_span_gold
from quotes.extract.speech import default_model
from quotes.model import Article, Quote

TEXT = (
    'Harbour vote.\n\n'
    '"The pier stays," Mayor Ruth Okafor said.\n\n'
    'Critics called it a "waste of money" and a "vanity project."\n\n'
    'The "Old Pier" nickname stuck.'
)


def span(words: str) -> tuple[int, int]:
    s = TEXT.index(words)
    return s, s + len(words)


def gold_row() -> dict:
    pier, waste, vanity, nick = span("The pier stays,"), span("waste of money"), span("vanity project."), span("Old Pier")
    mayor, critics = span("Mayor Ruth Okafor"), span("Critics")
    q = lambda s, sp, kind: {"start": s[0], "end": s[1], "text": TEXT[s[0]:s[1]], "kind": kind,
                            "speaker": TEXT[sp[0]:sp[1]], "speaker_start": sp[0], "speaker_end": sp[1]}
    return {
        "doc_id": "d1",
        "text": TEXT,
        "quotes": [q(pier, mayor, "direct"), q(waste, critics, "mixed"), q(vanity, critics, "mixed")],
        "unattributed_quoted_spans": [{"start": nick[0], "end": nick[1], "text": "Old Pier"}],
    }


def fixed(quotes):
    return lambda article: quotes


def test_helpers():
    assert trim(' "Hello, world." ', 0, 17) == (2, 14)
    assert overlaps_enough((0, 10), (0, 5))  # half of the longer
    assert not overlaps_enough((0, 10), (0, 4))
    assert match([(0, 10), (20, 30)], [(21, 30), (0, 9), (0, 10)]) == [(0, 2), (1, 0)]
    assert names_match("Ruth Okafor", "Mayor Ruth Okafor")
    assert names_match("okafor", "Ruth Okafor")
    assert not names_match("Ruth Smith", "Ruth Okafor")
    assert names_match("Okafor’s", "Ruth Okafor")  # a possessive is the name


def test_metric_arithmetic():
    pier, waste, nick = span("The pier stays,"), span("waste of money"), span("Old Pier")
    stray = span("Harbour vote")
    preds = [
        # right span, right speaker by overlap with the gold mention
        Quote(TEXT[pier[0]:pier[1]], *pier, speaker="Ruth Okafor", speaker_mention="Okafor",
              speaker_start=TEXT.index("Okafor"), speaker_end=TEXT.index("Okafor") + 6, confidence=0.95),
        # right span (trimmed overlap >= half), wrong speaker
        Quote(TEXT[waste[0]:waste[1] - 6], waste[0], waste[1] - 6, kind="partial", speaker="Ruth Okafor",
              speaker_mention="Mayor", speaker_start=TEXT.index("Mayor"), speaker_end=TEXT.index("Mayor") + 5, confidence=0.6),
        # on an unattributed span: ignored
        Quote("Old Pier", *nick, kind="partial", confidence=0.9),
        # a false alarm
        Quote(TEXT[stray[0]:stray[1]], *stray, confidence=0.4),
        # not speech: not counted at all
        Quote("Old Pier", *nick, kind="term", confidence=0.1),
    ]
    rep = evaluate([gold_row()], extractor=fixed(preds))
    s = rep.summary()
    assert (rep.gold, rep.predicted, rep.ignored, rep.matched, rep.exact, rep.speaker_right) == (3, 3, 1, 2, 1, 1)
    assert s["quote_precision"] == round(2 / 3, 4)
    assert s["quote_recall"] == round(2 / 3, 4)
    assert s["speaker_accuracy"] == 0.5
    assert s["joint_precision"] == round(1 / 3, 4) and s["joint_recall"] == round(1 / 3, 4)
    assert s["joint_f1"] == round(1 / 3, 4)
    assert s["at_confidence"]["0.9"] == {"predictions": 1, "joint_precision": 1.0, "joint_recall": round(1 / 3, 4)}
    assert s["at_confidence"]["0.5"]["predictions"] == 2
    # --errors names the unattributed span taken for speech, and only that one
    errors = evaluate([gold_row()], extractor=fixed(preds), keep_errors=True).errors
    assert [(e["error"], e["quote"]) for e in errors if e["error"] == "not speech"] == [("not speech", "Old Pier")]


def test_speaker_by_name_and_canonical(tmp_path: Path):
    waste, vanity = span("waste of money"), span("vanity project.")
    preds = [
        Quote(TEXT[waste[0]:waste[1]], *waste, kind="partial", speaker="critics of the plan", speaker_mention="someone",
              speaker_start=0, speaker_end=7),
        Quote(TEXT[vanity[0]:vanity[1]], *vanity, kind="partial", speaker=None),
    ]
    canon = {("d1", waste[0], waste[1]): "Critics", ("d1", vanity[0], vanity[1]): None}
    rep = evaluate([gold_row()], extractor=fixed(preds), canonical=canon)
    assert rep.speaker_right == 1  # by name: every token of "Critics" is in the prediction
    assert (rep.canonical_total, rep.canonical_right) == (2, 2)  # null label, null prediction


def write_gold(tmp_path: Path) -> Path:
    gold = tmp_path / "harbour.dev.jsonl"
    gold.write_text(json.dumps(gold_row()) + "\n", encoding="utf-8")
    pier = span("The pier stays,")
    (tmp_path / "canonical_speakers.dev.jsonl").write_text(
        json.dumps({"doc_id": "d1", "start": pier[0], "end": pier[1], "mention": "x", "canonical": "Ruth Okafor"}) + "\n",
        encoding="utf-8",
    )
    return gold


def test_real_extractor_on_the_tiny_file(tmp_path: Path):
    gold = write_gold(tmp_path)
    assert canonical_path_for(gold) == tmp_path / "canonical_speakers.dev.jsonl"
    s = evaluate_path(gold, keep_errors=True).summary()
    assert s["quote_recall"] == 1.0 and s["quote_precision"] == 1.0
    assert s["canonical_accuracy"] == 1.0


def test_cli_eval(tmp_path: Path):
    gold = write_gold(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["eval", str(gold)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) <= 15
    assert any(line.startswith("JOINT") for line in lines)
    assert "canonical speaker accuracy 100.0 on 1 labelled" in result.output
    as_json = runner.invoke(cli, ["eval", str(gold), "--json"])
    assert json.loads(as_json.output)["quote_f1"] == 1.0
    errors = runner.invoke(cli, ["eval", str(gold), "--errors", "--json"])
    assert errors.exit_code == 0
    assert json.loads(errors.output.strip().splitlines()[-1])["gold_quotes"] == 3


@pytest.mark.parametrize("content, message", [("not json\n", "not JSON"), ('{"x": 1}\n', "'text' string")])
def test_cli_eval_bad_input(tmp_path: Path, content, message):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(bad)])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_cli_eval_missing_file(tmp_path: Path):
    result = CliRunner().invoke(cli, ["eval", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 1
    assert "Error:" in result.output


def test_article_passed_to_extractor():
    seen = []
    evaluate([gold_row()], extractor=lambda a: seen.append(a) or [])
    assert isinstance(seen[0], Article) and seen[0].doc_id == "d1"


# -- gold that labels every quoted span (speech or not) ---------------------------------


def span_row() -> dict:
    pier, waste, vanity, nick = span("The pier stays,"), span("waste of money"), span("vanity project."), span("Old Pier")
    s = lambda sp, speech, **kw: {"start": sp[0], "end": sp[1], "text": TEXT[sp[0]:sp[1]], "speech": speech, **kw}
    return {"doc_id": "d1", "text": TEXT, "spans": [
        s(pier, True, kind="direct", speaker="Ruth Okafor", speaker_kind="person", basis="named"),
        s(waste, True, kind="partial", speaker=None, speaker_kind="group", basis="description"),
        s(vanity, False, type="term"),
        s(nick, False, type="nickname"),
    ]}


def test_span_gold_arithmetic():
    pier, waste, vanity, other = span("The pier stays,"), span("waste of money"), span("vanity project."), span("Harbour vote")
    preds = [
        Quote(text="", start=pier[0], end=pier[1], kind="direct", speaker="Okafor"),  # found, speaker right
        Quote(text="", start=waste[0] + 2, end=waste[1], kind="partial", speaker=None),  # found; null accepted for a described group
        Quote(text="", start=vanity[0], end=vanity[1], kind="partial", speaker="Ruth Okafor"),  # a term taken for speech
        Quote(text="", start=other[0], end=other[1], kind="direct"),  # on no labelled span
        Quote(text="", start=0, end=len(TEXT), kind="term"),  # not speech: never counted
    ]
    s = evaluate_spans([span_row()], extractor=fixed(preds)).summary()
    assert (s["speech_spans"], s["non_speech_spans"]) == (2, 2)
    assert (s["speech_precision"], s["speech_recall"]) == (round(2 / 3, 4), 1.0)
    assert s["non_speech_rejected"] == 0.5
    assert s["non_speech_rejected_by_type"] == {"nickname": {"spans": 1, "rejected": 1.0}, "term": {"spans": 1, "rejected": 0.0}}
    assert s["unlabelled_predictions"] == 1
    assert s["speaker_accuracy"] == 1.0 and s["joint_precision"] == round(2 / 3, 4) and s["joint_recall"] == 1.0
    assert s["speaker_accuracy_by_kind"] == {"direct": {"found": 1, "accuracy": 1.0}, "partial": {"found": 1, "accuracy": 1.0}}


def test_span_gold_from_the_command_line(tmp_path):
    gold = tmp_path / "spans.dev.jsonl"
    gold.write_text(json.dumps(span_row()) + "\n")
    assert is_span_gold(gold)
    result = CliRunner().invoke(cli, ["eval", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["format"] == "spans" and data["speech_spans"] == 2 and data["speech_recall"] == 1.0
    text = CliRunner().invoke(cli, ["eval", str(gold)])
    assert "non-speech rejected" in text.output and "JOINT" in text.output


def test_the_half_a_model_may_be_fitted_on_is_fixed_by_the_doc_id():
    ids = [f"article-{n}" for n in range(200)]
    halves = [fitting_half(i) for i in ids]
    assert halves == [fitting_half(i) for i in ids]  # the same every time
    assert 70 < sum(halves) < 130  # about half


def test_eval_scores_the_articles_the_speech_model_was_not_fitted_on_apart(tmp_path):
    fitted = default_model().meta.get("fitted_articles") or []
    if not fitted:
        pytest.skip("the bundled speech model was fitted on PolNeAR only")
    held = next(f"held-{n}" for n in range(100) if f"held-{n}" not in fitted)
    rows = [dict(span_row(), doc_id=fitted[0]), dict(span_row(), doc_id=held), dict(span_row(), doc_id=held + "b")]
    gold = tmp_path / "spans.dev.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows))
    data = json.loads(CliRunner().invoke(cli, ["eval", str(gold), "--json"]).output)
    assert data["articles"] == 3
    assert (data["held_out"]["articles"], data["fitted"]["articles"]) == (2, 1)
    assert data["held_out"]["speech_spans"] == 2 * data["fitted"]["speech_spans"]
    text = CliRunner().invoke(cli, ["eval", str(gold)]).output
    assert "held out (2 articles the speech model was not fitted on)" in text
