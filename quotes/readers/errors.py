"""What goes wrong reading an input: :class:`ReadError` (``PATH[:LINE]: reason``), the
reasons given for operating-system and gzip errors, and sizes as people read them."""
from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


Progress = Callable[[int], None]


class ReadError(Exception):
    """An input that could not be read: ``str()`` is ``PATH[:LINE]: reason``."""

    def __init__(self, path: str, line: int | None, reason: str):
        super().__init__(path, line, reason)
        self.path = path
        self.line = line
        self.reason = reason

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"

    def __repr__(self) -> str:
        return f"ReadError({self.path!r}, {self.line!r}, {self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReadError) and self.args == other.args

    def __hash__(self) -> int:
        return hash(self.args)


def os_reason(e: BaseException) -> str:
    if isinstance(e, IsADirectoryError):
        return "is a directory"
    strerror = getattr(e, "strerror", None)
    return strerror.lower() if strerror else str(e)


def gzip_reason(e: BaseException) -> str:
    if isinstance(e, EOFError):
        return "truncated gzip file"
    if isinstance(e, (gzip.BadGzipFile, zlib.error)):
        return f"not a valid gzip file ({e})"
    return os_reason(e) if isinstance(e, OSError) else str(e)


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}".replace(".0 ", " ")
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"
