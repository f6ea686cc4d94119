"""补学 and the re-quiz of mistakes with the real bot: a member misses a group lesson, studies it in private from
/lessons, is credited as make-up, gets a wrong answer back after a day and closes it by answering right."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import telegram
from sqlalchemy import select

from lesson_bot.bot.chat_events import BranchChatEvents
from lesson_bot.bot.sender import TelegramSender
from lesson_bot.db.models import LessonDelivery, ParticipationEvent
from lesson_bot.delivery.dispatcher import Dispatcher, DispatcherConfig
from lesson_bot.delivery.planner import Planner, PlannerConfig
from lesson_bot.delivery.ratelimit import DeliveryLimiter, Limits
from lesson_bot.delivery.recorder import lesson_sent
from lesson_bot.domain.enums import ParticipationKind, ParticipationMode
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.lessons.review_ticks import ReviewTicker
from tests.support.bot import TIME_SCALE, Harness, registered_branch
from tests.support.engine import schedule_lesson_now

SLUG = "red-zunyi-conference"  # one text message and three quiz questions; answers (0-based) 1, 0, 2
RIGHT = (1, 0, 2)


@asynccontextmanager
async def engine(h: Harness) -> AsyncIterator[Dispatcher]:
    """The delivery engine's dispatcher as the service builds it (own Bot, lesson on-sent hook)."""
    services = h.services
    async with telegram.Bot(h.sb.token, base_url=h.sb.base_url, base_file_url=h.sb.base_file_url) as bot:
        yield Dispatcher(services.db, TelegramSender(bot, services.settings.media_dir),
                         DeliveryLimiter(Limits(time_scale=TIME_SCALE)), services.clock,
                         BranchChatEvents(services, bot), DispatcherConfig(backoff_s=0.05, backoff_max_s=0.5),
                         on_sent={"lesson": lesson_sent(services.clock)})


def clock(h: Harness) -> FixedClock:
    assert isinstance(h.services.clock, FixedClock)
    return h.services.clock


def later(h: Harness, delta: timedelta) -> None:
    clock(h).set(clock(h).now() + delta)


async def group_lesson(h: Harness, chat_id: int, slug: str = SLUG) -> int:
    """The lesson scheduled for now in the branch's group, planned and sent; its group delivery id."""
    await schedule_lesson_now(h.services, chat_id, slug)
    assert (await Planner(h.services.db, h.services.clock, PlannerConfig(), h.services.translator).tick()).planned == 1
    async with engine(h) as dispatcher:
        await dispatcher.settle()
    async with h.services.db.transaction() as s:
        return int((await s.execute(select(LessonDelivery.id).where(LessonDelivery.chat_id == chat_id)
                                    .order_by(LessonDelivery.id.desc()).limit(1))).scalar_one())


async def events(h: Harness, kind: ParticipationKind) -> list[ParticipationEvent]:
    async with h.services.db.transaction() as s:
        return list((await s.execute(select(ParticipationEvent).where(ParticipationEvent.kind == kind)
                                     .order_by(ParticipationEvent.id))).scalars())


async def vote(h: Harness, user: int, polls: list[dict[str, Any]], options: tuple[int, ...]) -> None:
    for message, option in zip(polls, options, strict=True):
        await h.control.vote(user, message["message_id"], user, [option])
    await h.barrier()


async def missed_setup(h: Harness) -> tuple[int, int, int]:
    """Li's branch with Bob on its roster and started in private; a lesson sent to the group that Bob does not
    check in to. (Li, Bob, group delivery id)."""
    li, bob = await h.user("Li"), await h.user("Bob")
    chat_id = await registered_branch(h, li, bob)
    await h.say(chat_id, bob, "/join")
    await h.start(bob)
    delivery = await group_lesson(h, chat_id)
    later(h, timedelta(days=1))
    return li, bob, delivery


async def make_up(h: Harness, bob: int) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Bob sends /lessons and taps the 补学 button: (the tap's answer, the text messages, the polls)."""
    [listing] = await h.say(bob, bob, "/lessons")
    button = listing["buttons"][0][0]
    before = await h.last_message_id(bob)
    answer = await h.tap(bob, listing["message_id"], bob, button["callback_data"])
    sent = await h.bot_messages(bob, before, 5)  # intro, the lesson's text, three polls
    return answer, [m for m in sent if "poll" not in m], [m for m in sent if "poll" in m]


async def test_a_missed_lesson_is_made_up_in_private_and_credited_as_make_up(harness: Harness) -> None:
    """/lessons lists the missed lesson; 补学 sends it to Bob in private with its check-in button and quiz; his
    check-in and answers are recorded as make-up (distinct from on time), and /lessons then shows it studied."""
    h = harness
    _li, bob, group_delivery = await missed_setup(h)
    [listing] = await h.say(bob, bob, "/lessons")
    assert listing["text"].startswith("你在第一党支部的课程")
    assert "尚未学习：1 课。" in listing["text"] and "遵义会议：生死攸关的转折点" in listing["text"]
    assert listing["buttons"][0][0]["callback_data"] == f"mk:start:{group_delivery}"
    assert listing["buttons"][0][0]["text"].startswith("补学：遵义会议")

    answer, texts, polls = await make_up(h, bob)
    assert answer["text"] == "正在把《遵义会议：生死攸关的转折点》发给你……"
    assert texts[0]["text"].startswith("📘 补学：遵义会议")
    checkin = texts[-1]["buttons"][0][0]
    assert checkin["text"] == "✅ 已学习" and checkin["callback_data"].startswith("ls:done:")
    assert [p["poll"]["type"] for p in polls] == ["quiz"] * 3 and not polls[0]["poll"]["is_anonymous"]

    tapped = await h.tap(bob, texts[-1]["message_id"], bob, checkin["callback_data"])
    assert tapped["text"].startswith("✅")
    await vote(h, bob, polls, (0, RIGHT[1], RIGHT[2]))  # the first one wrong
    [checked] = await events(h, ParticipationKind.LESSON_CHECKIN)
    assert (checked.mode, checked.delivery_id != group_delivery) == (ParticipationMode.MAKEUP, True)
    answers = await events(h, ParticipationKind.QUIZ_ANSWER)
    assert [(a.mode, a.question_index, a.correct) for a in answers] == [
        (ParticipationMode.MAKEUP, 0, False), (ParticipationMode.MAKEUP, 1, True), (ParticipationMode.MAKEUP, 2, True)]

    [after] = await h.say(bob, bob, "/lessons")
    assert "没有需要补学的课程" in after["text"]
    assert "已学：1 课（按时 0，补学 1）。" in after["text"] and "— 补学" in after["text"]
    assert after["buttons"] == []

    # The old button still works: the lesson again, said to be studied, with no button to check in twice.
    before = await h.last_message_id(bob)
    await h.tap(bob, listing["message_id"], bob, f"mk:start:{group_delivery}")
    intro, text, *again = await h.bot_messages(bob, before, 5)
    assert intro["text"].startswith("📘 再读一遍：遵义会议") and "你已学过这一课（补学）" in intro["text"]
    assert text["buttons"] == [] and len(again) == 3
    assert len(await events(h, ParticipationKind.LESSON_CHECKIN)) == 1
    assert h.unhandled() == []


async def test_a_missed_lesson_with_a_picture_is_made_up_with_its_picture(harness: Harness) -> None:
    """补学 of a lesson with media: the picture comes with it in private, as the file Telegram already has from the
    group's copy (the make-up used to fail before sending anything)."""
    h = harness
    li, bob = await h.user("Li"), await h.user("Bob")
    chat_id = await registered_branch(h, li, bob)
    await h.say(chat_id, bob, "/join")
    await h.start(bob)
    await group_lesson(h, chat_id, "fire-extinguisher-use")
    [group_photo] = [m for m in (await h.control.transcript(chat_id))["messages"] if "media" in m]
    [listing] = await h.say(bob, bob, "/lessons")
    before = await h.last_message_id(bob)
    await h.tap(bob, listing["message_id"], bob, listing["buttons"][0][0]["callback_data"])
    intro, text, photo, *polls = await h.bot_messages(bob, before, 7)  # intro, text, picture, four polls
    assert intro["text"].startswith("📘 补学：灭火器的使用") and text["buttons"][0][0]["text"] == "✅ 已学习"
    assert photo["media"] == group_photo["media"] and len(polls) == 4
    assert h.unhandled() == []


async def test_many_missed_lessons_are_paged(harness: Harness) -> None:
    """Six missed lessons: the newest five with their buttons and "较早 ▶"; the next page has the sixth."""
    h = harness
    li, bob = await h.user("Li"), await h.user("Bob")
    chat_id = await registered_branch(h, li, bob)
    await h.say(chat_id, bob, "/join")
    await h.start(bob)
    slugs = ["red-first-congress", "red-nanchang-uprising", "red-gutian-conference", "red-long-march",
             "fire-call-119", SLUG]
    for slug in slugs:
        await group_lesson(h, chat_id, slug)
        later(h, timedelta(minutes=1))
    [first] = await h.say(bob, bob, "/lessons")
    assert "尚未学习：6 课。" in first["text"] and "第 1/2 页" in first["text"]
    assert first["buttons"][-1] == [{"text": "较早 ▶", "callback_data": first["buttons"][-1][0]["callback_data"]}]
    assert len(first["buttons"]) == 6 and first["buttons"][0][0]["text"] == "补学：遵义会议：生死攸关的转折点"
    await h.tap(bob, first["message_id"], bob, first["buttons"][-1][0]["callback_data"])
    [page] = [m for m in (await h.control.transcript(bob))["messages"] if m["message_id"] == first["message_id"]]
    assert "第 2/2 页" in page["text"] and "中共一大" in page["buttons"][0][0]["text"]
    assert [b["text"] for b in page["buttons"][-1]] == ["◀ 较新"]
    assert h.unhandled() == []


async def test_a_wrong_answer_comes_back_after_a_day_and_a_right_one_closes_it(harness: Harness) -> None:
    """Bob's wrong make-up answer is not asked again before a day has passed; then the tick sends "🔁 复习" and the
    question's poll to his private chat; answering it right is recorded as review and closes it (/review: none)."""
    h = harness
    _li, bob, _group = await missed_setup(h)
    _answer, _texts, polls = await make_up(h, bob)
    await vote(h, bob, polls, (0, RIGHT[1], RIGHT[2]))
    ticker = ReviewTicker(h.services.db, h.services.clock, h.services.translator)
    later(h, timedelta(hours=23))
    assert await ticker.run() == 0
    later(h, timedelta(hours=1))
    assert await ticker.run() == 2
    before = await h.last_message_id(bob)
    async with engine(h) as dispatcher:
        await dispatcher.settle()
    intro, poll = await h.bot_messages(bob, before, 2)
    assert intro["text"] == "🔁 复习：《遵义会议：生死攸关的转折点》中你答错的 1 道题，再试一次："
    assert poll["poll"]["question"] == "遵义会议是在什么时间召开的？"
    assert await ticker.run() == 0  # sent once for this mistake

    await vote(h, bob, [poll], (RIGHT[0],))
    review = (await events(h, ParticipationKind.QUIZ_ANSWER))[-1]
    assert (review.mode, review.question_index, review.correct) == (ParticipationMode.REVIEW, 0, True)
    [nothing] = await h.say(bob, bob, "/review")
    assert nothing["text"] == "没有需要复习的错题。👍"
    later(h, timedelta(days=10))
    assert await ticker.run() == 0
    assert h.unhandled() == []


async def test_review_on_demand_asks_every_open_question_now(harness: Harness) -> None:
    """Right after two wrong answers, /review asks both again at once; a wrong answer there keeps it open."""
    h = harness
    _li, bob, _group = await missed_setup(h)
    _answer, _texts, polls = await make_up(h, bob)
    await vote(h, bob, polls, (0, 2, RIGHT[2]))
    [header, intro, *asked] = await h.say(bob, bob, "/review", replies=4)
    assert header["text"] == "🔁 你有 2 道错题，再做一次："
    assert intro["text"] == "🔁 复习：《遵义会议：生死攸关的转折点》中你答错的 2 道题，再试一次："
    assert [m["poll"]["question"] for m in asked] == [
        "遵义会议是在什么时间召开的？", "遵义会议集中解决了当时具有决定意义的哪两方面问题？"]
    await vote(h, bob, asked, (RIGHT[0], 1))
    reviews = [a for a in await events(h, ParticipationKind.QUIZ_ANSWER) if a.mode is ParticipationMode.REVIEW]
    assert [(a.question_index, a.correct) for a in reviews] == [(0, True), (1, False)]
    [again, _intro, left] = await h.say(bob, bob, "/review", replies=3)
    assert again["text"] == "🔁 你有 1 道错题，再做一次：" and left["poll"]["question"].startswith("遵义会议集中解决")
    assert h.unhandled() == []


async def test_someone_elses_makeup_button_is_refused(harness: Harness) -> None:
    """A 补学 button reaching Carol, who joined the branch after the lesson was sent, is refused with a clear alert
    and makes no delivery; in the group, /lessons points to the private chat."""
    h = harness
    _li, bob, group_delivery = await missed_setup(h)
    carol = await h.user("Carol")
    await h.start(carol)
    async with h.services.db.transaction() as s:
        delivery = await s.get(LessonDelivery, group_delivery)
        assert delivery is not None
        group_chat = delivery.chat_id
    await h.control.add_member(group_chat, carol)
    await h.say(group_chat, carol, "/join")
    # A nudge-like message carrying Bob's kind of 补学 button, in Carol's private chat.
    async with telegram.Bot(h.sb.token, base_url=h.sb.base_url, base_file_url=h.sb.base_file_url) as bot:
        nudge = await bot.send_message(carol, "补学提醒", reply_markup=telegram.InlineKeyboardMarkup(
            [[telegram.InlineKeyboardButton("补学", callback_data=f"mk:start:{group_delivery}")]]))
    refused = await h.tap(carol, nudge.message_id, carol, f"mk:start:{group_delivery}")
    assert refused["show_alert"] is True
    assert refused["text"] == "《遵义会议：生死攸关的转折点》不是发给你的：发送时你不在该支部，因此无需补学。"
    async with h.services.db.transaction() as s:
        modes = (await s.execute(select(LessonDelivery.mode))).scalars().all()
    assert modes == [ParticipationMode.ON_TIME]
    [pointer] = await h.say(group_chat, bob, "/lessons")
    assert pointer["text"].startswith("课程和错题复习在私聊中查看")
    assert pointer["buttons"][0][0]["url"].startswith("https://t.me/")
    assert h.unhandled() == []
