"""/me and /progress figures from a scripted branch: check-ins on time and as make-up, first answers, a meeting."""

from __future__ import annotations

from lesson_bot.domain.scoring import ScoringRules
from lesson_bot.services.lessons.progress import ProgressService
from tests.support.progress import (
    BOB,
    CAROL,
    DAN,
    EVE,
    GROUP,
    SEC,
    scenario,
)
from tests.support.services import Services


async def test_progress_shows_checkins_questions_and_who_is_missing(services: Services) -> None:
    """The latest lesson: 2 of 4 studied (1 on time, 1 make-up); per question the first answers and the most chosen
    wrong option; Li and Dan missing; Eve, who joined later, is not expected; the earlier lesson is offered."""
    story = await scenario(services)
    view = await ProgressService(services.db, services.clock, services.access, ScoringRules()).lesson_progress(
        SEC.telegram_user_id, story.branch_id)
    assert view.delivery is not None and view.delivery.id == story.lesson.delivery_id
    assert view.delivery.title == "中共一大：开天辟地的大事变"
    assert (view.expected, view.studied, view.on_time, view.makeup) == (4, 2, 1, 1)
    assert [(q.answered, q.right) for q in view.questions] == [(2, 1), (2, 1), (1, 1)]
    assert view.questions[0].top_wrong == story.lesson.options[0][(story.lesson.correct[0] + 1) % 4] == "广州"
    assert view.questions[1].top_wrong == "上海黄浦江上的一艘轮船" and view.questions[2].top_wrong is None
    assert view.missing == ("李书记", "Dan")
    assert [ref.id for ref in view.earlier] == [story.earlier.delivery_id]
    older = await ProgressService(services.db, services.clock, services.access, ScoringRules()).lesson_progress(
        SEC.telegram_user_id, story.branch_id, story.earlier.delivery_id)
    assert (older.studied, older.expected, older.questions[0].answered) == (0, 4, 0)


async def test_me_counts_lessons_quiz_meetings_and_points(services: Services) -> None:
    """Bob: 2 lessons, 1 on time, 1 missed; 2/3 first answers right; late at the meeting: 2 + 2 + 2 = 6 points.
    Carol: 1 make-up; 1/2 first answers right (her make-up re-answer does not count); on leave: 1 + 1 = 2."""
    await scenario(services)
    progress = ProgressService(services.db, services.clock, services.access, ScoringRules())
    bob = await progress.me(BOB.telegram_user_id)
    assert bob is not None and not bob.reachable
    [record] = bob.branches
    assert (record.lessons.delivered, record.lessons.on_time, record.lessons.makeup, record.lessons.missed) == (
        2, 1, 0, 1)
    assert (record.quiz.answered, record.quiz.right) == (3, 2)
    assert (record.meetings.attended, record.meetings.late, record.meetings.excused, record.meetings.absent) == (
        0, 1, 0, 0)
    assert (record.points.lessons, record.points.quiz, record.points.meetings, record.points.total) == (2, 2, 2, 6)
    carol = await progress.me(CAROL.telegram_user_id)
    assert carol is not None
    [mine] = carol.branches
    assert (mine.lessons.makeup, mine.quiz.answered, mine.quiz.right, mine.meetings.excused) == (1, 2, 1, 1)
    assert mine.points.total == 2
    eve = await progress.me(EVE.telegram_user_id)
    # Eve joined after both lessons (none counts for her) but before the meeting, which she missed.
    assert eve is not None and eve.branches[0].lessons.delivered == 0 and eve.branches[0].meetings.absent == 1
    dan = await progress.me(DAN.telegram_user_id)
    assert dan is not None and dan.branches[0].meetings.absent == 1 and dan.branches[0].points.total == 0
    assert await progress.me(999_999) is None


async def test_progress_before_any_lesson_says_so(services: Services) -> None:
    """A branch with nothing delivered yet: no lesson, nobody missing."""
    branch = await services.branches.register(SEC, GROUP, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    view = await ProgressService(services.db, services.clock, services.access, ScoringRules()).lesson_progress(
        SEC.telegram_user_id, branch.id)
    assert view.delivery is None and view.missing == ()
