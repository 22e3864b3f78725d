"""Reading and showing dates in the emulator's one time zone (dc-api.md §1, §2.3)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from emulator.core.clock import LATEST_MS
from emulator.core.errors import ValidationError
from emulator.core.numbers import shown

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$")
_RELATIVE = re.compile(r"^([+-]?\d+)([dwmy])$")
DAY_MS = 86_400_000
MINUTE_MS = 60_000


def parse_point(text: str, zone: ZoneInfo, what: str) -> tuple[int, int]:
    """Read `yyyy-MM-dd` or `yyyy-MM-ddTHH:mm[:ss]`: return the epoch-ms start and the span it covers."""
    value = text.strip()
    try:
        if _DATE.match(value):
            return to_ms(datetime.fromisoformat(value).replace(tzinfo=zone)), DAY_MS
        if _DATE_TIME.match(value):
            moment = datetime.fromisoformat(value.replace(" ", "T"))
            span = MINUTE_MS if moment.second == 0 and moment.microsecond == 0 else 1000
            return to_ms(moment.replace(tzinfo=zone)), span
    except ValueError:
        pass
    raise ValidationError(f"{what}: '{text}' is not a valid date; use yyyy-MM-dd or yyyy-MM-ddTHH:mm")


def parse_relative(text: str, now_ms: int, zone: ZoneInfo, what: str) -> int:
    """Read a relative bound such as `-2w`, `1d`, `3y`, `-4m` (m = months) counted from now."""
    found = _RELATIVE.match(text.strip())
    if not found:
        raise ValidationError(f"{what}: '{text}' is not a relative date; use a signed number and d, w, m or y")
    amount, unit = int(found.group(1)), found.group(2)
    now = from_ms(now_ms, zone)
    if unit in "dw":
        return to_ms(now + timedelta(days=amount * (7 if unit == "w" else 1)))
    months = amount * (12 if unit == "y" else 1)
    year, month = divmod(now.month - 1 + months, 12)
    day = min(now.day, _days_in_month(now.year + year, month + 1))
    return to_ms(now.replace(year=now.year + year, month=month + 1, day=day))


def _days_in_month(year: int, month: int) -> int:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def to_ms(moment: datetime) -> int:
    """Epoch milliseconds of an aware datetime."""
    return int(moment.timestamp() * 1000)


def from_ms(ms: int, zone: ZoneInfo) -> datetime:
    """The aware datetime of epoch milliseconds in `zone`."""
    return datetime.fromtimestamp(ms / 1000, tz=zone)


def timestamp_ms(value: int | str, zone: ZoneInfo, what: str) -> int:
    """A fixture timestamp: epoch ms as is (1970 to 9999, as the clock), or a date / date-time text in `zone`."""
    if isinstance(value, int):
        if not 0 <= value <= LATEST_MS:
            raise ValidationError(f"{what}: {shown(value)} is not a time from 1970 to 9999 (epoch ms 0 to {LATEST_MS})")
        return value
    return parse_point(value, zone, what)[0]


def format_jira(ms: int, zone: ZoneInfo) -> str:
    """Jira's `dd/MMM/yy h:mm a`, e.g. `02/May/19 10:29 AM`."""
    moment = from_ms(ms, zone)
    hour = moment.hour % 12 or 12
    return f"{moment:%d/%b/%y} {hour}:{moment:%M %p}"


def format_jira_date(iso_date: str) -> str:
    """Jira's `dd/MMM/yy` for a `yyyy-MM-dd` date."""
    return f"{date.fromisoformat(iso_date):%d/%b/%y}"
