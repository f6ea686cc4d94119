"""The private messages of a record's review (审阅), queued in the outbox: a return with its comment and an
“answer” button (to the branch's secretaries and the recorder), the answer (to the reviewers and the admin chat,
with “approve” and “return” buttons for the version it concerns) and an approval."""

from __future__ import annotations

from datetime import datetime
from html import escape

from lesson_bot.db.outbox import OutboxItem
from lesson_bot.domain.callbacks import ReviewAnswer, ReviewApprove, ReviewReturn
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.messages import Text, keyboard
from lesson_bot.i18n import Lang
from lesson_bot.services.meetings.notices import local
from lesson_bot.services.meetings.review_log import RecordLine
from lesson_bot.services.messages.meetings import aside


def heading(t: Lang, types: MeetingTypes, line: RecordLine) -> str:
    """One line naming the record: 一支部 · 支部委员会 · 2026-11-30 20:00 · “研究十二月工作”（补录）."""
    kind = escape(types.get(line.type).name(t.locale))
    text = t._("{branch} · {type} · {when} · “{topic}”", branch=escape(line.branch_title), type=kind,
               when=local(line.starts_at, line.timezone), topic=escape(line.topic))
    return aside(t, text, t._("recorded late") if line.late else None)


def _item(key: str, chat_id: int, text: str, line: RecordLine, now: datetime,
          rows: tuple[tuple[tuple[str, str], ...], ...] = ()) -> OutboxItem:
    return OutboxItem(key, chat_id, "notice", Text(text, keyboard(*rows)), now, key, branch_id=line.branch_id)


def returned(t: Lang, types: MeetingTypes, line: RecordLine, comment: str, seq: int, chat_id: int,
             now: datetime) -> OutboxItem:
    text = "\n\n".join([
        t._("↩️ <b>A meeting record was returned by the committee</b>"), heading(t, types, line),
        t._("Comment: {comment}", comment=escape(comment)),
        t._("Please correct the record and submit it again with /record, or tap “Answer” to reply to the "
            "reviewer.")])
    return _item(f"rv:ret:{line.meeting_id}:{seq}:{chat_id}", chat_id, text, line, now,
                 (((t._("Answer"), ReviewAnswer(line.meeting_id, line.round).encode()),),))


def answered(t: Lang, types: MeetingTypes, line: RecordLine, comment: str | None, answer: str, who: str, seq: int,
             chat_id: int, now: datetime) -> OutboxItem:
    parts = [t._("💬 <b>An answer to a returned record</b>"), heading(t, types, line)]
    if comment:
        parts.append(t._("Comment: {comment}", comment=escape(comment)))
    parts.append(t._("{name} answered: {answer}", name=escape(who), answer=escape(answer)))
    buttons = ((t.pgettext("review", "Approve"), ReviewApprove(line.meeting_id, line.stamp).encode()),
               (t._("Return"), ReviewReturn(line.meeting_id, line.stamp).encode()))
    return _item(f"rv:ans:{line.meeting_id}:{seq}:{chat_id}", chat_id, "\n\n".join(parts), line, now, (buttons,))


def approved(t: Lang, types: MeetingTypes, line: RecordLine, comment: str | None, seq: int, chat_id: int,
             now: datetime) -> OutboxItem:
    parts = [t._("✅ <b>A meeting record was approved by the committee</b>"), heading(t, types, line)]
    if comment:
        parts.append(t._("Comment: {comment}", comment=escape(comment)))
    return _item(f"rv:ok:{line.meeting_id}:{seq}:{chat_id}", chat_id, "\n\n".join(parts), line, now)
