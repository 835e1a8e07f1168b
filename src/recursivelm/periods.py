"""A question's period ("in March", "during 2024") or span of days ("between 2024-03-01 and 2024-03-15", "between
March and May", "before 2024-03-01"), whether an ISO date falls in it, and a part of a date as said (its month,
hour, weekday): of a table's date column (table_rows.py),
of a log's time stamps (log_lines.py, records.py).
"""

from __future__ import annotations

import datetime
import re

MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# "in March", "during March 2024", "in 2024": a period of the table's date column.
PERIOD = re.compile(r"\b(?:in|during)\s+(?:(?P<month>jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?"
                     r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?:\s+(?:of\s+)?(?P<month_year>\d{4}))?"
                     r"|(?P<year>\d{4}))\b", re.I)
ISO_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-\d{2}(?!\d)")  # 2024-03-17, also before a time
# "between 2024-03-01 and 2024-03-15" (both days in), "from ... to ...", "before / after / since / until 2024-03-01":
# a span of the table's date column, as ISO dates write it.
_DAY = r"\d{4}-\d{2}-\d{2}"
# ...and "between March and May", "from November 2024 to February 2025": the months between, both in.
MONTH_WORD = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
               r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
SPAN = re.compile(rf"\b(?:between|from)\s+(?P<start>{_DAY})\s+(?:and|to|through|until)\s+(?P<end>{_DAY})\b"
                  rf"|\b(?P<op>before|after|since|until|through)\s+(?P<day>{_DAY})\b"
                  rf"|\b(?:between|from)\s+(?P<m1>{MONTH_WORD})(?:\s+(?P<y1>\d{{4}}))?\s+(?:and|to|through|until)\s+"
                  rf"(?P<m2>{MONTH_WORD})(?:\s+(?P<y2>\d{{4}}))?\b", re.I)


def month_and_year(period: re.Match | None) -> tuple[int | None, int | None]:
    """The month (1-12) and year a period names, each None where it names none."""
    if period is None:
        return None, None
    month = MONTH_NAMES.index(period["month"][:3].lower()) + 1 if period["month"] else None
    year = period["month_year"] or period["year"]
    return month, int(year) if year else None


def in_period(cell: str, month: int | None, year: int | None) -> bool:
    date = ISO_DATE.match(cell)
    return bool(date) and (month is None or int(date["month"]) == month) and (year is None or int(date["year"]) == year)


def in_span(cell: str, span: re.Match) -> bool:
    date = ISO_DATE.match(cell)
    if not date:
        return False
    day = date.group()
    if span["m1"]:
        first, last = (MONTH_NAMES.index(span[m][:3].lower()) + 1 for m in ("m1", "m2"))
        month, year = int(date["month"]), int(date["year"])
        first_year, last_year = span["y1"] or span["y2"], span["y2"] or span["y1"]
        if first_year:
            return (int(first_year), first) <= (year, month) <= (int(last_year), last)
        return first <= month <= last if first <= last else month >= first or month <= last  # November to February
    if span["start"]:
        return span["start"] <= day <= span["end"]
    return {"before": day < span["day"], "after": day > span["day"], "since": day >= span["day"]}.get(
        span["op"].lower(), day <= span["day"])  # until, through


def date_part(key: tuple[int, ...], part: str) -> str:
    """A part of a date or time stamp's key (year, month, day, hour, ...: log_lines.stamp's) as said: "14:00" for
    an hour, "2025-03-04" for a day, "June" for a month, "Tuesday" for a weekday, "2025" for a year."""
    year, month, day, hour = key[:4]
    if part == "hour":
        return f"{hour:02d}:00"
    if part == "year":
        return str(year)
    if part == "month":
        return datetime.date(2000, month, 1).strftime("%B")
    if part == "weekday" and year:
        return datetime.date(year, month, day).strftime("%A")
    return f"{year:04d}-{month:02d}-{day:02d}"
