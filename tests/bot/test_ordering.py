"""Updates run concurrently across chats and strictly in order within one chat."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from lesson_bot.bot.ordering import PerChatUpdateProcessor


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.GROUP)
    return Update(update_id, message=Message(update_id, None, chat))  # type: ignore[arg-type]


async def test_one_chat_waits_its_turn_while_other_chats_go_ahead() -> None:
    """A stuck update in chat A holds back A's next update but not chat B's; A's order is kept."""
    processor = PerChatUpdateProcessor()
    release_first = asyncio.Event()
    b_done = asyncio.Event()
    order: list[str] = []

    async def first_a() -> None:
        order.append("a1 start")
        await release_first.wait()
        order.append("a1 end")

    async def second_a() -> None:
        order.append("a2")

    async def only_b() -> None:
        order.append("b")
        b_done.set()

    tasks = [
        asyncio.create_task(processor.process_update(_update(1, -1), first_a())),
        asyncio.create_task(processor.process_update(_update(2, -1), second_a())),
        asyncio.create_task(processor.process_update(_update(3, -2), only_b())),
    ]
    await b_done.wait()
    assert order == ["a1 start", "b"]  # chat B ran while A's first update was stuck; A's second waited
    release_first.set()
    await asyncio.gather(*tasks)
    assert order == ["a1 start", "b", "a1 end", "a2"]
    assert processor.current_concurrent_updates == 0
