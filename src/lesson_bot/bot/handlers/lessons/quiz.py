"""The quiz of an imported lesson, written in the chat: question, options, the correct one, the explanation; then
another question or the end. Each answer is checked as `content check` checks a lesson file's quiz
(services/lessons/quiz_input.py); a bad one is said and the same step asked again. The whole quiz is stored at the
end, in one version of the lesson (services/lessons/imports.py: write_quiz).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Message

from lesson_bot.bot.context import Context
from lesson_bot.bot.keyboards import button
from lesson_bot.bot.texts.lessons import imports as texts
from lesson_bot.domain.callbacks import ImportStep
from lesson_bot.i18n import Lang
from lesson_bot.services.dialogs import DialogState
from lesson_bot.services.errors import InvalidInput
from lesson_bot.services.lessons.quiz_input import (
    QUIZ_MAX,
    read_correct,
    read_explanation,
    read_options,
    read_question,
)

KIND = "lesson_import"
TTL = timedelta(hours=2)  # long enough to write five questions with a break
TYPED_STEPS = ("question", "options", "correct", "explanation")
OPTION_LABEL_MAX = 30


async def _ask(message: Message, context: Context, t: Lang, dialog: DialogState, step: str,
               data: dict[str, Any], prefix: str = "") -> None:
    """Move to `step` (with `data` collected) and ask its question, below `prefix` when there is one."""
    merged = {**dialog.data, **data}
    quiz: list[dict[str, Any]] = merged.get("quiz", [])
    current: dict[str, Any] = merged.get("q", {})
    number = len(quiz) + 1
    markup = None
    if step == "question":
        text = texts.ask_question(t, number)
    elif step == "options":
        text = texts.ask_options(t, number)
    elif step == "correct":
        options = [str(option) for option in current["options"]]
        text = texts.ask_correct(t, options)
        markup = InlineKeyboardMarkup(
            [[button(f"{n}. {option[:OPTION_LABEL_MAX]}", ImportStep("ok", dialog.id, n - 1))]
             for n, option in enumerate(options, start=1)])
    elif step == "explanation":
        text = texts.ask_explanation(t)
    else:
        text = texts.ask_more(t, len(quiz), QUIZ_MAX)
        markup = InlineKeyboardMarkup([[button(texts.more_button(t), ImportStep("more", dialog.id)),
                                        button(texts.done_button(t), ImportStep("done", dialog.id))]])
    sent = await message.reply_text(f"{prefix}\n\n{text}" if prefix else text, reply_markup=markup)
    await context.services.dialogs.advance(dialog.id, step, {**data, "msg": sent.message_id}, TTL)


async def begin(message: Message, context: Context, t: Lang, dialog: DialogState, lesson_id: int,
                heading: str = "") -> None:
    """Start writing the quiz of `lesson_id` (a branch lesson) with its first question, below `heading`."""
    await _ask(message, context, t, dialog, "question", {"lesson": lesson_id, "quiz": [], "q": {}}, heading)


async def _finish(message: Message, context: Context, t: Lang, dialog: DialogState,
                  quiz: list[dict[str, Any]]) -> None:
    view = await context.services.imports.write_quiz(dialog.user_id, int(dialog.data["lesson"]), quiz)
    await context.services.dialogs.end(dialog.id)
    await message.reply_text(texts.quiz_done(t, view))


async def _correct(message: Message, context: Context, t: Lang, dialog: DialogState, answer: str) -> None:
    current = dict(dialog.data["q"])
    current["correct"] = read_correct(answer, [str(option) for option in current["options"]])
    await _ask(message, context, t, dialog, "explanation", {"q": current})


async def _explained(message: Message, context: Context, t: Lang, dialog: DialogState, text: str) -> None:
    quiz: list[dict[str, Any]] = list(dialog.data.get("quiz", []))
    current = dict(dialog.data["q"])
    current["explanation"] = read_explanation(text, current, quiz)
    quiz.append(current)
    if len(quiz) >= QUIZ_MAX:
        await _finish(message, context, t, dialog, quiz)
    else:
        await _ask(message, context, t, dialog, "more", {"quiz": quiz, "q": {}})


async def typed(message: Message, context: Context, t: Lang, dialog: DialogState, text: str) -> None:
    """A typed answer to the current quiz step."""
    try:
        match dialog.step:
            case "question":
                await _ask(message, context, t, dialog, "options", {"q": {"question": read_question(text)}})
            case "options":
                current = {**dialog.data["q"], "options": list(read_options(text))}
                await _ask(message, context, t, dialog, "correct", {"q": current})
            case "correct":
                await _correct(message, context, t, dialog, text)
            case _:
                await _explained(message, context, t, dialog, text)
    except InvalidInput as exc:
        await _failed(message, context, t, dialog, exc)


async def _failed(message: Message, context: Context, t: Lang, dialog: DialogState, exc: InvalidInput) -> None:
    """Say what was wrong and ask again: the same step, or the options when the correct one cannot stay."""
    again = "options" if exc.field == "quiz.correct" and exc.problem in ("longest", "given_away") else dialog.step
    await _ask(message, context, t, dialog, again, {}, texts.problem(t, exc))


async def tapped(message: Message, context: Context, t: Lang, dialog: DialogState, tap: ImportStep) -> None:
    """A quiz step's button: the correct option, another question, or the end; a stale tap shows the step again."""
    try:
        if tap.verb == "ok" and dialog.step == "correct" and tap.arg is not None:
            await _correct(message, context, t, dialog, str(tap.arg + 1))
        elif tap.verb == "more" and dialog.step == "more":
            await _ask(message, context, t, dialog, "question", {"q": {}})
        elif tap.verb == "done" and dialog.step == "more":
            await _finish(message, context, t, dialog, list(dialog.data.get("quiz", [])))
        elif dialog.step in (*TYPED_STEPS, "more"):
            await _ask(message, context, t, dialog, dialog.step, {})
    except InvalidInput as exc:
        await _failed(message, context, t, dialog, exc)
