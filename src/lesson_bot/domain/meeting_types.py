"""Meeting types (三会一课 and others) as configuration: the built-ins with their defaults, and an organization's
own types or overrides read from a YAML file. Pure: the caller reads the file and passes its text.

Defaults (the 支部工作条例's usual ones, the lead's where it is silent): 支委会 and 党小组会 monthly, 党员大会 and
党课 quarterly, 主题党日 monthly on a fixed day (the 1st unless configured), 组织生活会 yearly; reminders 1 day
and 1 hour before; sign-in from 20 minutes before the start to 20 minutes after; leave (请假) closes 2 hours before
the start; everyone on the roster is expected, except at a 支委会 (committee members) and a 党小组会 (one 党小组).

The file maps a type key to its settings; a built-in key overrides only the settings given, a new key defines a
type and must give its names and cadence:

    committee:
      reminders: [2d, 1h]
    volunteer_day:
      name: {zh: 志愿服务日, en: Volunteer day}
      cadence: {every: month, day: 15}      # every: month | quarter | year; count: 2 for twice a period
      expected: all                         # all | committee | party_group
      reminders: [1d, 2h]                   # 30m, 2h, 1d, or plain minutes
      sign_in: {before: 30m, after: 15m}
      leave_closes: 3h                      # before the start
      duration: 2h
      summary_to_group: true                # the attendance summary also goes to the group

Errors name the file and line: `meeting_types.yaml:7: volunteer_day.cadence.every: expected month, quarter or
year`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import yaml

from lesson_bot.domain.cadence import Cadence, Period
from lesson_bot.domain.enums import MeetingType

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_DURATION_RE = re.compile(r"^\s*(\d{1,4})\s*([mhd]?)\s*$")
_UNITS = {"": 1, "m": 1, "h": 60, "d": 1440}
MAX_REMINDERS = 5
LIMIT = timedelta(days=30)


class Expected(enum.StrEnum):
    """Who is expected at a meeting of the type."""

    ALL = "all"
    COMMITTEE = "committee"  # 支委 members only
    PARTY_GROUP = "party_group"  # the members of the meeting's 党小组


@dataclass(frozen=True)
class MeetingTypeDef:
    """One meeting type and its defaults (a meeting copies them when called; the secretary may change them)."""

    key: str
    name_zh: str
    name_en: str
    cadence: Cadence | None
    expected: Expected = Expected.ALL
    reminders: tuple[timedelta, ...] = (timedelta(days=1), timedelta(hours=1))
    sign_in_before: timedelta = timedelta(minutes=20)
    sign_in_after: timedelta = timedelta(minutes=20)
    leave_closes: timedelta = timedelta(hours=2)
    duration: timedelta = timedelta(hours=2)
    summary_to_group: bool = False
    builtin: bool = True

    def name(self, locale: str) -> str:
        """The type's name in a UI locale."""
        return self.name_en if locale == "en" else self.name_zh


def _builtin(key: MeetingType, zh: str, en: str, period: Period, **extra: Any) -> MeetingTypeDef:
    fixed_day = extra.pop("fixed_day", None)
    per_group = extra.get("expected") is Expected.PARTY_GROUP
    return MeetingTypeDef(str(key), zh, en, Cadence(period, fixed_day=fixed_day, per_party_group=per_group), **extra)


BUILTIN: tuple[MeetingTypeDef, ...] = (
    _builtin(MeetingType.PARTY_CONGRESS, "支部党员大会", "Branch general meeting", Period.QUARTER),
    _builtin(MeetingType.COMMITTEE, "支部委员会", "Branch committee meeting", Period.MONTH,
             expected=Expected.COMMITTEE, duration=timedelta(minutes=90)),
    _builtin(MeetingType.PARTY_GROUP, "党小组会", "Party group meeting", Period.MONTH,
             expected=Expected.PARTY_GROUP, duration=timedelta(hours=1)),
    _builtin(MeetingType.PARTY_LECTURE, "党课", "Party lecture", Period.QUARTER, duration=timedelta(minutes=90)),
    _builtin(MeetingType.THEME_DAY, "主题党日", "Theme party day", Period.MONTH, fixed_day=1),
    _builtin(MeetingType.LIFE_MEETING, "组织生活会", "Organizational life meeting", Period.YEAR,
             duration=timedelta(hours=3)),
)


@dataclass(frozen=True)
class MeetingTypes:
    """The types in force: built-ins (perhaps overridden) first, then an organization's own, in file order."""

    types: tuple[MeetingTypeDef, ...] = BUILTIN
    by_key: dict[str, MeetingTypeDef] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {t.key: t for t in self.types})

    def __iter__(self) -> Iterator[MeetingTypeDef]:
        return iter(self.types)

    def __contains__(self, key: object) -> bool:
        return key in self.by_key

    def get(self, key: str) -> MeetingTypeDef:
        """The type, or a stand-in (named by its key, no cadence) for a meeting whose type left the file."""
        found = self.by_key.get(key)
        return found if found is not None else MeetingTypeDef(key, key, key, None, builtin=False)

    def cadences(self) -> dict[str, Cadence]:
        """Every type that has a cadence, by key (what cadence compliance expects)."""
        return {t.key: t.cadence for t in self.types if t.cadence is not None}


class MeetingTypeError(ValueError):
    """A meeting types file that cannot be used: where (source:line) and what is wrong."""

    def __init__(self, source: str, line: int, where: str, problem: str) -> None:
        super().__init__(f"{source}:{line}: {where}: {problem}" if where else f"{source}:{line}: {problem}")
        self.source, self.line, self.where, self.problem = source, line, where, problem


def parse_duration(text: str) -> timedelta:
    """"30m", "2h", "1d" or plain minutes ("90") as a duration; ValueError otherwise."""
    found = _DURATION_RE.match(text)
    if found is None:
        raise ValueError(text)
    return timedelta(minutes=int(found[1]) * _UNITS[found[2]])


def format_duration(value: timedelta) -> str:
    """The shortest of "1d", "2h", "30m" that says the duration exactly."""
    minutes = int(value.total_seconds() // 60)
    for unit, size in (("d", 1440), ("h", 60)):
        if minutes and minutes % size == 0:
            return f"{minutes // size}{unit}"
    return f"{minutes}m"


def load_types(text: str, source: str = "meeting types") -> MeetingTypes:
    """The built-ins with the file's overrides and additions; MeetingTypeError at the first problem."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise MeetingTypeError(source, (mark.line + 1) if mark else 1, "", "not valid YAML") from None
    if root is None:
        return MeetingTypes()
    reader = _Reader(source)
    entries = reader.mapping(root, "")
    types = {t.key: t for t in BUILTIN}
    order = [t.key for t in BUILTIN]
    for key, (key_line, node) in entries.items():
        if not KEY_RE.match(key):
            raise MeetingTypeError(source, key_line, key, "a type key is lowercase letters, digits and _ "
                                                          "(at most 32), starting with a letter")
        base = types.get(key)
        types[key] = reader.type_def(key, node, base)
        if base is None:
            order.append(key)
    return MeetingTypes(tuple(types[k] for k in order))


class _Reader:
    """Reads composed YAML nodes, raising with the node's line."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: yaml.Node, where: str, problem: str) -> MeetingTypeError:
        return MeetingTypeError(self.source, node.start_mark.line + 1, where, problem)

    def mapping(self, node: yaml.Node, where: str) -> dict[str, tuple[int, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, where, "expected a mapping of names to values")
        result: dict[str, tuple[int, yaml.Node]] = {}
        for key_node, value in node.value:
            key = str(key_node.value)
            if key in result:
                raise self.fail(key_node, f"{where}.{key}".lstrip("."), "given twice")
            result[key] = (key_node.start_mark.line + 1, value)
        return result

    def scalar(self, node: yaml.Node, where: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            raise self.fail(node, where, "expected a value")
        return str(node.value).strip()

    def duration(self, node: yaml.Node, where: str) -> timedelta:
        text = self.scalar(node, where)
        try:
            value = parse_duration(text)
        except ValueError:
            raise self.fail(node, where, f"“{text}” is not a duration like 30m, 2h or 1d") from None
        if value > LIMIT:
            raise self.fail(node, where, "at most 30 days")
        return value

    def boolean(self, node: yaml.Node, where: str) -> bool:
        text = self.scalar(node, where).lower()
        if text not in {"true", "false", "yes", "no"}:
            raise self.fail(node, where, "expected true or false")
        return text in {"true", "yes"}

    def integer(self, node: yaml.Node, where: str, low: int, high: int) -> int:
        text = self.scalar(node, where)
        if not text.isdigit() or not low <= int(text) <= high:
            raise self.fail(node, where, f"expected a whole number from {low} to {high}")
        return int(text)

    def choice(self, node: yaml.Node, where: str, options: tuple[str, ...]) -> str:
        text = self.scalar(node, where)
        if text not in options:
            raise self.fail(node, where, f"expected {', '.join(options[:-1])} or {options[-1]}")
        return text

    def type_def(self, key: str, node: yaml.Node, base: MeetingTypeDef | None) -> MeetingTypeDef:
        fields = self.mapping(node, key)
        known = {"name", "cadence", "expected", "reminders", "sign_in", "leave_closes", "duration",
                 "summary_to_group"}
        for name, (line, _value) in fields.items():
            if name not in known:
                raise MeetingTypeError(self.source, line, f"{key}.{name}",
                                       "unknown setting; known: " + ", ".join(sorted(known)))
        if base is None:
            for needed in ("name", "cadence"):
                if needed not in fields:
                    raise self.fail(node, key, f"a new type needs “{needed}”")
            base = MeetingTypeDef(key, key, key, None, builtin=False)
        changes: dict[str, Any] = {}
        for name, (_line, value) in fields.items():
            changes.update(self._setting(key, name, value))
        if "cadence" in changes and changes["cadence"] is not None:
            expected = changes.get("expected", base.expected)
            changes["cadence"] = replace(changes["cadence"], per_party_group=expected is Expected.PARTY_GROUP)
        return replace(base, **changes)

    def _setting(self, key: str, name: str, node: yaml.Node) -> dict[str, Any]:
        where = f"{key}.{name}"
        match name:
            case "name":
                names = self.mapping(node, where)
                zh = self.scalar(names["zh"][1], f"{where}.zh") if "zh" in names else None
                if zh is None:
                    raise self.fail(node, where, "give at least the Chinese name: {zh: ..., en: ...}")
                en = self.scalar(names["en"][1], f"{where}.en") if "en" in names else zh
                if len(zh) > 32 or len(en) > 32:
                    raise self.fail(node, where, "at most 32 characters")
                return {"name_zh": zh, "name_en": en}
            case "cadence":
                return {"cadence": self._cadence(node, where)}
            case "expected":
                return {"expected": Expected(self.choice(node, where, tuple(e.value for e in Expected)))}
            case "reminders":
                if not isinstance(node, yaml.SequenceNode) or len(node.value) > MAX_REMINDERS:
                    raise self.fail(node, where, f"expected a list of at most {MAX_REMINDERS} durations like [1d, 1h]")
                offsets = {self.duration(item, where) for item in node.value}
                return {"reminders": tuple(sorted(offsets, reverse=True))}
            case "sign_in":
                window = self.mapping(node, where)
                result = {}
                for side in ("before", "after"):
                    if side in window:
                        result[f"sign_in_{side}"] = self.duration(window[side][1], f"{where}.{side}")
                return result
            case "leave_closes":
                return {"leave_closes": self.duration(node, where)}
            case "duration":
                value = self.duration(node, where)
                if value <= timedelta(0):
                    raise self.fail(node, where, "must be longer than 0")
                return {"duration": value}
            case _:
                return {"summary_to_group": self.boolean(node, where)}

    def _cadence(self, node: yaml.Node, where: str) -> Cadence | None:
        if isinstance(node, yaml.ScalarNode) and str(node.value).strip() in {"none", "null", "~", ""}:
            return None  # a type the branch holds as needed
        fields = self.mapping(node, where)
        if "every" not in fields:
            raise self.fail(node, where, "say how often: {every: month}")
        period = Period(self.choice(fields["every"][1], f"{where}.every", tuple(p.value for p in Period)))
        day = self.integer(fields["day"][1], f"{where}.day", 1, 31) if "day" in fields else None
        count = self.integer(fields["count"][1], f"{where}.count", 1, 12) if "count" in fields else 1
        return Cadence(period, count=count, fixed_day=day)


def type_settings(kind: MeetingTypeDef) -> dict[str, Any]:
    """What a meeting copies from its type when called (minutes; the meeting may then change them)."""
    return {
        "reminders": [int(r.total_seconds() // 60) for r in kind.reminders],
        "sign_in_before": int(kind.sign_in_before.total_seconds() // 60),
        "sign_in_after": int(kind.sign_in_after.total_seconds() // 60),
        "leave_closes": int(kind.leave_closes.total_seconds() // 60),
        "expected": str(kind.expected),
        "summary_to_group": kind.summary_to_group,
    }

