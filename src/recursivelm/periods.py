"""A question's days: its period ("in March", "during 2024", "in the first quarter of 2024", "in Q3", "in the second
half of 2023"), span of days ("between 2024-03-01 and 2024-03-15", "between March and May", "before 2024-03-01"),
days of the week ("on a weekend", "on weekdays", "on Mondays") and the data's last days ("in the last 7 days
covered by the data", counted back from its latest day), and whether a date falls in them (`Days`); and a part of
a date as said (its month, hour, weekday): of a table's date column (table_rows.py), of a log's time
stamps (log_lines.py, records.py).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace

from .querywords import NUMBER_WORDS, count_of

MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # datetime's weekday() order
_QUARTERS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
# "in March", "during March 2024", "in 2024", "in the first quarter of 2024", "in Q3 2024", "in the second half of
# 2023": a period of the table's date column.
PERIOD = re.compile(r"\b(?:in|during)\s+(?:the\s+)?(?:(?P<month>jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july"
                    r"|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?:\s+(?:of\s+)?(?P<month_year>\d{4}))?"
                    r"|(?:(?P<quarter>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter|q(?P<q>[1-4]))"
                    r"(?:\s+(?:of\s+)?(?P<quarter_year>\d{4}))?"
                    r"|(?P<half>first|second)\s+half(?:\s+of\s+(?P<half_year>\d{4}))?"
                    r"|(?P<year>\d{4}))\b", re.I)
ISO_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)")  # 2024-03-17, also before a time
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
# "on a weekend", "at weekends", "over the weekend", "on weekdays", "on a Monday", "on Mondays or Fridays": days of
# the week.
_WEEKDAY = r"(?:weekends?|weekdays?|(?:mon|tues|wednes|thurs|fri|satur|sun)days?)"
WEEKDAYS = re.compile(rf"\b(?:on|at|over|during)\s+(?:an?\s+|the\s+)?(?P<days>{_WEEKDAY}(?:\s*(?:,|or|and)\s+{_WEEKDAY})*)\b",
                      re.I)


# "in the last 7 days covered by the data", "over the past two weeks", "in the final month of the log": days
# counted back from the data's latest day (a table's or a log's), that day in; months are calendar months.
_MANY = "|".join(word for word in NUMBER_WORDS if word != "one")  # "the last two weeks"; one is said as "the last week"
RECENT = re.compile(rf"\b(?:in|during|over|within|for)\s+the\s+(?:last|past|final|latest|most\s+recent)\s+(?:(?P<n>\d+|{_MANY})\s+)?"
                    r"(?P<unit>days?|weeks?|months?)\b(?:\s+(?:of|in|covered\s+by|recorded\s+in)"
                    r"\s+(?:the\s+)?(?:data|dataset|log|table|file|records?))?", re.I)


@dataclass(frozen=True)
class Days:
    """The days a question names: a period, a span of days, days of the week and the data's last days, each where it
    names one; the last days are counted back from `latest`, the data's latest day (`anchored`)."""
    period: re.Match | None
    span: re.Match | None
    weekdays: re.Match | None
    recent: re.Match | None = None
    latest: datetime.date | None = None

    def anchored(self, latest: datetime.date | None) -> Days:
        """These days, the last days counted back from `latest`."""
        return replace(self, latest=latest)

    def holds(self, year: int, month: int, day: int) -> bool:
        """Whether the day falls in all of them; a day of no year (a syslog stamp's) only in a period of months."""
        if not year:
            return not (self.span or self.weekdays or self.recent) and _in_period(self.period, year, month)
        return (_in_period(self.period, year, month) and (not self.span or _in_span(self.span, year, month, day))
                and (not self.weekdays or datetime.date(year, month, day).weekday() in _weekdays(self.weekdays))
                and (not self.recent or self._in_recent(datetime.date(year, month, day))))

    def _in_recent(self, date: datetime.date) -> bool:
        if self.latest is None or date > self.latest:
            return False
        n, unit = _recent(self.recent)
        if unit == "month":  # the latest day's month and the n - 1 before it
            back = (self.latest.year - date.year) * 12 + self.latest.month - date.month
            return back < n
        return (self.latest - date).days < n * (7 if unit == "week" else 1)

    def holds_cell(self, cell: str) -> bool:
        """Whether a cell opening with an ISO date falls in them (a cell of no date, or of no such day, does not)."""
        day = iso_day(cell)
        return day is not None and self.holds(day.year, day.month, day.day)

    def said(self) -> str:
        """How the days are said to the root: "in March 2024 and on a weekend"."""
        parts = ["in " + self.period.group().split(None, 1)[1]] if self.period else []
        if self.recent:
            n, unit = _recent(self.recent)
            parts.append(f"in the last {n} {unit}{'s' if n > 1 else ''} of the data, up to its latest day, {self.latest}")
        return " and ".join(parts + [m.group() for m in (self.span, self.weekdays) if m])

    def cut(self, question: str) -> str:
        """The question without the words naming the days: they pick no row or line by their words."""
        return RECENT.sub(" ", WEEKDAYS.sub(" ", SPAN.sub(" ", PERIOD.sub(" ", question))))


def days_asked(question: str) -> Days | None:
    """The days the question names (`Days`); None where it names none. The data's last days are unanchored: the
    reader of the data anchors them (Days.anchored)."""
    found = Days(PERIOD.search(question), SPAN.search(question), WEEKDAYS.search(question), RECENT.search(question))
    return found if found.period or found.span or found.weekdays or found.recent else None


def _recent(recent: re.Match) -> tuple[int, str]:
    """How many days, weeks or months the data's last days are, and which ("7 days": 7, "day")."""
    return count_of(recent["n"] or "1"), recent["unit"].lower().rstrip("s")


def iso_day(cell: str) -> datetime.date | None:
    """The day a cell opening with an ISO date names; None for any other cell, or no such day."""
    date = ISO_DATE.match(cell)
    try:
        return datetime.date(int(date["year"]), int(date["month"]), int(date["day"])) if date else None
    except ValueError:
        return None


def _months(period: re.Match) -> range:
    """The months (1-12) a period names: one, a quarter's three, a half's six, or all twelve of a year."""
    if period["month"]:
        month = MONTH_NAMES.index(period["month"][:3].lower()) + 1
        return range(month, month + 1)
    if period["quarter"] or period["q"]:
        quarter = _QUARTERS[period["quarter"].lower()] if period["quarter"] else int(period["q"])
        return range(3 * quarter - 2, 3 * quarter + 1)
    if period["half"]:
        return range(1, 7) if period["half"].lower() == "first" else range(7, 13)
    return range(1, 13)


def _in_period(period: re.Match | None, year: int, month: int) -> bool:
    if period is None:
        return True
    named_year = period["month_year"] or period["quarter_year"] or period["half_year"] or period["year"]
    return month in _months(period) and (not named_year or int(named_year) == year)


def _in_span(span: re.Match, year: int, month: int, day: int) -> bool:
    if span["m1"]:
        first, last = (MONTH_NAMES.index(span[m][:3].lower()) + 1 for m in ("m1", "m2"))
        first_year, last_year = span["y1"] or span["y2"], span["y2"] or span["y1"]
        if first_year:
            return (int(first_year), first) <= (year, month) <= (int(last_year), last)
        return first <= month <= last if first <= last else month >= first or month <= last  # November to February
    date = f"{year:04d}-{month:02d}-{day:02d}"
    if span["start"]:
        return span["start"] <= date <= span["end"]
    return {"before": date < span["day"], "after": date > span["day"], "since": date >= span["day"]}.get(
        span["op"].lower(), date <= span["day"])  # until, through


def _weekdays(weekdays: re.Match) -> set[int]:
    """The days of the week (0 is Monday) the words name: Saturday and Sunday for a weekend."""
    named: set[int] = set()
    for word in re.findall(_WEEKDAY, weekdays["days"], re.I):
        word = word.lower()
        named |= {5, 6} if word.startswith("weekend") else set(range(5)) if word.startswith("weekday") else \
            {WEEKDAY_NAMES.index(word[:3])}
    return named


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
