"""Dates with a precision: 'March 2026', 'spring 2026', 'late 2025', '2026'.

A fuzzy date is stored as the first day it can mean plus a precision; it covers
an interval [start, end]. Two fuzzy dates agree when their intervals overlap, so
"March 2026" agrees with "spring 2026" but not with "summer 2027".
"""

import calendar
import datetime as dt

from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    SEASON = "season", "season"
    PART = "part", "early / mid / late in the year"
    YEAR = "year", "year"


# Meteorological seasons, northern hemisphere (the seeds' coverage is American).
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11)}
PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}


def interval(start, precision):
    """The first and last day a (date, precision) pair can mean."""
    if start is None:
        return None, None
    if precision == Precision.DAY:
        return start, start
    if precision == Precision.MONTH:
        last = calendar.monthrange(start.year, start.month)[1]
        return start.replace(day=1), start.replace(day=last)
    if precision == Precision.SEASON:
        if start.month == 12:  # winter spans the new year
            end = dt.date(start.year + 1, 2, calendar.monthrange(start.year + 1, 2)[1])
            return start.replace(day=1), end
        end_month = start.month + 2
        last = calendar.monthrange(start.year, end_month)[1]
        return start.replace(day=1), dt.date(start.year, end_month, last)
    if precision == Precision.PART:
        end_month = start.month + 3
        last = calendar.monthrange(start.year, end_month)[1]
        return start.replace(day=1), dt.date(start.year, end_month, last)
    return dt.date(start.year, 1, 1), dt.date(start.year, 12, 31)


def describe(start, precision):
    """Human wording of a fuzzy date: '29 July 2022', 'summer 2027', 'late 2025'."""
    if start is None:
        return ""
    if precision == Precision.DAY:
        return f"{start.day} {start:%B %Y}"
    if precision == Precision.MONTH:
        return f"{start:%B %Y}"
    if precision == Precision.SEASON:
        name = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}.get(start.month)
        return f"{name} {start.year}" if name else f"{start:%B %Y}"
    if precision == Precision.PART:
        name = {1: "early", 5: "mid", 9: "late"}.get(start.month, "")
        return f"{name} {start.year}".strip()
    return str(start.year)


def parse(text):
    """Parse '2026', '2026-03', '2026-03-14', 'spring 2026', 'late 2025'.

    Returns (date, precision); raises ValueError with a readable message.
    """
    raw = " ".join(str(text).strip().lower().split())
    words = raw.split(" ")
    try:
        if len(words) == 2 and words[0] in SEASONS:
            return dt.date(int(words[1]), SEASONS[words[0]][0], 1), Precision.SEASON
        if len(words) == 2 and words[0] == "winter":
            return dt.date(int(words[1]), 12, 1), Precision.SEASON
        if len(words) == 2 and words[0] in PARTS:
            return dt.date(int(words[1]), PARTS[words[0]][0], 1), Precision.PART
        if len(words) == 1:
            pieces = raw.split("-")
            if len(pieces) == 1:
                return dt.date(int(pieces[0]), 1, 1), Precision.YEAR
            if len(pieces) == 2:
                return dt.date(int(pieces[0]), int(pieces[1]), 1), Precision.MONTH
            if len(pieces) == 3:
                return dt.date.fromisoformat(raw), Precision.DAY
    except ValueError:
        pass
    raise ValueError(
        f"{text!r} is not a date; write 2026, 2026-03, 2026-03-14, "
        "'spring 2026' or 'late 2025'."
    )
