"""补学: which lessons a member missed, and a make-up delivery of one of them in private."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lesson_bot.db.models import LessonDelivery, QuizPoll
from lesson_bot.domain.enums import ParticipationMode
from lesson_bot.domain.messages import Sent
from lesson_bot.services.errors import NotFound
from lesson_bot.services.lessons.makeup import PAGE, MakeupService, NotConcerned
from tests.support.makeup import (
    GROUP,
    answered,
    checked_in,
    deliver_to_group,
    session_member_id,
    setup_branch,
)
from tests.support.progress import BOB, CAROL
from tests.support.services import Services

BUTTON = "✅ 已学习"


async def test_missed_lessons_are_those_sent_while_on_the_roster_and_not_checked_in(services: Services) -> None:
    """Bob joined after the first lesson: it is not his to make up. Of the two sent since, the one he checked in
    to is listed as studied on time, the other as missed with its 补学 delivery id."""
    branch_id = await setup_branch(services)
    t0 = services.clock.now()
    await deliver_to_group(services, branch_id, "red-first-congress", t0 - timedelta(days=3))
    await services.roster.seen(GROUP, BOB)
    studied = await deliver_to_group(services, branch_id, "red-nanchang-uprising", t0 + timedelta(hours=1))
    missed = await deliver_to_group(services, branch_id, "red-zunyi-conference", t0 + timedelta(days=1))
    await checked_in(services, BOB, studied, t0 + timedelta(hours=2))
    services.clock.set(t0 + timedelta(days=2))
    [branch] = await MakeupService(services.db, services.clock).lessons(BOB.telegram_user_id)
    assert branch.title == "一支部"
    assert [(line.delivery_id, line.title, line.studied) for line in branch.missed] == [
        (missed, "遵义会议：生死攸关的转折点", None)]
    assert [(line.delivery_id, line.studied) for line in branch.done] == [(studied, ParticipationMode.ON_TIME)]
    assert (branch.on_time, branch.makeup, branch.missed_total) == (1, 0, 1)


async def test_a_checkin_from_any_delivery_of_the_version_counts(services: Services) -> None:
    """A make-up check-in (another delivery of the same lesson) makes it studied as make-up, not missed."""
    branch_id = await setup_branch(services)
    await services.roster.seen(GROUP, BOB)
    t0 = services.clock.now()
    group = await deliver_to_group(services, branch_id, "red-zunyi-conference", t0 + timedelta(hours=1))
    services.clock.set(t0 + timedelta(days=1))
    makeup = MakeupService(services.db, services.clock)
    lesson = await makeup.start(BOB, group, BUTTON)
    await checked_in(services, BOB, lesson.delivery_id, t0 + timedelta(days=1))
    [branch] = await makeup.lessons(BOB.telegram_user_id)
    assert branch.missed == () and [line.studied for line in branch.done] == [ParticipationMode.MAKEUP]
    assert (branch.on_time, branch.makeup) == (0, 1)


async def test_missed_lessons_are_paginated_newest_first(services: Services) -> None:
    """Seven missed lessons: the first page has the newest five, the second page the other two."""
    branch_id = await setup_branch(services)
    await services.roster.seen(GROUP, BOB)
    t0 = services.clock.now()
    slugs = ["red-first-congress", "red-nanchang-uprising", "red-gutian-conference", "red-long-march",
             "red-zunyi-conference", "fire-call-119", "fire-team-oath"]
    ids = [await deliver_to_group(services, branch_id, slug, t0 + timedelta(hours=i + 1))
           for i, slug in enumerate(slugs)]
    makeup = MakeupService(services.db, services.clock)
    [first] = await makeup.lessons(BOB.telegram_user_id)
    assert (first.page, first.pages, first.missed_total) == (0, 2, 7)
    assert [line.delivery_id for line in first.missed] == ids[::-1][:PAGE]
    second = await makeup.branch_lessons(BOB.telegram_user_id, branch_id, 1)
    assert [line.delivery_id for line in second.missed] == ids[::-1][PAGE:]
    with pytest.raises(NotFound):
        await makeup.branch_lessons(CAROL.telegram_user_id, branch_id, 0)


async def test_a_makeup_delivery_is_private_and_carries_the_whole_lesson(services: Services) -> None:
    """补学 makes a make-up delivery for Bob's private chat with the lesson's text, then its three quiz polls."""
    branch_id = await setup_branch(services)
    await services.roster.seen(GROUP, BOB)
    group = await deliver_to_group(services, branch_id, "red-zunyi-conference",
                                   services.clock.now() + timedelta(hours=1))
    lesson = await MakeupService(services.db, services.clock).start(BOB, group, BUTTON)
    assert lesson.chat_id == BOB.telegram_user_id and lesson.already is None
    payloads = [p.to_payload() for p in lesson.parts]
    methods = [p["method"] for p in payloads]
    assert methods[0] == "sendMessage" and methods[-3:] == ["sendPoll"] * 3
    assert "遵义会议" in payloads[0]["params"]["text"]
    texts = [p for p in payloads if p["method"] == "sendMessage"]
    assert texts[-1]["params"]["reply_markup"]["inline_keyboard"][0][0] == {
        "text": BUTTON, "callback_data": f"ls:done:{lesson.delivery_id}"}
    async with services.db.transaction() as s:
        row = await s.get(LessonDelivery, lesson.delivery_id)
        assert row is not None
        assert (row.mode, row.member_id, row.chat_id, row.branch_id, row.delivered_at) == (
            ParticipationMode.MAKEUP, await session_member_id(s, BOB), BOB.telegram_user_id, branch_id, None)


async def test_recording_what_was_sent_makes_the_quiz_answerable(services: Services) -> None:
    """After the parts are sent, the delivery has its time and button message, and each poll maps back to its
    question and correct option."""
    branch_id = await setup_branch(services)
    await services.roster.seen(GROUP, BOB)
    group = await deliver_to_group(services, branch_id, "red-zunyi-conference",
                                   services.clock.now() + timedelta(hours=1))
    makeup = MakeupService(services.db, services.clock)
    lesson = await makeup.start(BOB, group, BUTTON)
    payloads = [p.to_payload() for p in lesson.parts]
    sent = [Sent(100 + i, {"poll_id": f"poll-{i}"} if p["method"] == "sendPoll" else {})
            for i, p in enumerate(payloads)]
    await makeup.record_sent(list(zip(lesson.parts, sent, strict=True)))
    button_at = max(i for i, p in enumerate(payloads) if p["method"] == "sendMessage")
    async with services.db.transaction() as s:
        row = await s.get(LessonDelivery, lesson.delivery_id)
        assert row is not None and row.delivered_at == services.clock.now() and row.message_id == 100 + button_at
        polls = (await s.execute(select(QuizPoll).order_by(QuizPoll.question_index))).scalars().all()
    assert [(p.delivery_id, p.question_index, p.correct_option) for p in polls] == [
        (lesson.delivery_id, 0, 1), (lesson.delivery_id, 1, 0), (lesson.delivery_id, 2, 2)]


async def test_studying_again_after_a_checkin_is_allowed_and_says_so(services: Services) -> None:
    """A member who checked in gets the lesson again, marked as already studied (on time), without a check-in
    button (no second credit) but with its quiz."""
    branch_id = await setup_branch(services)
    await services.roster.seen(GROUP, BOB)
    group = await deliver_to_group(services, branch_id, "red-zunyi-conference",
                                   services.clock.now() + timedelta(hours=1))
    await checked_in(services, BOB, group, services.clock.now() + timedelta(hours=2))
    lesson = await MakeupService(services.db, services.clock).start(BOB, group, BUTTON)
    assert lesson.already is ParticipationMode.ON_TIME
    payloads = [p.to_payload() for p in lesson.parts]
    assert not any("reply_markup" in p["params"] for p in payloads)  # nothing to check in to again
    assert [p["method"] for p in payloads].count("sendPoll") == 3


async def test_someone_not_in_the_branch_at_the_time_is_refused(services: Services) -> None:
    """Carol, who joined after the lesson was sent, and a delivery id that does not exist: refused, and no
    delivery is made."""
    branch_id = await setup_branch(services)
    group = await deliver_to_group(services, branch_id, "red-zunyi-conference",
                                   services.clock.now() + timedelta(hours=1))
    services.clock.set(services.clock.now() + timedelta(hours=2))
    await services.roster.seen(GROUP, CAROL)  # joined after the lesson was sent
    makeup = MakeupService(services.db, services.clock)
    with pytest.raises(NotConcerned) as refused:
        await makeup.start(CAROL, group, BUTTON)
    assert refused.value.title == "遵义会议：生死攸关的转折点"
    with pytest.raises(NotFound):
        await makeup.start(CAROL, group + 1000, BUTTON)
    async with services.db.transaction() as s:
        modes = (await s.execute(select(LessonDelivery.mode))).scalars().all()
    assert modes == [ParticipationMode.ON_TIME]


async def test_answers_do_not_make_a_lesson_studied(services: Services) -> None:
    """Only a check-in makes a lesson studied: quiz answers alone leave it missed."""
    branch_id = await setup_branch(services)
    await services.roster.seen(GROUP, BOB)
    group = await deliver_to_group(services, branch_id, "red-zunyi-conference",
                                   services.clock.now() + timedelta(hours=1))
    await answered(services, BOB, group, 0, right=True, at=services.clock.now() + timedelta(hours=2))
    [branch] = await MakeupService(services.db, services.clock).lessons(BOB.telegram_user_id)
    assert [line.delivery_id for line in branch.missed] == [group]
