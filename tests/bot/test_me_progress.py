"""/me and /progress in the real bot: the figures of a scripted lesson, in private and in the group."""

from __future__ import annotations

from datetime import timedelta

from lesson_bot.services.clock import FixedClock
from lesson_bot.services.views import Person
from tests.support.bot import Harness, registered_branch
from tests.support.progress import deliver_lesson


async def _lesson_studied_by_bob(h: Harness) -> tuple[int, int, int, int, int]:
    """Li's branch with Bob (started the bot) and Carol; an earlier lesson, then one Bob studied and answered
    (right, wrong, right) and Carol answered wrong first."""
    li, bob, carol = await h.user("Li"), await h.user("Bob"), await h.user("Carol")
    chat_id = await registered_branch(h, li, bob, carol)
    for user in (bob, carol):
        await h.control.send(chat_id, user, "到")
    await h.start(bob)
    await h.barrier()
    branch = await h.services.branches.by_chat(chat_id)
    assert branch is not None
    now = h.services.clock.now()
    earlier = await deliver_lesson(h.services.db, branch.id, chat_id, "red-nanchang-uprising", now + timedelta(hours=1))
    lesson = await deliver_lesson(h.services.db, branch.id, chat_id, "red-first-congress", now + timedelta(hours=2))
    assert isinstance(h.services.clock, FixedClock)
    h.services.clock.set(now + timedelta(hours=3))
    recorder = h.services.participation
    bob_person, carol_person = Person(bob, "Bob", "bob"), Person(carol, "Carol", "carol")
    await recorder.record_checkin(lesson.delivery_id, chat_id, bob_person)
    for index, right in enumerate(lesson.correct):
        await recorder.record_answer(lesson.polls[index], bob_person, [right if index != 1 else (right + 1) % 3])
    await recorder.record_answer(lesson.polls[0], carol_person, [(lesson.correct[0] + 1) % 4])
    return chat_id, li, bob, carol, earlier.delivery_id


async def test_a_secretary_reads_the_latest_lesson_and_an_earlier_one(harness: Harness) -> None:
    """/progress in the group: 1 of 3 studied, each question's first answers and most chosen wrong option, who is
    missing; the earlier lesson's button shows that one; a member is refused."""
    chat_id, li, bob, _carol, earlier = await _lesson_studied_by_bob(harness)
    [report] = await harness.say(chat_id, li, "/progress")
    text = report["text"]
    assert text.startswith("“中共一大：开天辟地的大事变”（第一党支部，2026-12-01 12:00 发送）")
    assert "已学习：1/3（按时 1，补学 0）" in text
    assert "1. 1921年7月，中国共产党第一次全国代表大会在哪座城市开幕？\n    答对 1/2；选错最多：“广州”（1 人）" in text
    assert ("2. 中共一大最后一天的会议转移到了哪里举行？\n"
            "    答对 0/1；选错最多：“上海黄浦江上的一艘轮船”（1 人）") in text
    assert "未学习（2）：Li、Carol" in text
    [button] = report["buttons"][0]
    assert button["text"] == "12-01 南昌起义：打响第一枪"
    branch = await harness.services.branches.by_chat(chat_id)
    assert branch is not None
    assert button["callback_data"] == f"prog:show:{branch.id}:{earlier}"
    await harness.tap(chat_id, report["message_id"], li, button["callback_data"])
    [older] = await harness.bot_messages(chat_id, report["message_id"])
    assert older["text"].startswith("“南昌起义：打响第一枪”") and "已学习：0/3（按时 0，补学 0）" in older["text"]
    [refused] = await harness.say(chat_id, bob, "/progress")
    assert refused["text"] == "抱歉，只有本支部书记或管理员可以执行此操作。"


async def test_me_goes_to_private_with_the_members_figures(harness: Harness) -> None:
    """Bob's /me in the group: a one-line answer there, his record in private (1 of 2 on time, 2/3 right, 4 points).
    Carol, who never started the bot, is asked to start it first; Li reads /me in private."""
    chat_id, li, bob, carol, _earlier = await _lesson_studied_by_bob(harness)
    before = await harness.last_message_id(bob)
    [short] = await harness.say(chat_id, bob, "/me")
    assert short["text"] == "已私信发给你。"
    [record] = await harness.bot_messages(bob, before)
    assert record["text"].startswith("Bob 的学习记录")
    assert "课程：共发 2 课，按时学习 1，补学 0，未学 1" in record["text"]
    assert "测验：首次作答答对 2/3（67%）；复习答对 0/0" in record["text"]
    assert "积分：4（课程 2 + 测验 2 + 会议 0）" in record["text"]
    [ask] = await harness.say(chat_id, carol, "/me")
    assert "请先私聊启动我" in ask["text"] and ask["buttons"][0][0]["url"].startswith("https://t.me/")
    await harness.start(li)
    [own] = await harness.say(li, li, "/me")
    assert "课程：共发 2 课，按时学习 0，补学 0，未学 2" in own["text"]
