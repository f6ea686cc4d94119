"""Properties of the scoring rules over any participation record: what a member may rely on, whatever they did.

A record is generated as the log would hold it: check-ins and answers with distinct event ids (`order`), some for
lessons never delivered to the member, some reviews; meetings with a standing and maybe a 补学. The rules have no
cap per period: each lesson counts once, each question once, each meeting once, and those are the caps tested.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from random import Random

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lesson_bot.domain.attendance import Status
from lesson_bot.domain.enums import ParticipationMode
from lesson_bot.domain.scoring import (
    Answer,
    CheckIn,
    Points,
    ScoringRules,
    Standing,
    lesson_modes,
    lesson_tally,
    meeting_tally,
    quiz_tally,
    score,
)

PROPERTY = settings(max_examples=200, deadline=None)
T0 = datetime(2026, 3, 1, tzinfo=UTC)
LESSONS = st.integers(1, 8)  # delivered lessons are drawn from 1..6, so 7 and 8 are never delivered
MODES = st.sampled_from(ParticipationMode)
MINUTES = st.integers(0, 60 * 24 * 30)

DEFAULT_RULES = ScoringRules()


@dataclass(frozen=True)
class Record:
    """One member's participation facts."""

    delivered: frozenset[int]
    checkins: list[CheckIn]
    answers: list[Answer]
    meetings: list[Standing]

    def points(self, rules: ScoringRules = DEFAULT_RULES) -> Points:
        return score(lesson_modes(sorted(self.delivered), self.checkins), self.answers, self.meetings, rules)


@st.composite
def records(draw: st.DrawFn) -> Record:
    delivered = draw(st.sets(st.integers(1, 6), max_size=6))
    checkins = [CheckIn(v, m, T0 + timedelta(minutes=t), order=i)
                for i, (v, m, t) in enumerate(draw(st.lists(st.tuples(LESSONS, MODES, MINUTES), max_size=20)))]
    answers = [Answer(v, q, m, c, T0 + timedelta(minutes=t), order=i) for i, (v, q, m, c, t) in enumerate(
        draw(st.lists(st.tuples(LESSONS, st.integers(0, 3), MODES, st.booleans(), MINUTES), max_size=30)))]
    meetings = draw(st.lists(st.builds(Standing, st.sampled_from(Status), st.booleans()), max_size=12))
    return Record(frozenset(delivered), checkins, answers, meetings)


RULES = st.builds(ScoringRules, *[st.integers(0, 5)] * 8)


@PROPERTY
@given(records(), RULES)
def test_points_are_never_negative(record: Record, rules: ScoringRules) -> None:
    """With rules that award no negative points, no record scores below zero in any part."""
    points = record.points(rules)
    assert min(points.lessons, points.quiz, points.meetings) >= 0
    assert points.total == points.lessons + points.quiz + points.meetings


@PROPERTY
@given(records(), st.randoms(use_true_random=False))
def test_points_do_not_depend_on_the_order_events_arrive_in(record: Record, random: Random) -> None:
    """The log is read by time and event id, so the same events in any order score the same."""
    shuffled = Record(record.delivered, random.sample(record.checkins, len(record.checkins)),
                      random.sample(record.answers, len(record.answers)),
                      random.sample(record.meetings, len(record.meetings)))
    assert shuffled.points() == record.points()


@PROPERTY
@given(records(), st.data())
def test_a_replayed_event_changes_nothing(record: Record, data: st.DataObject) -> None:
    """A check-in or an answer delivered twice (a retried update) counts once: points and tallies are unchanged."""
    again_checkins = data.draw(st.lists(st.sampled_from(record.checkins), max_size=5)) if record.checkins else []
    again_answers = data.draw(st.lists(st.sampled_from(record.answers), max_size=5)) if record.answers else []
    replayed = Record(record.delivered, record.checkins + again_checkins, record.answers + again_answers,
                      record.meetings)
    assert replayed.points() == record.points()
    assert lesson_modes(record.delivered, replayed.checkins) == lesson_modes(record.delivered, record.checkins)
    before, after = quiz_tally(record.answers), quiz_tally(replayed.answers)
    assert (after.answered, after.right) == (before.answered, before.right)


@PROPERTY
@given(records(), LESSONS, MODES, st.integers(0, 3), st.booleans(), st.sampled_from(Status), st.booleans(), st.data())
def test_doing_more_never_lowers_the_points(record: Record, version: int, mode: ParticipationMode, question: int,
                                           correct: bool, status: Status, made_up: bool, data: st.DataObject) -> None:
    """A later check-in, a later answer (to a new question or again to one answered before) or one more meeting
    can only add points, never take them away."""
    later = T0 + timedelta(days=365)
    answer = Answer(version, question, mode, correct, later, order=10_000)
    if data.draw(st.booleans()) and record.answers:
        answer = replace(data.draw(st.sampled_from(record.answers)), mode=mode, correct=correct, occurred_at=later,
                         order=10_000)
    more = Record(record.delivered, [*record.checkins, CheckIn(version, mode, later, order=10_000)],
                  [*record.answers, answer], [*record.meetings, Standing(status, made_up)])
    before, after = record.points(), more.points()
    assert after.lessons >= before.lessons and after.quiz >= before.quiz and after.meetings >= before.meetings


BETTER = {Status.ABSENT: (Status.LATE, Status.PRESENT), Status.EXCUSED: (Status.LATE, Status.PRESENT),
          Status.LATE: (Status.PRESENT,), Status.PRESENT: ()}


@PROPERTY
@given(records(), st.data())
def test_a_better_standing_never_scores_less(record: Record, data: st.DataObject) -> None:
    """With the default rules, coming late beats missing (even made up), attending beats coming late, and making
    up a missed meeting beats not making it up."""
    assume(record.meetings)
    index = data.draw(st.integers(0, len(record.meetings) - 1))
    meeting = record.meetings[index]
    options = [Standing(s, meeting.made_up) for s in BETTER[meeting.status]] + [replace(meeting, made_up=True)]
    better = data.draw(st.sampled_from(options))
    improved = Record(record.delivered, record.checkins, record.answers,
                      [*record.meetings[:index], better, *record.meetings[index + 1:]])
    assert improved.points().meetings >= record.points().meetings


@PROPERTY
@given(records(), RULES, st.data())
def test_raising_a_rule_never_lowers_the_points(record: Record, rules: ScoringRules, data: st.DataObject) -> None:
    """Awarding more for one kind of participation never lowers anyone's total."""
    field = data.draw(st.sampled_from(["on_time_checkin", "makeup_checkin", "right_answer", "attended", "late",
                                       "excused", "absent", "meeting_makeup"]))
    raised = replace(rules, **{field: getattr(rules, field) + data.draw(st.integers(1, 5))})
    assert record.points(raised).total >= record.points(rules).total


@PROPERTY
@given(records(), RULES)
def test_each_lesson_question_and_meeting_counts_once(record: Record, rules: ScoringRules) -> None:
    """The caps: a lesson earns at most its on-time points, a question at most one right answer, a meeting at most
    its best standing; lessons never delivered and review answers earn nothing."""
    modes = lesson_modes(record.delivered, record.checkins)
    tally, points = lesson_tally(modes), record.points(rules)
    assert tally.on_time + tally.makeup + tally.missed == tally.delivered == len(record.delivered)
    assert points.lessons == rules.on_time_checkin * tally.on_time + rules.makeup_checkin * tally.makeup
    questions = {(a.lesson_version_id, a.question_index) for a in record.answers
                 if a.lesson_version_id in record.delivered and a.mode is not ParticipationMode.REVIEW}
    assert points.quiz <= rules.right_answer * len(questions)
    best = max(rules.attended, rules.late, rules.excused + rules.meeting_makeup, rules.absent + rules.meeting_makeup)
    assert points.meetings <= best * len(record.meetings)
    delivered_only = Record(record.delivered, [c for c in record.checkins if c.lesson_version_id in record.delivered],
                            [a for a in record.answers if a.lesson_version_id in record.delivered
                             and a.mode is not ParticipationMode.REVIEW], record.meetings)
    assert delivered_only.points(rules) == points


@PROPERTY
@given(records(), st.sets(st.integers(1, 8)), st.data())
def test_points_are_the_sum_over_lessons_and_meetings(record: Record, first_half: set[int],
                                                      data: st.DataObject) -> None:
    """Split a record by lesson and meeting into two parts: its points are the sum of the parts' points."""
    split = data.draw(st.integers(0, len(record.meetings)))

    def part(lessons: set[int], meetings: list[Standing]) -> Points:
        return Record(record.delivered & lessons, [c for c in record.checkins if c.lesson_version_id in lessons],
                      [a for a in record.answers if a.lesson_version_id in lessons], meetings).points()

    second_half = set(range(1, 9)) - first_half
    a, b = part(first_half, record.meetings[:split]), part(second_half, record.meetings[split:])
    assert record.points() == Points(a.lessons + b.lessons, a.quiz + b.quiz, a.meetings + b.meetings)


@PROPERTY
@given(st.sampled_from(Status), st.booleans(), RULES)
def test_a_meeting_scores_by_its_standing_and_a_make_up_only_when_owed(status: Status, made_up: bool,
                                                                      rules: ScoringRules) -> None:
    """Attending or coming late earns the same with or without a 补学; on leave or absent, the 补学 adds its points."""
    owed = status in (Status.EXCUSED, Status.ABSENT)
    expected = rules.for_attendance(status) + (rules.meeting_makeup if owed and made_up else 0)
    assert score({}, [], [Standing(status, made_up)], rules) == Points(0, 0, expected)


@PROPERTY
@given(records())
def test_meeting_tallies_add_up(record: Record) -> None:
    """Every meeting is in exactly one standing; what is made up was owed, and what is still owed is not negative."""
    tally = meeting_tally(record.meetings)
    assert tally.attended + tally.late + tally.excused + tally.absent == len(record.meetings)
    assert 0 <= tally.made_up <= tally.excused + tally.absent and tally.to_make_up >= 0
