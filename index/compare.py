"""Comparing claimed words with stored ones: the best-aligned stretch and a word diff."""
from __future__ import annotations

import difflib

from .normalize import Token, tokens


def best_window(claim: list[str], stored: list[str]) -> tuple[float, int, int]:
    """Similarity of ``claim`` to its best-aligned stretch of ``stored`` (word spans)."""
    if not claim or not stored:
        return 0.0, 0, 0
    sm = difflib.SequenceMatcher(None, claim, stored, autojunk=False)
    blocks = [b for b in sm.get_matching_blocks() if b.size]
    if not blocks:
        return 0.0, 0, 0
    lo = blocks[0].b - blocks[0].a
    hi = blocks[-1].b + blocks[-1].size + (len(claim) - blocks[-1].a - blocks[-1].size)
    lo, hi = max(0, lo), min(len(stored), hi)
    ratio = difflib.SequenceMatcher(None, claim, stored[lo:hi], autojunk=False).ratio()
    return ratio, lo, hi


def word_diff(claimed: str, stored_tokens: list[Token], stored_text: str) -> list[dict[str, str]]:
    """Word-level differences between the claimed words and a stored stretch."""
    c_toks = tokens(claimed)
    a = [t.word for t in c_toks]
    b = [t.word for t in stored_tokens]
    ops: list[dict[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        claimed_part = " ".join(claimed[t.start : t.end] for t in c_toks[i1:i2])
        stored_part = " ".join(stored_text[t.start : t.end] for t in stored_tokens[j1:j2])
        ops.append({"op": tag, "claimed": claimed_part, "stored": stored_part})
    return ops


def diff_text(ops: list[dict[str, str]], old: str = "claimed", new: str = "stored") -> str:
    """``keep [-claimed-]{+stored+}`` rendering of :func:`word_diff` (or of any word diff
    whose sides are named ``old`` and ``new``)."""
    out: list[str] = []
    for op in ops:
        if op["op"] == "equal":
            out.append(op[new])
            continue
        if op[old]:
            out.append("[-" + op[old] + "-]")
        if op[new]:
            out.append("{+" + op[new] + "+}")
    return " ".join(out)
