"""A schedule's rule as data: validation with field-named errors, and the wall-clock pattern APScheduler computes.

The pattern yields local wall-clock times (the fields a secretary chose), carried as datetimes tagged UTC so that
no naive datetime exists and APScheduler's field arithmetic never meets a daylight-saving change; turning a wall
time into an instant in the branch's zone is `recurrence_clock`'s job.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from lesson_bot.domain.enums import RecurrenceType

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # APScheduler's order: Monday is 0
MAX_NTH = 5
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})")
_CRON_TOKEN_RE = re.compile(r"[0-9A-Za-z*,/\-]+")
_CRON_DOW_ITEM_RE = re.compile(r"(\*|[0-7]|[a-z]{3})(?:-([0-7]|[a-z]{3}))?(?:/(\d{1,2}))?")
_CRON_SUNDAY_FIRST = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # crontab's numbering: 0 and 7 are Sunday
_CRON_FIELDS = ("minute", "hour", "day", "month", "weekday")
CRON_MACROS = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}
_RULE_KEYS: dict[RecurrenceType, tuple[frozenset[str], frozenset[str]]] = {  # (required, allowed)
    RecurrenceType.ONCE: (frozenset(), frozenset()),
    RecurrenceType.WEEKLY: (frozenset({"days", "time"}), frozenset({"days", "time"})),
    RecurrenceType.MONTHLY: (frozenset({"time"}), frozenset({"day", "weekday", "nth", "time"})),
    RecurrenceType.CRON: (frozenset({"expr"}), frozenset({"expr"})),
}
# Past this the pattern stops, so a wall time plus any zone offset still fits in a datetime.
PATTERN_END = datetime(9000, 1, 1, tzinfo=UTC)
# Every crontab pattern that fires at all fires within any 40 years (Feb 29 recurs every 4 or 8).
_PROBE_START = datetime(2000, 1, 1, tzinfo=UTC)
_PROBE_END = datetime(2040, 1, 1, tzinfo=UTC)
_ONE_MICROSECOND = timedelta(microseconds=1)


class RecurrenceError(ValueError):
    """A schedule that cannot be kept, as data: the field, a stable problem code, and values for the message."""

    def __init__(self, field: str, problem: str, **params: Any) -> None:
        super().__init__(f"{field}: {problem} {params}" if params else f"{field}: {problem}")
        self.field = field
        self.problem = problem
        self.params: dict[str, Any] = params


@dataclass(frozen=True)
class Pattern:
    """The wall-clock times a rule names, computed by APScheduler cron triggers (several are OR-ed)."""

    triggers: tuple[CronTrigger, ...] = field(compare=False)

    def next_wall(self, at_or_after: datetime) -> datetime | None:
        """The first wall time at or after `at_or_after` (a wall time tagged UTC), None past the end."""
        found = [t.get_next_fire_time(None, at_or_after) for t in self.triggers]
        times: list[datetime] = [f for f in found if f is not None]
        return min(times) if times else None

    def walls(self, start: datetime) -> Iterator[datetime]:
        """Every wall time from `start` on, in order."""
        wall = self.next_wall(start)
        while wall is not None:
            yield wall
            wall = self.next_wall(wall + _ONE_MICROSECOND)


def zone(name: object) -> ZoneInfo:
    """The IANA zone of that name, or RecurrenceError(field='timezone')."""
    if not isinstance(name, str) or not name or name != name.strip() or name.startswith(("+", "-")):
        raise RecurrenceError("timezone", "timezone_unknown", value=str(name))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # ValueError: a malformed key such as "../x"
        raise RecurrenceError("timezone", "timezone_unknown", value=name) from exc


def parse_time(value: object) -> tuple[int, int]:
    """Hour and minute of an "HH:MM" rule time, or RecurrenceError(field='rule.time')."""
    match = _TIME_RE.fullmatch(value) if isinstance(value, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise RecurrenceError("rule.time", "time_invalid", value=str(value))
    return int(match[1]), int(match[2])


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_rule(kind: RecurrenceType, rule: object) -> None:
    """Raise RecurrenceError naming the first part of the rule that is wrong for its kind."""
    if not isinstance(rule, Mapping):
        raise RecurrenceError("rule", "rule_not_mapping")
    required, allowed = _RULE_KEYS[kind]
    for key in sorted(map(str, rule)):
        if key not in allowed:
            raise RecurrenceError(f"rule.{key}", "rule_key_unknown", key=key)
    missing = sorted(required - set(rule))
    if missing:
        raise RecurrenceError(f"rule.{missing[0]}", "rule_key_missing", key=missing[0])
    if kind is RecurrenceType.WEEKLY:
        _check_days(rule["days"])
    elif kind is RecurrenceType.MONTHLY:
        _check_monthly(rule)
    elif kind is RecurrenceType.CRON:
        compile_pattern(kind, canonical_rule(rule))
    if "time" in rule:
        parse_time(rule["time"])


def _check_days(days: object) -> None:
    if not isinstance(days, list | tuple):
        raise RecurrenceError("rule.days", "days_not_list")
    if not days:
        raise RecurrenceError("rule.days", "days_empty")
    for day in days:
        if not _is_int(day) or not 0 <= day <= 6:
            raise RecurrenceError("rule.days", "day_invalid", value=str(day))
    if len(set(days)) != len(days):
        raise RecurrenceError("rule.days", "days_duplicate")


def _check_monthly(rule: Mapping[str, Any]) -> None:
    if "day" in rule and ("weekday" in rule or "nth" in rule):
        raise RecurrenceError("rule", "monthly_ambiguous")
    if "day" in rule:
        day = rule["day"]
        if day != "last" and (not _is_int(day) or not 1 <= day <= 31):
            raise RecurrenceError("rule.day", "day_of_month_invalid", value=str(day))
        return
    for key in ("weekday", "nth"):
        if key not in rule:
            raise RecurrenceError(f"rule.{key}", "rule_key_missing", key=key)
    if not _is_int(rule["weekday"]) or not 0 <= rule["weekday"] <= 6:
        raise RecurrenceError("rule.weekday", "weekday_invalid", value=str(rule["weekday"]))
    nth = rule["nth"]
    if not _is_int(nth) or not (1 <= nth <= MAX_NTH or nth == -1):
        raise RecurrenceError("rule.nth", "nth_invalid", value=str(nth))


def canonical_rule(rule: Mapping[str, Any]) -> str:
    """A stable text form of a rule, used as a cache key."""
    return json.dumps(dict(rule), sort_keys=True, default=str, ensure_ascii=False)


@lru_cache(maxsize=4096)
def compile_pattern(kind: RecurrenceType, rule_json: str) -> Pattern:
    """The wall-clock pattern of a checked rule (cached: triggers are immutable once built)."""
    rule: dict[str, Any] = json.loads(rule_json)
    if kind is RecurrenceType.CRON:
        return _cron_pattern(rule["expr"])
    hour, minute = parse_time(rule["time"])
    fields: dict[str, str]
    if kind is RecurrenceType.WEEKLY:
        fields = {"day_of_week": ",".join(WEEKDAY_NAMES[d] for d in sorted(rule["days"]))}
    elif "day" in rule:
        fields = {"day": str(rule["day"])}  # "last" is APScheduler's own word for the month's last day
    else:
        position = "last" if rule["nth"] == -1 else ("1st", "2nd", "3rd", "4th", "5th")[rule["nth"] - 1]
        fields = {"day": f"{position} {WEEKDAY_NAMES[rule['weekday']]}"}
    return Pattern((_trigger({**fields, "hour": str(hour), "minute": str(minute)}),))


def _trigger(fields: Mapping[str, str], end: datetime = PATTERN_END) -> CronTrigger:
    # UTC has no daylight saving, so the trigger's arithmetic on fields is exact wall-clock arithmetic.
    return CronTrigger(**fields, second="0", timezone=UTC, end_date=end)


def _cron_pattern(expr: object) -> Pattern:
    if not isinstance(expr, str):
        raise RecurrenceError("rule.expr", "cron_fields", count=0)
    text = CRON_MACROS.get(expr.strip().lower(), expr)
    parts = text.split()
    if len(parts) != len(_CRON_FIELDS):
        raise RecurrenceError("rule.expr", "cron_fields", count=len(parts))
    minute, hour, dom, month, dow = parts
    aps_fields = {"minute": minute, "hour": hour, "day": dom, "month": month}
    for name, (aps_name, value) in zip(_CRON_FIELDS, aps_fields.items(), strict=False):
        _check_cron_field(name, aps_name, value)
    weekdays = _cron_weekdays(dow)
    if dom.startswith("*") or dow.startswith("*"):
        # Only one day field restricts: both must match (a "*" matches everything).
        patterns = [{**aps_fields, "day_of_week": weekdays}]
    else:
        # crontab(5): when both day fields are restricted, a day matching either one fires.
        patterns = [aps_fields, {**aps_fields, "day": "*", "day_of_week": weekdays}]
    probe = Pattern(tuple(_trigger(p, _PROBE_END) for p in patterns))
    if probe.next_wall(_PROBE_START) is None:
        raise RecurrenceError("rule.expr", "cron_never_fires", expr=expr)
    return Pattern(tuple(_trigger(p) for p in patterns))


def _check_cron_field(name: str, aps_name: str, value: str) -> None:
    if _CRON_TOKEN_RE.fullmatch(value) is None:
        raise RecurrenceError("rule.expr", "cron_invalid", part=name, value=value)
    try:
        CronTrigger(**{aps_name: value}, timezone=UTC)
    except ValueError as exc:
        raise RecurrenceError("rule.expr", "cron_invalid", part=name, value=value) from exc


def _cron_weekday(token: str, value: str) -> int:
    """A crontab weekday (0 or 7 Sunday, or a name) as crontab's number 0..7."""
    if token.isdigit():
        return int(token)
    if token in _CRON_SUNDAY_FIRST:
        return _CRON_SUNDAY_FIRST.index(token)
    raise RecurrenceError("rule.expr", "cron_invalid", part="weekday", value=value)


def _cron_weekdays(value: str) -> str:
    """crontab's day-of-week field as APScheduler weekday names (APScheduler 3 counts 0 as Monday)."""
    chosen: set[int] = set()
    for item in value.lower().split(","):
        match = _CRON_DOW_ITEM_RE.fullmatch(item)
        if match is None:
            raise RecurrenceError("rule.expr", "cron_invalid", part="weekday", value=value)
        first, last, step = match[1], match[2], int(match[3] or 1)
        if first == "*":
            if last is not None:
                raise RecurrenceError("rule.expr", "cron_invalid", part="weekday", value=value)
            low, high = 0, 6
        else:
            low = _cron_weekday(first, value)
            high = _cron_weekday(last, value) if last is not None else (7 if match[3] else low)
        if low > high or step < 1:
            raise RecurrenceError("rule.expr", "cron_invalid", part="weekday", value=value)
        chosen.update(n % 7 for n in range(low, high + 1, step))
    # Sunday is crontab's 0 and APScheduler's 6.
    return ",".join(WEEKDAY_NAMES[(n - 1) % 7] for n in sorted(chosen, key=lambda n: (n - 1) % 7))
