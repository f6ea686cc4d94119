"""Bulk taps and votes in one control call, and how long each tap waited for the bot's answer."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator

import pytest
import telegram
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.sandbox import Branch, drain
from tgsandbox import ControlApiError, Sandbox
from tgsandbox.latency import AnswerTimes, percentile

KEYBOARD = {"inline_keyboard": [[{"text": "已学习", "callback_data": "ls:done:1"}]]}


async def _lesson(bot: telegram.Bot, chat_id: int) -> tuple[int, str, int]:
    """A lesson message with a check-in button and a quiz: (message id, poll id, poll message id)."""
    markup = telegram.InlineKeyboardMarkup.de_json(KEYBOARD, bot)
    message = await bot.send_message(chat_id, "第一课", reply_markup=markup)
    quiz = await bot.send_poll(chat_id, "Q?", ["a", "b"], type="quiz", correct_option_ids=[1], is_anonymous=False)
    assert quiz.poll is not None
    return message.message_id, quiz.poll.id, quiz.message_id


async def test_bulk_press_queues_every_tap_in_order_and_reports_refused_ones(
    bot: telegram.Bot, branch: Branch, sb: Sandbox
) -> None:
    """One call taps for many members: each tap is a callback_query in order; a stranger's tap is refused alone."""
    message_id, _, _ = await _lesson(bot, branch.chat_id)
    stranger = (await sb.control.create_user("Stranger"))["id"]
    await drain(bot)
    people = [branch.secretary, *branch.members]
    taps: list[list[int | str]] = [[branch.chat_id, message_id, user, "ls:done:1"] for user in people]
    taps.insert(1, [branch.chat_id, message_id, stranger, "ls:done:1"])
    taps.append([branch.chat_id, message_id, branch.secretary, "no:such:button"])
    result = await sb.control.press_many(taps)
    assert result["queued"] == 3
    assert [(r["index"], r["status"]) for r in result["refused"]] == [(1, 409), (4, 404)]
    updates = await drain(bot)
    queries = [u.callback_query for u in updates if u.callback_query]
    assert [q.from_user.id for q in queries] == people
    assert [q.id for q in queries] == result["callback_query_ids"]
    assert {q.data for q in queries} == {"ls:done:1"}


async def test_bulk_vote_answers_quizzes_for_many_members(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """One call votes for many members: each vote is a poll_answer, counted in the poll; bad votes refused alone."""
    _, poll_id, poll_message = await _lesson(bot, branch.chat_id)
    await drain(bot)
    votes = [[poll_id, branch.secretary, [1]], [poll_id, branch.members[0], [0]], ["404", branch.members[1], [0]],
             [poll_id, branch.members[1], [7]]]
    result = await sb.control.vote_many(votes)
    assert result["queued"] == 2
    assert [(r["index"], r["status"]) for r in result["refused"]] == [(2, 404), (3, 400)]
    answers = [u.poll_answer for u in await drain(bot) if u.poll_answer]
    assert [(a.user.id, list(a.option_ids)) for a in answers if a.user] == [(branch.secretary, [1]),
                                                                          (branch.members[0], [0])]
    poll = next(m["poll"] for m in (await sb.control.transcript(branch.chat_id))["messages"]
                if m["message_id"] == poll_message)
    assert [option["votes"] for option in poll["options"]] == [1, 1]


async def test_bulk_calls_refuse_a_malformed_body(sb: Sandbox) -> None:
    """A body without a list of taps is refused as a whole with 400."""
    with pytest.raises(ControlApiError) as refused:
        await sb.control._request("POST", "/bulk/press", {"taps": "all of them"})
    assert refused.value.status == 400


async def test_answer_times_count_taps_answered_by_request(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """Each tap's wait is measured until the bot answers it; unanswered taps are counted, not sampled."""
    message_id, _, _ = await _lesson(bot, branch.chat_id)
    await drain(bot)
    await sb.control.reset_answer_times()
    people = [branch.secretary, *branch.members]
    ids = (await sb.control.press_many([[branch.chat_id, message_id, u, "ls:done:1"] for u in people]))[
        "callback_query_ids"]
    before = await sb.control.answer_times()
    assert (before["answered"], before["unanswered"], before["p99_ms"]) == (0, 3, None)
    for query_id in ids[:2]:
        await bot.answer_callback_query(query_id, "已记录")
    after = await sb.control.answer_times(samples=True)
    assert (after["answered"], after["unanswered"]) == (2, 1)
    assert len(after["samples_ms"]) == 2 and all(sample >= 0 for sample in after["samples_ms"])
    assert after["p50_ms"] <= after["p99_ms"] == after["max_ms"]
    assert after["first_tap"] <= after["last_answer"]
    with pytest.raises(ControlApiError) as waited:
        await sb.control.wait_answers(timeout=0.2)
    assert waited.value.status == 408
    await bot.answer_callback_query(ids[2])
    assert (await sb.control.wait_answers(count=3))["answered"] == 3
    reset = await sb.control.reset_answer_times()
    assert (reset["answered"], reset["unanswered"]) == (0, 0)


class _Receiver(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@pytest.fixture
async def answering_webhook(sb: Sandbox, bot: telegram.Bot) -> AsyncIterator[None]:
    """A webhook that answers every tap in its HTTP reply (no request of its own)."""

    async def hook(request: Request) -> Response:
        update = await request.json()
        if "callback_query" in update:
            return JSONResponse({"method": "answerCallbackQuery", "callback_query_id": update["callback_query"]["id"],
                                 "text": "已记录"})
        return Response()

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = _Receiver(uvicorn.Config(Starlette(routes=[Route("/hook", hook, methods=["POST"])]),
                                      log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    await bot.set_webhook(f"http://127.0.0.1:{sock.getsockname()[1]}/hook")
    try:
        yield
    finally:
        await bot.delete_webhook()
        server.should_exit = True
        await serving
        sock.close()


async def test_answer_times_count_answers_in_the_webhook_reply(
    bot: telegram.Bot, branch: Branch, sb: Sandbox, answering_webhook: None
) -> None:
    """Taps answered through the webhook's HTTP reply are measured too, and the tap sees the bot's text."""
    message_id, _, _ = await _lesson(bot, branch.chat_id)
    await sb.control.reset_answer_times()
    people = [branch.secretary, *branch.members]
    ids = (await sb.control.press_many([[branch.chat_id, message_id, u, "ls:done:1"] for u in people]))[
        "callback_query_ids"]
    report = await sb.control.wait_answers(count=3)
    assert (report["answered"], report["unanswered"]) == (3, 0)
    assert (await sb.control.callback(ids[0]))["answer"]["text"] == "已记录"
    assert (await sb.control.counters())["requests"].get("answerCallbackQuery") == 3


def test_percentile_is_nearest_rank() -> None:
    """p99 of 1..100 is 99, p50 is 50, the maximum is the last; nothing measured gives None."""
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 0.99), percentile(values, 0.5), percentile(values, 1.0)) == (99.0, 50.0, 100.0)
    assert percentile([], 0.99) is None


def test_answers_to_taps_made_before_a_reset_are_not_sampled() -> None:
    """A reset starts a clean measurement: an older tap answered later neither counts nor stays unanswered."""
    ticks = iter([1.0, 2.0, 2.5])
    times = AnswerTimes(clock=lambda: next(ticks))
    times.tapped("old")
    times.reset()
    times.tapped("new")
    times.answered("old")
    times.answered("new")
    report = times.report(samples=True)
    assert (report["answered"], report["unanswered"], report["samples_ms"]) == (1, 0, [500.0])
