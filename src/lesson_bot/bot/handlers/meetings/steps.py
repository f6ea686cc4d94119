"""The /meeting wizard's steps: their order, each step's question and buttons, and the draft they build.

Steps: type -> (党小组, for a 党小组会) -> topic -> (lesson, for a 党课) -> when -> place -> host -> recorder
-> duration -> confirm. A routine meeting (the branch held one of its type before) takes place, host, recorder
and duration from the last one and goes from the time straight to the summary, whose edit buttons open any
step again (`review`: the step then returns to the summary). The dialog (services/dialogs.py) keeps what was
answered, so a restart or another replica continues it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from lesson_bot.bot.context import Context
from lesson_bot.bot.handlers.meetings import keyboards
from lesson_bot.bot.texts.meetings import calls as texts
from lesson_bot.domain.attendance import MeetingRules
from lesson_bot.domain.enums import MeetingStatus, MeetingType
from lesson_bot.domain.meeting_types import Expected, MeetingTypeDef, type_settings
from lesson_bot.i18n import Lang
from lesson_bot.services.dialogs import DialogState
from lesson_bot.services.meetings.calls import CallContext, MeetingDraft
from lesson_bot.services.meetings.views import MeetingView

KIND = "meeting"
STEPS = ("type", "group", "topic", "lesson", "when", "place", "host", "recorder", "duration", "confirm")
REPEATS: tuple[str | None, ...] = (None, "weekly", "monthly")
REMINDER_PRESETS: tuple[tuple[int, ...], ...] = ((1440, 60), (60,), (2880, 1440, 60), (1440,), ())
EDITABLE = ("topic", "when", "place", "host", "recorder", "duration")  # the summary's edit buttons, by index


def kind_of(context: Context, data: dict[str, Any]) -> MeetingTypeDef:
    return context.services.meetings.types.get(str(data.get("type", "")))


def applicable(context: Context, data: dict[str, Any]) -> list[str]:
    """The steps this meeting asks, in order (the 党小组 step only for a type that expects one group; the lesson,
    which absentees get as 补学, only for a 党课)."""
    kind = kind_of(context, data)
    skipped = {"group"} if kind.expected is not Expected.PARTY_GROUP else set()
    if kind.key != MeetingType.PARTY_LECTURE:
        skipped.add("lesson")
    if data.get("routine"):  # as last time (the summary changes them)
        skipped |= {"host", "recorder", "duration"} | ({"place"} if data.get("place") or data.get("link") else set())
    return [s for s in STEPS if s not in skipped]


def after(context: Context, data: dict[str, Any], step: str) -> str:
    """The step after `step`; the summary when the step was opened from it."""
    steps = applicable(context, data)
    later = [s for s in STEPS[STEPS.index(step) + 1:] if s in steps]
    return "confirm" if data.get("review") or not later else later[0]


def before(context: Context, data: dict[str, Any], step: str) -> str:
    """Where « Back leads: the summary from a step it opened, else the previous step asked."""
    if data.get("review") and step != "confirm":
        return "confirm"
    steps = applicable(context, data)
    earlier = [s for s in STEPS[:STEPS.index(step)] if s in steps] if step in STEPS else []
    return earlier[-1] if earlier else steps[0]


async def ask(context: Context, t: Lang, dialog: DialogState, step: str) -> None:
    """Send the question of `step` in the dialog's chat."""
    ctx = await context.services.meetings.prepare(dialog.user_id, int(dialog.data["branch_id"]))
    data = dialog.data
    send = context.bot.send_message
    match step:
        case "type":
            await send(dialog.chat_id, texts.ask_type(t, ctx.branch_title),
                       reply_markup=keyboards.types(t, dialog.id, ctx.types))
        case "group":
            await send(dialog.chat_id, texts.ask_group(t), reply_markup=keyboards.groups(t, dialog.id,
                                                                                          ctx.party_groups))
        case "topic":
            await send(dialog.chat_id, texts.ask_topic(t, kind_of(context, data).name(t.locale)),
                       reply_markup=keyboards.topic(t, dialog.id, data.get("last_topic")))
        case "when":
            found = await context.services.meetings.routine(dialog.user_id, ctx.branch_id, str(data["type"]),
                                                            data.get("group"))
            zone = ZoneInfo(ctx.timezone)
            await send(dialog.chat_id, texts.ask_when(t, ctx.timezone), reply_markup=keyboards.starts(
                t, dialog.id, [s.astimezone(zone) for s in found.starts]))
        case "lesson":
            options = await context.services.meetings.lessons(dialog.user_id, ctx.branch_id)
            await send(dialog.chat_id, texts.ask_lesson(t), reply_markup=keyboards.lessons(
                t, dialog.id, options, int(data.get("lpage", 0))))
        case "place":
            await send(dialog.chat_id, texts.ask_place(t), reply_markup=keyboards.nav(t, dialog.id))
        case "host" | "recorder":
            question = texts.ask_host(t) if step == "host" else texts.ask_recorder(t)
            await send(dialog.chat_id, question, reply_markup=keyboards.people(t, dialog.id, step, ctx.roster))
        case "duration":
            default = int(kind_of(context, data).duration.total_seconds() // 60)
            await send(dialog.chat_id, texts.ask_duration(t), reply_markup=keyboards.durations(t, dialog.id, default))
        case _:
            lesson = None
            if data.get("lesson"):
                options = await context.services.meetings.lessons(dialog.user_id, ctx.branch_id)
                lesson = next((o.title for o in options if o.id == data["lesson"]), None)
            view = preview(context, ctx, data, lesson)
            text = texts.summary(t, view, bool(data.get("code")), data.get("repeat"))
            if data.get("routine") and data.get("last"):
                last = datetime.fromtimestamp(int(data["last"]), UTC).astimezone(ZoneInfo(ctx.timezone))
                text += "\n\n" + texts.as_last_time(t, last)
            await send(dialog.chat_id, text, reply_markup=keyboards.confirm(t, dialog.id, bool(data.get("code"))))


def _reminders(kind: MeetingTypeDef, data: dict[str, Any]) -> tuple[int, ...]:
    if "reminders" in data:
        return tuple(int(m) for m in data["reminders"])
    return tuple(int(r.total_seconds() // 60) for r in kind.reminders)


def next_reminders(kind: MeetingTypeDef, data: dict[str, Any]) -> list[int]:
    """The reminder preset after the current one (the button cycles through them)."""
    current = _reminders(kind, data)
    ordered = list(dict.fromkeys((*REMINDER_PRESETS, current)))
    return list(ordered[(ordered.index(current) + 1) % len(ordered)])


def draft(context: Context, data: dict[str, Any]) -> MeetingDraft:
    kind = kind_of(context, data)
    return MeetingDraft(
        type=kind.key, topic=str(data["topic"]), starts_at=datetime.fromtimestamp(int(data["starts_at"]), UTC),
        minutes=int(data["minutes"]), place=data.get("place"), online_link=data.get("link"),
        host_member_id=data.get("host") or None, recorder_member_id=data.get("recorder") or None,
        party_group=data.get("group"), reminders=_reminders(kind, data), with_code=bool(data.get("code")),
        repeat=data.get("repeat"), lesson_id=data.get("lesson") or None,
    )


def preview(context: Context, ctx: CallContext, data: dict[str, Any], lesson: str | None = None) -> MeetingView:
    """The meeting as it will be, before it is saved (for the confirm step)."""
    kind = kind_of(context, data)
    names = {a.member_id: a.name for a in ctx.roster}
    settings = type_settings(kind) | {"reminders": list(_reminders(kind, data))}
    starts = datetime.fromtimestamp(int(data["starts_at"]), UTC)
    return MeetingView(
        id=0, branch_id=ctx.branch_id, branch_title=ctx.branch_title, chat_id=0, locale=ctx.locale,
        timezone=ctx.timezone, kind=kind, topic=str(data["topic"]), starts_at=starts,
        ends_at=starts + timedelta(minutes=int(data["minutes"])), place=data.get("place"),
        online_link=data.get("link"), host=names.get(data.get("host") or 0), recorder=names.get(
            data.get("recorder") or 0), party_group=data.get("group"), status=MeetingStatus.SCHEDULED,
        rules=MeetingRules.from_settings(settings), sign_in_code=None, attendance_closed=False, lesson=lesson,
    )
