"""参加 and 请假 from a meeting notice (or a private reminder), the reason asked in private, and the secretary's
批准 / 驳回. Buttons: `mt:rsvp:<meeting>`, `mt:leave:<meeting>`, `mt:ok|no:<rsvp>`; deep link `start=mtl<meeting>`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters
from telegram.helpers import create_deep_linked_url

from lesson_bot.bot.context import Context, person
from lesson_bot.bot.texts.meetings import calls as texts
from lesson_bot.domain.attendance import REASON_GRACE
from lesson_bot.domain.callbacks import Rsvp, RsvpDecision, RsvpLeave
from lesson_bot.domain.ids import parse_prefixed_id
from lesson_bot.i18n import Lang
from lesson_bot.services.dialogs import DialogState
from lesson_bot.services.errors import Conflict, NotFound
from lesson_bot.services.meetings.rsvp import LeaveAsk
from lesson_bot.services.meetings.views import MeetingView

KIND = "mt_leave"
START_PREFIX = "mtl"


async def private_lang(update: Update, context: Context) -> Lang:
    """The language for this person in private (their /lang choice, else their Telegram language)."""
    user = update.effective_user
    assert user is not None
    chosen = await context.services.roster.locale_of(user.id)
    return context.services.translator.lang(chosen or user.language_code)


def _chat_of(update: Update) -> int | None:
    query = update.callback_query
    message = None if query is None else query.message
    return None if message is None else message.chat.id


async def on_rsvp(update: Update, context: Context) -> None:
    """mt:rsvp:<meeting> — 参加."""
    query = update.callback_query
    assert query is not None and query.data is not None
    outcome = await context.services.rsvp.attend(person(update), Rsvp.parse(query.data).meeting, _chat_of(update))
    t = await context.lang(update)
    await query.answer(texts.rsvp_answer(t, outcome.status), show_alert=outcome.status == "closed")


async def on_leave(update: Update, context: Context) -> None:
    """mt:leave:<meeting> — 请假: the reason is asked in private (after a start through the deep link if needed)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    meeting_id = RsvpLeave.parse(query.data).meeting
    ask = await context.services.rsvp.ask_leave(person(update), meeting_id, _chat_of(update))
    t = await context.lang(update)
    if ask.status not in ("ask", "pending"):
        await query.answer(texts.leave_answer(t, ask.status, ask.meeting), show_alert=True)
    elif not ask.reachable:
        link = create_deep_linked_url(context.bot.username, f"{START_PREFIX}{meeting_id}")
        await query.answer(texts.leave_start_first(t), show_alert=True, url=link)
    else:
        await _ask_reason(update, context, ask, None)
        await query.answer(texts.leave_answer(t, ask.status, ask.meeting), show_alert=True)


async def ask_in_private(update: Update, context: Context, meeting_id: int, kind: str, step: str,
                         question: Callable[[Lang, MeetingView], str], reply_to: Message | None,
                         data: dict[str, Any] | None = None, ttl: timedelta | None = None) -> None:
    """Open a private dialog step about a meeting (the leave reason, a sign-in code) and ask its question: as a
    reply to the member's /start, or as a new private message after a tap in the group."""
    user = update.effective_user
    assert user is not None
    t = await private_lang(update, context)
    view = await context.services.meetings.get(meeting_id)
    await context.services.dialogs.begin(user.id, user.id, kind, step, {"meeting_id": meeting_id, **(data or {})},
                                         **({} if ttl is None else {"ttl": ttl}))
    if reply_to is not None:
        await reply_to.reply_text(question(t, view))
    else:
        await context.bot.send_message(user.id, question(t, view))


async def _ask_reason(update: Update, context: Context, ask: LeaveAsk, reply_to: Message | None) -> None:
    """Ask the reason, saying until when it is taken; the request counts from `ask.asked_at` (the tap)."""
    by = ask.reason_by

    def question(t: Lang, view: MeetingView) -> str:
        return texts.leave_ask_reason(t, view, None if by is None else by.astimezone(ZoneInfo(view.timezone)))

    data = {} if ask.asked_at is None else {"asked_at": ask.asked_at.isoformat()}
    # The dialog outlives the reason's time a little, so that a reason sent too late is told so, not ignored.
    await ask_in_private(update, context, ask.meeting.id, KIND, "reason", question, reply_to, data,
                         REASON_GRACE + timedelta(minutes=10))


async def cmd_start_leave(update: Update, context: Context) -> None:
    """/start mtl<meeting>: the member started me from the 请假 button; now ask the reason."""
    message = update.effective_message
    assert message is not None and context.args
    await context.services.roster.start(person(update), None)
    meeting_id = parse_prefixed_id(context.args[0], START_PREFIX)
    if meeting_id is None:  # a payload past int64: no meeting of ours
        raise NotFound("meeting", context.args[0])
    ask = await context.services.rsvp.ask_leave(person(update), meeting_id)
    if ask.status in ("ask", "pending"):
        await _ask_reason(update, context, ask, message)
    else:
        await message.reply_text(texts.leave_answer(await private_lang(update, context), ask.status, ask.meeting))


async def on_reason(update: Update, context: Context, dialog: DialogState) -> None:
    """The reason, typed in private: the request goes to the secretaries."""
    message = update.effective_message
    assert message is not None and message.text is not None
    t = await private_lang(update, context)
    meeting_id = int(dialog.data["meeting_id"])
    asked = dialog.data.get("asked_at")
    try:
        request = await context.services.rsvp.request_leave(person(update), meeting_id, message.text,
                                                            None if asked is None else datetime.fromisoformat(asked))
    except Conflict:
        await context.services.dialogs.end(dialog.id)
        view = await context.services.meetings.get(meeting_id)
        await message.reply_text(texts.leave_answer(t, "closed", view))
        return
    await context.services.dialogs.end(dialog.id)
    await message.reply_text(texts.leave_sent(t, request.secretaries_told))


async def on_decide(update: Update, context: Context) -> None:
    """mt:ok|no:<rsvp> — a secretary approves or rejects."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    tap = RsvpDecision.parse(query.data)
    verb, rsvp_id = tap.verb, tap.rsvp
    t = await context.lang(update)
    try:
        decision = await context.services.rsvp.decide(query.from_user.id, rsvp_id, approve=verb == "ok")
    except Conflict:
        await query.answer(texts.leave_conflict(t), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await context.bot.send_message(query.message.chat.id, texts.leave_decided_here(t, decision.member,
                                                                                   decision.approved))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", cmd_start_leave, private & filters.Regex(rf"^/start {START_PREFIX}\d+$")),
        CallbackQueryHandler(on_rsvp, pattern=Rsvp.pattern),
        CallbackQueryHandler(on_leave, pattern=RsvpLeave.pattern),
        CallbackQueryHandler(on_decide, pattern=RsvpDecision.pattern),
    ]
