"""The callback-data codec: what a button carries comes back as the same typed value, within Telegram's 64 bytes,
and anything else (forged, truncated, from an unknown button) decodes to nothing rather than to a wrong action."""

from __future__ import annotations

import dataclasses
import typing
from datetime import date

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lesson_bot.domain import callbacks as cb
from lesson_bot.domain.ids import INT64_MAX

_TOKEN = st.text(st.characters(blacklist_characters=":", blacklist_categories=["Cs"]), min_size=1, max_size=20)
_SCALAR: dict[type, st.SearchStrategy[object]] = {
    int: st.integers(0, INT64_MAX),
    str: st.one_of(_TOKEN, st.integers(0, 10**6).map(str)),
    date: st.dates(),
}


def _field(hint: object) -> st.SearchStrategy[object]:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return st.one_of(st.none(), _SCALAR[args[0]]) if args else _SCALAR[typing.cast(type, hint)]


def _values(kind: type[cb.Callback]) -> st.SearchStrategy[cb.Callback]:
    hints = typing.get_type_hints(kind)
    fields = {f.name: st.sampled_from(kind.verbs) if f.name == "verb" else _field(hints[f.name])
              for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    return st.builds(kind, **fields)


@pytest.mark.parametrize("kind", cb.declared(), ids=lambda kind: kind.__name__)
# Kinds whose fields depend on the verb (Upcoming: a schedule unless "back", a day only to skip one) refuse most
# values drawn field by field: on an unlucky run nine in ten, which is no fault of the code under test.
@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(draw=st.data())
def test_every_kind_round_trips(kind: type[cb.Callback], draw: st.DataObject) -> None:
    """Whatever a button can carry decodes to the same value, and matches its kind's handler pattern only."""
    value = draw.draw(_values(kind))
    try:
        wire = value.encode()
    except ValueError:
        assume(False)
        raise
    assert len(wire.encode()) <= 64
    assert cb.decode(wire) == value
    assert type(value).decode(wire) == value and type(value).pattern(wire)
    assert not any(other.pattern(wire) for other in cb.declared() if other is not type(value))


@pytest.mark.parametrize(("data", "value"), [
    ("ls:done:42", cb.LessonDone(42)),
    ("mk:start:7", cb.MakeupStart(7)),
    ("mk:page:3:1", cb.MakeupPage(3, 1)),
    ("prog:branch:0:3", cb.ProgressBranch(0, 3)),
    ("prog:show:3:9", cb.ProgressEarlier(3, 9)),
    ("deliv:show:0:3", cb.DeliveriesBranch(0, 3)),
    ("lang:set:zh-Hans", cb.LanguageSet("zh-Hans")),
    ("reg:tz:5:Asia/Shanghai", cb.Register("tz", 5, "Asia/Shanghai")),
    ("reg:title:5", cb.Register("title", 5)),
    ("roster:import:8:3", cb.RosterBranch("import", 8, 3)),
    ("sch:se:4:0", cb.ScheduleStep("se", 4, 0)),
    ("sch:ok:4", cb.ScheduleStep("ok", 4)),
    ("up:skok:3:12:20260301", cb.Upcoming("skok", 3, 12, date(2026, 3, 1))),
    ("up:back:3", cb.Upcoming("back", 3)),
    ("mtw:type:6:dangke", cb.MeetingStep("type", 6, "dangke")),
    ("mtw:when:6:1767225600", cb.MeetingStep("when", 6, "1767225600")),
    ("mt:in:11", cb.SignIn(11)),
    ("mt:rsvp:11", cb.Rsvp(11)),
    ("mt:leave:11", cb.RsvpLeave(11)),
    ("mt:no:2", cb.RsvpDecision("no", 2)),
    ("mt:px:11:5", cb.MeetingAttendance("px", 11, 5)),
    ("mt:att:11", cb.MeetingAttendance("att", 11)),
    ("mls:rs:11:2", cb.MeetingList("rs", 11, 2)),
    ("rc:redo:6", cb.RecordStep("redo", 6)),
    ("rc:pick:11", cb.RecordPick(11)),
    ("rc:view:11", cb.RecordShow(11)),
    ("rc:ok:11:1767225600", cb.RecordConfirm(11, 1767225600)),
    ("mk:mt:11", cb.MeetingMakeupDone(11)),
    ("mk:ml:11", cb.MeetingMakeupLesson(11)),
    ("mk:send:11", cb.MakeupTasksSend(11)),
    ("mkl:show:0:3", cb.MakeupsBranch(0, 3)),
    ("cad:page:2", cb.Cadence("page", 2)),
    ("rp:pd:2026-Q4", cb.ReportPeriod("2026-Q4")),
    ("rp:br:3:2026-10-01..2026-12-31", cb.ReportScope("br", 3, "2026-10-01..2026-12-31")),
    ("rp:org:0:2026", cb.ReportScope("org", 0, "2026")),
    ("rp:pg:1:2026-11", cb.ReportScope("pg", 1, "2026-11")),
])
def test_buttons_already_in_chats_keep_working(data: str, value: cb.Callback) -> None:
    """The wire format of every kind is the one buttons sent before the codec carry."""
    assert cb.decode(data) == value
    assert value.encode() == data


@pytest.mark.parametrize("data", [
    "", ":", "ls", "ls:", "ls:done", "ls:done:", "ls:done:abc", "ls:done:-1", "ls:done:+1", "ls:done:007",
    "ls:done: 1", "ls:done:1_000", "ls:done:١٢", "ls:done:99999999999999999999999", f"ls:done:{INT64_MAX + 1}",
    "ls:done:1:2", "ls:done:1:", "LS:done:1", "ls:undone:1", "xx:done:1", "mt:in:", "mt:att:1:2", "mt:px:1",
    "reg:tz:5", "reg:cancel:5:UTC", "up:back:3:4", "up:cx:3", "up:sk:3:4", "up:sk:3:4:20260230", "up:sk:3:4:2026031",
    "sch:ok:4:1", "sch:se:4", "mtw:group:6:x", "mtw:ok:6:1", "mtw:host:6", "mls:rs:1", "mls:cx:1:2",
    "lang:set:", "mt:in:1" + "1" * 60, "lang:set:" + "党" * 19,
])
def test_malformed_data_decodes_to_nothing(data: str) -> None:
    """Forged, truncated or unknown data is no kind at all, so no handler acts on it."""
    assert cb.decode(data) is None
    assert not any(kind.pattern(data) for kind in cb.declared())


def test_encoding_refuses_what_telegram_or_the_decoder_would_not_take() -> None:
    """Over 64 bytes, a ':' inside a field, a negative id or parts that do not go together never reach a button."""
    cb.LanguageSet("x" * 55).encode()  # "lang:set:" + 55 = 64 bytes: the most Telegram takes
    for bad in (cb.LanguageSet("x" * 56), cb.LanguageSet("党" * 19), cb.LanguageSet("a:b"), cb.LanguageSet(""),
                cb.LessonDone(-1), cb.LessonDone(INT64_MAX + 1), cb.Register("tz", 1), cb.Upcoming("sk", 1, 2),
                cb.Upcoming("back", 1, None, date(2026, 1, 1)), cb.RsvpDecision("maybe", 1)):
        with pytest.raises(ValueError):
            bad.encode()


def test_a_handler_pattern_takes_only_its_kinds() -> None:
    """A pattern over several kinds matches their taps and nothing else; parse gives the typed value."""
    pattern = cb.any_of(cb.ProgressBranch, cb.ProgressEarlier)
    assert pattern("prog:branch:0:3") and pattern("prog:show:3:9")
    assert not pattern("prog:show:3") and not pattern("deliv:show:0:3") and not pattern(None)
    assert cb.parse("prog:show:3:9", cb.ProgressBranch, cb.ProgressEarlier) == cb.ProgressEarlier(3, 9)
    with pytest.raises(ValueError):
        cb.LessonDone.parse("ls:done:abc")
