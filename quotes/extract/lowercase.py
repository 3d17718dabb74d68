"""Lower-casing an article's text fast: ``str.lower`` goes character by character through
the Unicode tables for a text that is not ASCII, ``bytes.lower`` only touches the ASCII
letters."""
from __future__ import annotations

ASCII = bytes(range(128))


def lower_ascii(text: str) -> str:
    """``text`` with its ASCII letters lower-cased (offsets hold)."""
    if text.isascii():
        return text.lower()
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def non_ascii(text: str) -> set[str]:
    """The characters of ``text`` outside ASCII."""
    return set(text.encode("utf-8", "surrogatepass").translate(None, ASCII).decode("utf-8", "surrogatepass"))


def lower(text: str, outside: set[str] | None = None) -> str:
    """``text.lower()``, through ``bytes.lower`` when no character outside ASCII has a
    lower case (``outside``: those characters, when already known)."""
    if text.isascii():
        return text.lower()
    if all(c.lower() == c for c in (non_ascii(text) if outside is None else outside)):
        return lower_ascii(text)
    return text.lower()
