"""Publication dates: the ISO 8601 text an article gives, read as naive UTC datetimes.

Articles keep their date as written; everything that compares or indexes dates reads
it through :func:`parse_published`, which never raises. A date that falls outside the
calendar Python can hold once moved to UTC ("0001-01-01T00:00:00+01:00" is a moment of
year 0) is clamped to that end of the calendar, so the order of dates is kept.
"""
from __future__ import annotations

import datetime as _dt
import functools

EARLIEST = _dt.datetime.min
LATEST = _dt.datetime.max


def _read(value: str) -> _dt.datetime | None:
    text = value.strip()
    try:
        return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return _dt.datetime.fromisoformat(text[:10])
    except ValueError:
        return None


def _utc(d: _dt.datetime) -> tuple[_dt.datetime, str | None]:
    """``d`` as naive UTC, and which end of the calendar it was clamped to (if any)."""
    offset = d.utcoffset()
    naive = d.replace(tzinfo=None)
    if not offset:
        return naive, None
    try:
        return naive - offset, None
    except OverflowError:
        return (EARLIEST, "first") if offset > _dt.timedelta(0) else (LATEST, "last")


def to_utc(d: _dt.datetime) -> _dt.datetime:
    """``d`` as a naive UTC datetime, clamped to the ends of the calendar."""
    return _utc(d)[0]


def parse_published(value: str | None) -> _dt.datetime | None:
    """An ISO 8601 date or datetime as naive UTC (clamped), or None when it is not one."""
    if not value or not isinstance(value, str):
        return None
    return _parse(value)


@functools.lru_cache(maxsize=4096)  # grouping and ordering read the same dates again and again
def _parse(value: str) -> _dt.datetime | None:
    d = _read(value)
    return None if d is None else to_utc(d)


def published_problem(value: str | None) -> str | None:
    """Why ``value`` cannot be used as a publication date as given, for a warning
    (None when it can, or when there is no date)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    d = _read(value) if isinstance(value, str) else None
    if d is None:
        return f"published {value!r} is not an ISO 8601 date; stored as given, searched as undated"
    end = _utc(d)[1]
    if end:
        return (
            f"published {value!r} lies outside years 1-9999 in UTC; stored as given,"
            f" searched as the {end} moment of the calendar"
        )
    return None
