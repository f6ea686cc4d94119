"""/meeting: a secretary calls a meeting, in private (choosing the branch) or in the branch's group.

Typed answers (the wizard's, a leave reason, a sign-in code) reach `on_text`, registered in its own handler group
so it runs beside other features' text handlers; it acts only when this user has one of these dialogs open here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from telegram import Chat, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from lesson_bot.bot.context import Context, person
from lesson_bot.bot.handlers.dialog_taps import tapped_dialog
from lesson_bot.bot.handlers.meetings import keyboards, steps
from lesson_bot.bot.handlers.meetings import rsvp as meeting_rsvp
from lesson_bot.bot.handlers.meetings import signin as meeting_signin
from lesson_bot.bot.texts.meetings import calls as texts
from lesson_bot.bot.texts.roster import no_branches_to_manage
from lesson_bot.domain.callbacks import MeetingStep
from lesson_bot.domain.enums import BranchStatus
from lesson_bot.domain.meeting_types import Expected, parse_duration
from lesson_bot.i18n import Lang
from lesson_bot.services.dialogs import DialogState
from lesson_bot.services.errors import InvalidInput, NotFound
from lesson_bot.services.meetings.calls import PLACE_MAX, TOPIC_MAX, clean_link, clean_text

KIND = steps.KIND


async def cmd_meeting(update: Update, context: Context) -> None:
    """/meeting: start the wizard for this group's branch, or (in private) for the branch the secretary picks."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    who = person(update).telegram_user_id
    t = await context.lang(update)
    if chat.type != Chat.PRIVATE:
        branch = await context.branch_of(chat.id)
        await context.services.meetings.prepare(who, branch.id)
        dialog = await context.services.dialogs.begin(chat.id, who, KIND, "type", {"branch_id": branch.id})
        await steps.ask(context, t, dialog, "type")
        return
    branches = [b for b in await context.services.branches.list_for(who) if b.status is BranchStatus.ACTIVE]
    if not branches:
        await message.reply_text(no_branches_to_manage(t))
    elif len(branches) == 1:
        await context.services.meetings.prepare(who, branches[0].id)
        dialog = await context.services.dialogs.begin(chat.id, who, KIND, "type", {"branch_id": branches[0].id})
        await steps.ask(context, t, dialog, "type")
    else:
        dialog = await context.services.dialogs.begin(chat.id, who, KIND, "branch", {})
        await message.reply_text(texts.choose_branch(t), reply_markup=keyboards.branches(dialog.id, branches))


async def on_button(update: Update, context: Context) -> None:
    """mtw:<verb>:<dialog>[:<arg>]"""
    query = update.callback_query
    assert query is not None and query.data is not None
    tap = MeetingStep.parse(query.data)
    verb, dialog_id, arg = tap.verb, tap.dialog, tap.arg or ""
    t = await context.lang(update)
    dialog = await tapped_dialog(query, context, t, dialog_id, (KIND,))
    if dialog is None:
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    if verb == "cancel":
        await context.services.dialogs.end(dialog.id)
        await context.bot.send_message(dialog.chat_id, texts.cancelled(t))
    elif verb == "back":
        await _go(context, t, dialog, steps.before(context, dialog.data, dialog.step), {})
    elif verb == "ok":
        await _finish(update, context, t, dialog)
    else:
        await _answer(context, t, dialog, verb, arg)


async def _answer(context: Context, t: Lang, dialog: DialogState, verb: str, arg: str) -> None:
    data = dialog.data
    if verb == "branch":
        await context.services.meetings.prepare(dialog.user_id, int(arg))
        await _go(context, t, dialog, "type", {"branch_id": int(arg)})
    elif verb == "type":
        changes = await _as_last_time(context, dialog, {"type": arg})
        await _go(context, t, dialog, steps.after(context, {**data, **changes}, "type"), changes)
    elif verb == "group":
        ctx = await context.services.meetings.prepare(dialog.user_id, int(data["branch_id"]))
        await _go(context, t, dialog, "topic", await _as_last_time(context, dialog, {
            "group": ctx.party_groups[int(arg)]}))
    elif verb == "same" and data.get("last_topic"):
        await _go(context, t, dialog, steps.after(context, data, "topic"), {"topic": data["last_topic"]})
    elif verb == "edit":
        await _go(context, t, dialog, steps.EDITABLE[int(arg) % len(steps.EDITABLE)], {"review": True})
    elif verb == "lesson":
        await _go(context, t, dialog, steps.after(context, data, "lesson"), {"lesson": int(arg) or None})
    elif verb == "lpage":
        await _go(context, t, dialog, "lesson", {"lpage": int(arg)})
    elif verb == "when":
        if datetime.fromtimestamp(int(arg), UTC) <= context.services.clock.now():
            await steps.ask(context, t, dialog, "when")  # a preset that went by while the wizard was open
            return
        await _go(context, t, dialog, steps.after(context, data, "when"), {"starts_at": int(arg)})
    elif verb in ("host", "recorder"):
        await _go(context, t, dialog, steps.after(context, data, verb), {verb: int(arg) or None})
    elif verb == "dur":
        await _go(context, t, dialog, steps.after(context, data, "duration"), {"minutes": int(arg)})
    elif verb == "code":
        await _go(context, t, dialog, "confirm", {"code": not data.get("code")})
    elif verb == "rep":
        following = steps.REPEATS[(steps.REPEATS.index(data.get("repeat")) + 1) % len(steps.REPEATS)]
        await _go(context, t, dialog, "confirm", {"repeat": following})
    elif verb == "rem":
        await _go(context, t, dialog, "confirm", {"reminders": steps.next_reminders(steps.kind_of(context, data),
                                                                                    data)})


async def _as_last_time(context: Context, dialog: DialogState, changes: dict[str, object]) -> dict[str, object]:
    """`changes` plus what the branch's last meeting of the type suggests (nothing more for a 党小组会 until its
    group is known)."""
    data = {**dialog.data, **changes}
    kind = steps.kind_of(context, data)
    if kind.expected is Expected.PARTY_GROUP and not data.get("group"):
        return changes
    found = await context.services.meetings.routine(dialog.user_id, int(data["branch_id"]), kind.key,
                                                    data.get("group"))
    if found.last is None:
        return {**changes, "routine": False, "last_topic": None, "last": None}
    return {**changes, "routine": True, "last_topic": found.topic, "last": int(found.last.timestamp()),
            "place": found.place, "link": found.online_link, "host": found.host, "recorder": found.recorder,
            "minutes": found.minutes}


async def _go(context: Context, t: Lang, dialog: DialogState, step: str, changes: Mapping[str, object]) -> None:
    await context.services.dialogs.advance(dialog.id, step, dict(changes))
    moved = await context.services.dialogs.get(dialog.id)
    if moved is not None:
        await steps.ask(context, t, moved, step)


async def _finish(update: Update, context: Context, t: Lang, dialog: DialogState) -> None:
    view = await context.services.meetings.call(dialog.user_id, int(dialog.data["branch_id"]),
                                                steps.draft(context, dialog.data))
    await context.services.dialogs.end(dialog.id)
    in_private = dialog.chat_id == dialog.user_id
    await context.bot.send_message(dialog.chat_id, texts.called(t, view, in_private))
    if view.sign_in_code and not in_private:
        await context.bot.send_message(dialog.user_id, texts.code_for_secretary(t, view))


async def on_text(update: Update, context: Context) -> None:
    """Typed text: an answer to this user's open meeting dialog here, if any (otherwise nothing to do)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None and message.text is not None
    dialog = await context.services.dialogs.current(chat.id, user.id)
    if dialog is None:
        return
    if dialog.kind == meeting_rsvp.KIND:
        await meeting_rsvp.on_reason(update, context, dialog)
    elif dialog.kind == meeting_signin.KIND:
        await meeting_signin.on_code(update, context, dialog)
    elif dialog.kind == KIND:
        t = await context.lang(update)
        try:
            await _typed(context, t, dialog, message.text)
        except (InvalidInput, NotFound) as exc:
            await message.reply_text(texts.problem(t, exc))


async def _typed(context: Context, t: Lang, dialog: DialogState, text: str) -> None:
    data, user, branch_id = dialog.data, dialog.user_id, int(dialog.data.get("branch_id", 0))
    match dialog.step:
        case "group":
            await _go(context, t, dialog, "topic", await _as_last_time(context, dialog, {
                "group": clean_text("party_group", text, 64)}))
        case "topic":
            await _go(context, t, dialog, steps.after(context, data, "topic"),
                      {"topic": clean_text("topic", text, TOPIC_MAX)})
        case "lesson":
            wanted = " ".join(text.split()).lower()
            options = await context.services.meetings.lessons(user, branch_id)
            lesson = next((o for o in options if wanted in (o.title.lower(), o.slug.lower())), None)
            if lesson is None:
                raise NotFound("lesson", text.strip())
            await _go(context, t, dialog, steps.after(context, data, "lesson"), {"lesson": lesson.id})
        case "when":
            starts = await context.services.meetings.parse_start(user, branch_id, text)
            await _go(context, t, dialog, steps.after(context, data, "when"), {"starts_at": int(starts.timestamp())})
        case "place":
            link = text.strip().lower().startswith(("http://", "https://", "tg://"))
            changes = {"link": clean_link(text), "place": None} if link else {
                "place": clean_text("place", text, PLACE_MAX), "link": None}
            await _go(context, t, dialog, steps.after(context, data, "place"), changes)
        case "host" | "recorder":
            found = await context.services.meetings.find_member(user, branch_id, text)
            await _go(context, t, dialog, steps.after(context, data, dialog.step), {dialog.step: found.member_id})
        case "duration":
            try:
                minutes = int(parse_duration(text).total_seconds() // 60)
            except ValueError:
                raise InvalidInput("duration", "not_understood", value=text) from None
            await _go(context, t, dialog, steps.after(context, data, "duration"), {"minutes": minutes})


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [
        CommandHandler("meeting", cmd_meeting),
        CallbackQueryHandler(on_button, pattern=MeetingStep.pattern),
        *meeting_rsvp.handlers(),
        *meeting_signin.handlers(),
    ]


def text_handlers() -> list[BaseHandler[Update, Context, None]]:
    """For their own handler group (see the module docstring)."""
    return [MessageHandler(filters.TEXT & ~filters.COMMAND, on_text)]

