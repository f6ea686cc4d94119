"""Meeting types as configuration: the built-in defaults, an organization's file, and its errors by line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from lesson_bot.config import ConfigError
from lesson_bot.domain.cadence import Period
from lesson_bot.domain.meeting_types import (
    Expected,
    MeetingTypeError,
    MeetingTypes,
    format_duration,
    load_types,
    parse_duration,
    type_settings,
)
from lesson_bot.services.meetings.config import read_meeting_types


def test_the_builtins_follow_the_branch_work_regulations_defaults() -> None:
    """支委会 and 党小组会 monthly, 党员大会 and 党课 quarterly, 主题党日 monthly on its day, 组织生活会 yearly."""
    types = MeetingTypes()
    cadence = {t.key: (t.cadence.period, t.cadence.fixed_day) for t in types if t.cadence is not None}
    assert cadence == {
        "party_congress": (Period.QUARTER, None), "committee": (Period.MONTH, None),
        "party_group": (Period.MONTH, None), "party_lecture": (Period.QUARTER, None),
        "theme_day": (Period.MONTH, 1), "life_meeting": (Period.YEAR, None),
    }
    committee = types.get("committee")
    assert committee.name("zh-Hans") == "支部委员会" and committee.name("en") == "Branch committee meeting"
    assert committee.expected is Expected.COMMITTEE and types.get("party_group").expected is Expected.PARTY_GROUP
    assert types.get("party_group").cadence.per_party_group  # type: ignore[union-attr]
    assert committee.reminders == (timedelta(days=1), timedelta(hours=1))
    assert (committee.sign_in_before, committee.sign_in_after) == (timedelta(minutes=20), timedelta(minutes=20))
    assert committee.leave_closes == timedelta(hours=2)
    assert type_settings(committee)["reminders"] == [1440, 60]


def test_a_file_overrides_a_builtin_and_adds_a_type() -> None:
    """Only the settings given change; a new type joins after the built-ins with its own names and cadence."""
    types = load_types(
        "committee:\n  reminders: [2d, 90m, 2d]\n  leave_closes: 3h\n"
        "volunteer_day:\n  name: {zh: 志愿服务日, en: Volunteer day}\n  cadence: {every: month, day: 15, count: 2}\n"
        "  expected: all\n  sign_in: {before: 30m}\n  duration: 2h\n  summary_to_group: yes\n",
        "meeting_types.yaml",
    )
    committee = types.get("committee")
    assert committee.reminders == (timedelta(days=2), timedelta(minutes=90))
    assert committee.leave_closes == timedelta(hours=3) and committee.expected is Expected.COMMITTEE
    volunteer = types.get("volunteer_day")
    assert [t.key for t in types][-1] == "volunteer_day" and not volunteer.builtin
    assert volunteer.name("zh-Hans") == "志愿服务日" and volunteer.cadence is not None
    assert (volunteer.cadence.period, volunteer.cadence.fixed_day, volunteer.cadence.count) == (Period.MONTH, 15, 2)
    assert volunteer.sign_in_before == timedelta(minutes=30) and volunteer.sign_in_after == timedelta(minutes=20)
    assert volunteer.summary_to_group
    assert "volunteer_day" in types.cadences()


@pytest.mark.parametrize(("text", "message"), [
    ("committee:\n  reminders: [tomorrow]\n", "meeting_types.yaml:2: committee.reminders: “tomorrow” is not a "
                                              "duration like 30m, 2h or 1d"),
    ("new_one:\n  cadence: {every: month}\n", "meeting_types.yaml:2: new_one: a new type needs “name”"),
    ("x:\n  name: {zh: 某会}\n  cadence: {every: week}\n", "meeting_types.yaml:3: x.cadence.every: expected "
                                                          "month, quarter or year"),
    ("committee:\n  colour: red\n", "meeting_types.yaml:2: committee.colour: unknown setting; known: cadence, "
                                    "duration, expected, leave_closes, name, reminders, sign_in, summary_to_group"),
    ("Bad Key:\n  reminders: [1h]\n", "meeting_types.yaml:1: Bad Key: a type key is lowercase letters, digits and _ "
                                      "(at most 32), starting with a letter"),
    ("committee: [1\n", "meeting_types.yaml:2: not valid YAML"),
])
def test_a_bad_file_is_refused_naming_the_line_and_the_setting(text: str, message: str) -> None:
    """Each problem says file:line, which setting, and what is expected."""
    with pytest.raises(MeetingTypeError) as caught:
        load_types(text, "meeting_types.yaml")
    assert str(caught.value) == message


def test_durations_read_and_print_in_the_shortest_exact_unit() -> None:
    """30m, 2h, 1d and plain minutes; printed back as the shortest exact form."""
    assert [parse_duration(x) for x in ("30m", "2h", "1d", "90")] == [
        timedelta(minutes=30), timedelta(hours=2), timedelta(days=1), timedelta(minutes=90)]
    assert [format_duration(timedelta(minutes=m)) for m in (1440, 120, 90)] == ["1d", "2h", "90m"]
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_an_empty_file_means_the_builtins_and_an_unknown_key_gets_a_stand_in() -> None:
    """A meeting whose type left the file still has a name (its key) and no cadence."""
    types = load_types("")
    assert [t.key for t in types] == [t.key for t in MeetingTypes()]
    assert types.get("retired_type").name("en") == "retired_type" and types.get("retired_type").cadence is None


def test_a_bad_types_file_stops_the_service_with_one_line_naming_the_variable(tmp_path: Path) -> None:
    """Settings.meeting_types_file with a mistake: ConfigError says the variable, the file and the line."""
    path = tmp_path / "meeting_types.yaml"
    path.write_text("committee:\n  sign_in: {before: soon}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_meeting_types(path)
    assert str(caught.value) == ("LESSON_BOT_MEETING_TYPES_FILE: meeting_types.yaml:2: committee.sign_in.before: "
                                 "“soon” is not a duration like 30m, 2h or 1d")
    with pytest.raises(ConfigError, match="cannot read"):
        read_meeting_types(tmp_path / "missing.yaml")
    path.write_text("party_lecture:\n  reminders: [3d]\n", encoding="utf-8")
    assert read_meeting_types(path).get("party_lecture").reminders == (timedelta(days=3),)
    assert read_meeting_types(None).get("party_lecture").reminders == (timedelta(days=1), timedelta(hours=1))
