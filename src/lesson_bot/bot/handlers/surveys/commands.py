"""/survey (in private): with a form, an admin opens a survey; `/survey list` and `/survey results [id]` show them."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from lesson_bot.bot.context import Context, person
from lesson_bot.bot.handlers.surveys.form import FormError, parse_form
from lesson_bot.bot.texts import surveys as texts
from lesson_bot.services.errors import InvalidInput
from lesson_bot.services.meetings.notices import chunks
from lesson_bot.services.surveys.opening import QuestionInput


async def cmd_survey(update: Update, context: Context) -> None:
    """/survey [form | list | results [id]]"""
    message = update.effective_message
    assert message is not None and message.text is not None
    services = context.services
    who, t, zone = person(update).telegram_user_id, await context.lang(update), services.settings.default_timezone
    args = context.args or []
    if args[:1] == ["list"]:
        await message.reply_text(texts.listing(t, await services.surveys.surveys(who), zone))
        return
    if args[:1] == ["results"]:
        survey_id = int(args[1]) if len(args) > 1 and args[1].isdigit() else await services.surveys.latest(who)
        for part in chunks(texts.results(t, await services.survey_results.results(who, survey_id), zone)):
            await message.reply_text(part)
        return
    if "\n" not in message.text.strip():
        await message.reply_text(texts.form_help(t, zone))
        return
    try:
        form = parse_form(message.text.strip(), zone)
    except FormError as exc:
        await message.reply_text(f"{texts.form_problem(t, exc.field)}\n\n{texts.form_help(t, zone)}")
        return
    assert form.closes_at is not None
    try:
        view = await services.surveys.open_survey(who, form.title, form.period,
                                                  [QuestionInput(q, form.scale) for q in form.questions],
                                                  form.closes_at)
    except InvalidInput as exc:
        await message.reply_text(texts.invalid(t, exc))
        return
    await message.reply_text(texts.opened(t, view, zone))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CommandHandler("survey", cmd_survey, filters.ChatType.PRIVATE)]
