"""Polling mode's update queue holds a burst back: python-telegram-bot's fetcher may take an update only while
fewer than `in_flight` are being handled, and the updater may queue only `waiting` more (bot/ordering.py)."""

from __future__ import annotations

import asyncio

from lesson_bot.bot.ordering import BoundedUpdateQueue


async def test_a_taken_update_waits_for_a_handled_one_and_a_full_queue_holds_the_fetcher_back() -> None:
    queue = BoundedUpdateQueue(in_flight=2, waiting=3)
    for update in (1, 2, 3):
        await queue.put(update)
    fourth = asyncio.create_task(queue.put(4))  # the updater's next put: the queue is full
    assert [await queue.get(), await queue.get()] == [1, 2]  # two in flight
    third = asyncio.create_task(queue.get())
    await asyncio.sleep(0)
    assert not third.done()  # the fetcher waits: two are being handled
    await fourth  # room in the queue once two were taken
    queue.task_done()  # update 1 handled
    assert await third == 3
    queue.task_done()
    queue.task_done()
    assert await queue.get() == 4


async def test_a_cancelled_wait_gives_its_slot_back() -> None:
    """The fetcher stopped while waiting for an update (shutdown): the slot it took is free again."""
    queue = BoundedUpdateQueue(in_flight=1, waiting=2)
    waiting = asyncio.create_task(queue.get())
    await asyncio.sleep(0)
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    await queue.put("next")
    assert await queue.get() == "next"
