"""The nudge job: every engine round (at most once a minute), the nudges due now go to the outbox.

Private nudges carry a 补学 button (`mk:start:<group delivery>`, handled by the make-up feature); the group
mention replies to the lesson message; each reachable secretary gets a summary with a delivery's first round.
Rows are kind "nudge" with the dedupe keys of services/lessons/nudges.py, so a repeated round adds nothing, and they may
not go once the branch's quiet hours begin (`not_after`): a nudge is never sent late into the night.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from lesson_bot.db import outbox
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.db.uow import Database
from lesson_bot.domain.callbacks import MakeupStart
from lesson_bot.domain.messages import Part, Text, keyboard
from lesson_bot.services.clock import Clock
from lesson_bot.services.lessons.nudges import KIND, NudgeRound, NudgeService, Person, dm_key, group_key, summary_key

EVERY = timedelta(seconds=60)


class NudgeTexts(Protocol):
    """The words of the nudges (bot/texts/lessons/nudges.py), in each reader's language."""

    def private(self, person: Person, round_: NudgeRound) -> tuple[str, str]:
        """The private nudge and its 补学 button's label."""
        ...

    def group(self, round_: NudgeRound) -> list[str]:
        """The group mention, split into messages within Telegram's limits."""
        ...

    def summary(self, secretary: Person, round_: NudgeRound) -> str:
        """The secretaries' summary of the round."""
        ...


def _part(message: Text, meta: dict[str, Any]) -> Part:
    return Part(message, {"nudge": meta})


def items_for(round_: NudgeRound, texts: NudgeTexts, now: datetime) -> list[OutboxItem]:
    """The outbox rows of one round: private nudges, the group mention's parts, the summaries."""
    d = round_.delivery_id

    def item(key: str, chat_id: int, part: Part, group: str, seq: int = 0) -> OutboxItem:
        return OutboxItem.of(key, chat_id, KIND, part, now, group, seq, round_.not_after, round_.branch_id)

    items = []
    for person in round_.private:
        assert person.telegram_user_id is not None
        text, button = texts.private(person, round_)
        buttons = keyboard([(button, MakeupStart(d).encode())])
        key = dm_key(d, person.member_id)
        items.append(item(key, person.telegram_user_id,
                          _part(Text(text, buttons), {"delivery": d, "member": person.member_id}), key))
    if round_.group:
        members = [p.member_id for p in round_.group]
        for part, text in enumerate(texts.group(round_)):
            reply = round_.message_id if part == 0 else None
            items.append(item(f"{group_key(d)}:part:{part}", round_.chat_id,
                              _part(Text(text, reply_to=reply), {"delivery": d, "members": members}),
                              group_key(d), part))
    if round_.summarize:
        for secretary in round_.secretaries:
            assert secretary.telegram_user_id is not None
            key = summary_key(d, secretary.member_id)
            meta = {"delivery": d, "group_pending": bool(round_.postponed)}
            summary = Text(texts.summary(secretary, round_))
            items.append(item(key, secretary.telegram_user_id, _part(summary, meta), key))
    return items


class NudgeJob:
    """An engine tick (delivery/engine.py calls it): enqueues the nudges due now; the number of rows added."""

    def __init__(self, service: NudgeService, db: Database, clock: Clock, texts: NudgeTexts,
                 every: timedelta = EVERY) -> None:
        self._service = service
        self._db = db
        self._clock = clock
        self._texts = texts
        self._every = every
        self._last: datetime | None = None

    async def __call__(self) -> int:
        now = self._clock.now()
        if self._last is not None and now - self._last < self._every:
            return 0  # the engine ticks every few seconds; nudges are due by the hour
        self._last = now
        return await self.run()

    async def run(self) -> int:
        """One round now, whatever the interval."""
        now = self._clock.now()
        items = [item for round_ in await self._service.due() for item in items_for(round_, self._texts, now)]
        if not items:
            return 0
        async with self._db.transaction() as s:
            return await outbox.enqueue(s, items)
