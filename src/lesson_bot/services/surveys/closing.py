"""Closing surveys: the engine tick stops every sent poll of a survey whose close time has come, and the on-sent
hook keeps what Telegram answered to each stopPoll: the count of each option, never who voted.

Anonymous votes reach a bot only as `poll` updates, which lesson_bot does not subscribe to (bot/app.py
ALLOWED_UPDATES); the final Poll that stopPoll answers is the one place the counts are read. Replays are harmless:
a poll's stop is queued once (stop_queued_at, and the outbox dedupe key `sv:stop:<poll>`), and its counts are
written once (closed_at). A poll whose send was recorded after its survey closed (it was in flight at the close) is
stopped by the next tick.

What can still be lost is bounded by the dispatcher: a stopPoll that Telegram answered while the service was killed
before recording it cannot be repeated (Telegram answers "poll has already been closed"); that poll stays
untallied, and the results say so.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db import outbox
from lesson_bot.db.models import Survey, SurveyPoll
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.db.uow import Database
from lesson_bot.domain.messages import Sent
from lesson_bot.domain.surveys import SurveyState
from lesson_bot.services.messages import surveys as parts

log = logging.getLogger(__name__)


async def due_surveys(s: AsyncSession, now: datetime) -> list[int]:
    """Surveys to close now, and closed ones with a sent poll not yet stopped."""
    opened = select(Survey.id).where(Survey.state == SurveyState.OPEN, Survey.closes_at <= now)
    stragglers = select(SurveyPoll.survey_id).join(Survey, Survey.id == SurveyPoll.survey_id).where(
        Survey.state == SurveyState.CLOSED, SurveyPoll.message_id.is_not(None), SurveyPoll.stop_queued_at.is_(None))
    return sorted(set((await s.execute(opened)).scalars()) | set((await s.execute(stragglers)).scalars()))


async def close_survey(s: AsyncSession, survey_id: int, now: datetime) -> int:
    """Mark the survey closed and queue the stop of each sent poll not stopped yet; rows queued."""
    survey = await s.get(Survey, survey_id, with_for_update=True)
    if survey is None or survey.closes_at > now:
        return 0
    survey.state = SurveyState.CLOSED
    polls = (await s.execute(select(SurveyPoll).where(
        SurveyPoll.survey_id == survey_id, SurveyPoll.message_id.is_not(None), SurveyPoll.stop_queued_at.is_(None),
    ).with_for_update())).scalars().all()
    items = []
    for poll in polls:
        assert poll.message_id is not None
        key = parts.stop_key(poll.id)
        items.append(OutboxItem.of(key, poll.chat_id, "survey", parts.stop(poll.message_id, poll.id), now, key,
                                   branch_id=poll.branch_id))
        poll.stop_queued_at = now
    return await outbox.enqueue(s, items)


async def tick_close_surveys(db: Database, now: datetime) -> int:
    """The engine job: close every survey due, one transaction each; stopPoll rows queued."""
    async with db.transaction() as s:
        ids = await due_surveys(s, now)
    rows = 0
    for survey_id in ids:
        try:
            async with db.transaction() as s:
                rows += await close_survey(s, survey_id, now)
        except Exception:  # one bad survey must not stop the others
            log.exception("survey %d: closing failed", survey_id)
    return rows


async def record_sent(s: AsyncSession, chat_id: int, meta: Mapping[str, Any] | None, sent: Sent,
                      now: datetime) -> None:
    """What a sent survey row means (the on-sent hook of outbox kind "survey"): a poll's message and Telegram's
    poll id, or a stopped poll's final counts. Each is written once."""
    poll_id = (meta or {}).get("survey_poll")
    if poll_id is None:
        return  # the introduction
    if (meta or {}).get("stop"):
        counts = [int(c) for c in sent.result.get("counts") or []]
        total = sent.result.get("total_voters")
        await s.execute(update(SurveyPoll).where(SurveyPoll.id == int(poll_id), SurveyPoll.closed_at.is_(None))
                        .values(closed_at=now, counts=counts, total_voters=None if total is None else int(total)))
        return
    await s.execute(update(SurveyPoll).where(SurveyPoll.id == int(poll_id), SurveyPoll.message_id.is_(None)).values(
        message_id=sent.message_id, chat_id=chat_id, sent_at=now,
        telegram_poll_id=None if sent.result.get("poll_id") is None else str(sent.result["poll_id"])))
