"""Texts of the committee's review of meeting records (/reviewrecords, returning with a comment, answering)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from lesson_bot.domain.enums import ReviewState
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.i18n import Lang
from lesson_bot.services.meetings.notices import local
from lesson_bot.services.meetings.review import ReviewStep
from lesson_bot.services.meetings.review_log import RecordLine
from lesson_bot.services.meetings.review_notices import heading


def nothing_pending(t: Lang) -> str:
    return t._("No meeting record is waiting for review.")


def pending_header(t: Lang, count: int, shown: int) -> str:
    text = t.ngettext("<b>{n} meeting record waits for review</b>, the longest waiting first.",
                      "<b>{n} meeting records wait for review</b>, the longest waiting first.", count)
    if shown < count:
        text += "\n" + t._("The first {shown} are below; review them to see the next.", shown=shown)
    return text


def state(t: Lang, value: ReviewState) -> str:
    return {ReviewState.SUBMITTED: t._("submitted, to review"), ReviewState.RETURNED: t._("returned, no answer yet"),
            ReviewState.ANSWERED: t._("returned and answered"), ReviewState.APPROVED: t._("approved")}[value]


def pending_line(t: Lang, types: MeetingTypes, line: RecordLine) -> str:
    return "\n".join([heading(t, types, line), t._("Round {round}: {state} (submitted {when})", round=line.round,
                                                   state=state(t, line.state),
                                                   when=local(line.recorded_at, line.timezone))])


def history(t: Lang, steps: Sequence[ReviewStep], zone: str) -> str:
    lines = [t._("<b>Review</b>")]
    for step in steps:
        name = t._("submitted") if step.state is ReviewState.SUBMITTED else state(t, step.state)
        lines.append(t._("Round {round} · {when} · {state} · {who}", round=step.round, when=local(step.at, zone),
                         state=name, who=escape(step.by) if step.by else "—"))
        if step.comment:
            lines.append("  " + t._("Comment: {comment}", comment=escape(step.comment)))
        if step.answer:
            lines.append("  " + t._("Answer: {answer}", answer=escape(step.answer)))
    return "\n".join(lines)


def approved(t: Lang, notified: int) -> str:
    return t.ngettext("✅ Approved. {n} person of the branch was told.", "✅ Approved. {n} people of the branch were "
                      "told.", notified)


def ask_comment(t: Lang, types: MeetingTypes, line: RecordLine) -> str:
    return t._("Returning {record}.\n\nPlease send the comment for the secretary: what must be corrected or added.",
               record=heading(t, types, line))


def returned(t: Lang, notified: int) -> str:
    return t.ngettext("↩️ Returned. {n} person of the branch got the comment and can answer it.",
                      "↩️ Returned. {n} people of the branch got the comment and can answer it.", notified)


def ask_answer(t: Lang, types: MeetingTypes, line: RecordLine) -> str:
    return t._("Answering the return of {record}.\n\nPlease send your answer to the reviewer. To correct the record, "
               "use /record instead: submitting it again sends it back for review.", record=heading(t, types, line))


def answered(t: Lang) -> str:
    return t._("✅ Your answer was sent to the reviewer.")


def stale(t: Lang, reason: str) -> str:
    return {"approved": t._("This record is already approved."),
            "changed": t._("This record changed since that message: see the newer version (/reviewrecords)."),
            "returned": t._("This record is already returned and waits for the secretary."),
            "not_returned": t._("There is no return to answer: it was answered already or the record was submitted "
                                "again."),
            "not_submitted": t._("This meeting has no submitted record.")}.get(reason, t._("Nothing to do."))


def cancelled(t: Lang) -> str:
    return t._("Cancelled: nothing was sent.")
