"""Meeting 补学 in the scoring rules: credited like a lesson's make-up (1 point), below attending, and only for a
meeting the member was excused from or missed."""

from __future__ import annotations

from lesson_bot.domain.attendance import Status
from lesson_bot.domain.scoring import ScoringRules, Standing, meeting_tally, score


def test_a_made_up_meeting_earns_one_point_and_keeps_its_standing() -> None:
    """Absent + made up and on leave + made up earn 1 each (late earns 2); they stay absent and on leave in the
    tally; the one absence not made up is still to make up."""
    meetings = [Standing(Status.ABSENT, made_up=True), Standing(Status.EXCUSED, made_up=True),
                Standing(Status.ABSENT), Standing(Status.LATE)]
    tally = meeting_tally(meetings)
    assert (tally.attended, tally.late, tally.excused, tally.absent) == (0, 1, 1, 2)
    assert (tally.made_up, tally.to_make_up) == (2, 1)
    assert score({}, [], meetings, ScoringRules()).meetings == 2 + 1 + 1
    assert score({}, [], meetings, ScoringRules(meeting_makeup=0)).meetings == 2


def test_a_make_up_flag_on_a_meeting_attended_counts_for_nothing() -> None:
    """Someone present who also studied the minutes has nothing to make up: 3 points, no make-up counted."""
    meetings = [Standing(Status.PRESENT, made_up=True)]
    assert meeting_tally(meetings).made_up == 0 and meeting_tally(meetings).to_make_up == 0
    assert score({}, [], meetings, ScoringRules()).meetings == 3
    assert score({}, [], [Status.PRESENT, Status.ABSENT], ScoringRules()).meetings == 3  # plain standings still work
