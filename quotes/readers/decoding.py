"""Bytes to text: the encoding found from a byte order mark, a declared charset or the
bytes themselves, and the text checked for what no article holds (control characters,
lone surrogates)."""
from __future__ import annotations

import codecs
import re


class Undecodable:
    def __init__(self, reason: str):
        self.reason = reason


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes, declared: str | None = None) -> str | Undecodable:
    """Decode bytes: a BOM wins (and is removed), then UTF-8, a declared charset, cp1252.

    Legacy text with no BOM that is not UTF-8 is read as Windows-1252 (a superset of
    the printable Latin-1 range) when that gives text without control characters.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                return Undecodable(f"not valid {encoding.upper().replace('-LE', '').replace('-BE', '')} despite its byte order mark")
    if b"\x00" in data[:8192]:
        return Undecodable("binary file (not text)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    if declared:
        try:
            candidates.append(codecs.lookup(declared).name)
        except LookupError:
            pass
    candidates.append("cp1252")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _has_controls(text):
            return text
    return Undecodable("cannot decode: not UTF-8, UTF-16 or Windows-1252 text")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _has_controls(text: str) -> bool:
    return _CONTROL.search(text) is not None


def text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "binary file (not text)"
    if not text.strip():
        return "empty file"
    controls = len(_CONTROL.findall(text[:65536]))
    if controls > max(2, len(text[:65536]) // 100):
        return "binary file (not text)"
    return None


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_surrogates(text: str) -> str:
    """Unpaired surrogates (possible in JSON escapes) become U+FFFD; offsets are kept."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text
