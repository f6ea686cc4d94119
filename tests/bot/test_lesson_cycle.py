"""A lesson's life in the group with the real bot: it arrives, members tap "✅ 已学习" and answer the quiz, the
count on the button follows; strangers join the roster, a copied button elsewhere is refused.

The bot (python-telegram-bot Application, polling; and once in webhook mode) handles the taps and answers; the
delivery engine's parts (planner, dispatcher with the lesson hook, count ticker) send through their own Bot.
"""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from lesson_bot.bootstrap.app import Overrides, build_app
from lesson_bot.config import load_settings
from lesson_bot.db.models import Membership, ParticipationEvent
from lesson_bot.domain.enums import ParticipationKind
from lesson_bot.domain.messages import from_payload
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.views import Person
from tests.support import REPO_ROOT
from tests.support.bot import Harness, registered_branch
from tests.support.engine import lesson_engine, lesson_message, send_lesson_now
from tgsandbox import run_sandbox
from tgsandbox.limits import FloodConfig


async def test_members_check_in_answer_and_see_the_count(harness: Harness) -> None:
    """Zhao's tap is recorded (1/2), his second tap is "already"; Sun, in the group but not on the roster, taps
    and joins it (2/3); both answer the first quiz; the button then reads "✅ 已学习 2/3"."""
    h = harness
    li, zhao, sun = await h.user("Li"), await h.user("Zhao"), await h.user("Sun")
    chat_id = await registered_branch(h, li, zhao, sun, bot_admin=False)
    await h.control.send(chat_id, zhao, "收到")  # Zhao is on the roster; Sun never wrote
    await h.barrier()
    async with lesson_engine(h.sb, h.services) as engine:
        delivery_id = await send_lesson_now(h.services, engine, chat_id)
        lesson = await lesson_message(h.sb, chat_id)
        data = f"ls:done:{delivery_id}"
        assert lesson["buttons"][0][0] == {"text": "✅ 已学习", "callback_data": data}
        first = await h.tap(chat_id, lesson["message_id"], zhao, data)
        assert first["text"] == "✅ 已记录：你已学习本课（目前 1/2）。"
        again = await h.tap(chat_id, lesson["message_id"], zhao, data)
        assert again["text"] == "已记录过：你此前已为本课打卡（目前 1/2）。"
        joined = await h.tap(chat_id, lesson["message_id"], sun, data)
        assert joined["text"] == "✅ 已记录：你已学习本课（目前 2/3）。"
        polls = [m for m in (await h.control.transcript(chat_id))["messages"] if "poll" in m]
        right = polls[0]["poll"]["correct_option_ids"][0]
        await h.control.vote(chat_id, polls[0]["message_id"], zhao, [right])
        await h.control.vote(chat_id, polls[0]["message_id"], sun, [(right + 1) % 3])
        await h.barrier()
        assert await engine.ticker.tick() == 1
        await engine.dispatcher.settle()
        assert (await lesson_message(h.sb, chat_id))["buttons"][0][0]["text"] == "✅ 已学习 2/3"
    async with h.services.db.transaction() as s:
        events = (await s.execute(select(ParticipationEvent).order_by(ParticipationEvent.id))).scalars().all()
        on_roster = (await s.execute(select(Membership).where(Membership.member_id == events[-1].member_id))).scalar()
    assert [(e.kind, e.correct) for e in events] == [
        (ParticipationKind.LESSON_CHECKIN, None), (ParticipationKind.LESSON_CHECKIN, None),
        (ParticipationKind.QUIZ_ANSWER, True), (ParticipationKind.QUIZ_ANSWER, False)]
    assert on_roster is not None and h.unhandled() == []


async def test_a_button_copied_into_another_group_is_refused(harness: Harness) -> None:
    """The same check-in button in another group (a copied keyboard) answers with an alert; nothing is recorded."""
    h = harness
    li, zhao = await h.user("Li"), await h.user("Zhao")
    chat_id = await registered_branch(h, li, zhao)
    other = int((await h.control.create_group("别的群", [zhao]))["chat_id"])
    async with lesson_engine(h.sb, h.services) as engine:
        delivery_id = await send_lesson_now(h.services, engine, chat_id)
        keyboard = {"inline_keyboard": (await lesson_message(h.sb, chat_id))["buttons"]}
        copy = await engine.sender.send(other, from_payload({"method": "sendMessage", "params": {
            "text": "转发的课程", "reply_markup": keyboard}}))
        assert copy.message_id is not None
        answer = await h.tap(other, copy.message_id, zhao, f"ls:done:{delivery_id}")
    assert answer["show_alert"] is True
    assert "另一个群" in answer["text"]
    async with h.services.db.transaction() as s:
        assert (await s.execute(select(ParticipationEvent))).first() is None


async def test_in_webhook_mode_the_tap_is_answered(sqlite_template: Path, tmp_path: Path) -> None:
    """Behind the webhook (Starlette app, secret token) a member's check-in is recorded and answered once; the
    handler answers through bot/webhook_reply.py, which puts the answer in the HTTP reply when it can."""
    db_file = tmp_path / "hook.db"
    db_file.write_bytes(sqlite_template.read_bytes())
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    async with run_sandbox(flood=FloodConfig(enabled=False)) as sb:
        settings = load_settings(database_url=f"sqlite+aiosqlite:///{db_file}", content_dir=REPO_ROOT / "content",
                                 bot_api_base_url=sb.base_url.removesuffix("/bot"),
                                 webhook_url=f"http://127.0.0.1:{port}/telegram/webhook", webhook_secret="s3cret",
                                 bot_token=sb.token, db_upgrade_on_start=False)
        system = build_app(settings, Overrides(clock=FixedClock(datetime(2026, 12, 1, 2, 0, tzinfo=UTC)),
                                               time_scale=60, start_engine=False, signals=False))
        services = system.services
        async with system:
            server = system.web_server()
            serving = asyncio.create_task(server.serve(sockets=[sock]))
            try:
                while not server.started:  # the lifespan started the bot, loaded the library, set the webhook
                    await asyncio.sleep(0.01)
                li = (await sb.control.create_user("Li"))["id"]
                chat_id = int((await sb.control.create_group("一支部群", [li]))["chat_id"])
                await services.branches.register(Person(li, "Li"), chat_id, "一支部", "Asia/Shanghai", "zh-Hans",
                                                 is_group_admin=True)
                async with lesson_engine(sb, services) as engine:
                    delivery_id = await send_lesson_now(services, engine, chat_id)
                lesson = await lesson_message(sb, chat_id)
                pressed = await sb.control.press(chat_id, lesson["message_id"], li, data=f"ls:done:{delivery_id}")
                answer = await sb.control.wait_callback_answered(pressed["callback_query_id"])
                assert answer["text"] == "✅ 已记录：你已学习本课（目前 1/1）。"
                assert (await sb.control.counters())["requests"].get("answerCallbackQuery") == 1  # answered once
            finally:
                server.should_exit = True
                await serving
                sock.close()


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
