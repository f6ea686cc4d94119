"""/import, in private: a secretary sends a link, an article's text or an .html/.txt file; the bot answers with the
draft as a file and the lesson as members would see it; "use it" keeps it as the branch's own lesson, whose quiz is
then written here, one question at a time (handlers/lessons/quiz.py). /quiz takes up a quiz left unwritten.

The state lives in a dialog row; an open one takes the person's private messages before any other handler
(input_handlers, registered in an early group), and /cancel ends it like every dialog.
"""

from __future__ import annotations

from io import BytesIO

from telegram import Chat, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.ext import ApplicationHandlerStop, BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler
from telegram.ext import filters as f

from lesson_bot.bot.context import Context, dialog_message, person
from lesson_bot.bot.handlers.dialog_taps import tapped_dialog
from lesson_bot.bot.handlers.lessons import quiz
from lesson_bot.bot.keyboards import button, choose_branch
from lesson_bot.bot.sender import TelegramSender
from lesson_bot.bot.texts.lessons import imports as texts
from lesson_bot.bot.texts.schedules.wizard import no_branches, not_current
from lesson_bot.domain.callbacks import ImportStep
from lesson_bot.i18n import Lang
from lesson_bot.services.dialogs import DialogState
from lesson_bot.services.errors import Conflict
from lesson_bot.services.lessons.imports import DOCUMENT_MAX_BYTES, Article, ImportFailed

KIND = quiz.KIND
TTL = quiz.TTL


def _article(message: Message) -> Article | None:
    """What the message gives to import: a document (downloaded by the caller), a link, or the article's text."""
    text = (message.text or "").strip()
    if message.document is not None or not text:
        return None
    if len(text.split()) == 1 and text.lower().startswith(("http://", "https://")):
        return Article(url=text)
    return Article(text=text)


async def _draft(message: Message, context: Context, t: Lang, dialog: DialogState, article: Article) -> None:
    """Make the draft and show it (file, preview, use/cancel); a failure is one line, and the next try is welcome."""
    await context.bot.send_chat_action(message.chat.id, ChatAction.TYPING)
    try:
        preview = await context.services.imports.draft(dialog.user_id, int(dialog.data["b"]), article)
    except ImportFailed as exc:
        await message.reply_text(texts.failed(t, exc))
        return
    await message.reply_document(BytesIO(preview.text.encode()), filename=f"{preview.lesson_id}.md",
                                 caption=texts.draft_caption(t, preview))
    sender = TelegramSender(context.bot, context.services.settings.media_dir)
    for part in preview.parts:
        await sender.send(message.chat.id, part.message)
    markup = InlineKeyboardMarkup([[button(texts.use_button(t), ImportStep("use", dialog.id)),
                                    button(texts.cancel_button(t), ImportStep("cx", dialog.id))]])
    sent = await message.reply_text(texts.ask_keep(t, preview), reply_markup=markup)
    await context.services.dialogs.advance(dialog.id, "preview", {"text": preview.text, "source": preview.source,
                                                                  "msg": sent.message_id}, TTL)


async def _in_private(update: Update, context: Context) -> tuple[Message, Lang, int] | None:
    """The command's message, language and sender when it was sent in private; elsewhere it points there (None)."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    t = await context.lang(update)
    if chat.type != Chat.PRIVATE:
        await message.reply_text(texts.use_private(t))
        return None
    return message, t, person(update).telegram_user_id


async def cmd_import(update: Update, context: Context) -> None:
    """/import [link]: in private; asks which branch when the secretary has several."""
    private = await _in_private(update, context)
    if private is None:
        return
    message, t, who = private
    chat = message.chat
    views = await context.services.branches.list_for(who)  # refuses anyone who is no secretary
    if not views:
        await message.reply_text(no_branches(t))
        return
    url = context.args[0] if context.args else ""
    if len(views) > 1:
        dialog = await context.services.dialogs.begin(chat.id, who, KIND, "branch", {"url": url}, TTL)
        sent = await message.reply_text(texts.ask_branch(t), reply_markup=choose_branch(
            lambda branch_id: ImportStep("br", dialog.id, branch_id), views))
        await context.services.dialogs.advance(dialog.id, "branch", {"msg": sent.message_id}, TTL)
        return
    title = await context.services.imports.check(who, views[0].id)
    dialog = await context.services.dialogs.begin(chat.id, who, KIND, "source", {"b": views[0].id}, TTL)
    await _source(message, context, t, dialog, url, title)


async def _source(message: Message, context: Context, t: Lang, dialog: DialogState, url: str, title: str) -> None:
    if url:
        await _draft(message, context, t, dialog, Article(url=url))
    else:
        await message.reply_text(texts.ask_source(t, title))


async def cmd_quiz(update: Update, context: Context) -> None:
    """/quiz: write the quiz of an imported lesson whose quiz is still the draft's placeholder."""
    private = await _in_private(update, context)
    if private is None:
        return
    message, t, who = private
    chat = message.chat
    lessons = await context.services.imports.unwritten(who)
    if not lessons:
        await message.reply_text(texts.nothing_to_write(t))
        return
    dialog = await context.services.dialogs.begin(chat.id, who, KIND, "pick", {}, TTL)
    rows = [[button(f"{lesson.title[:40]} · {lesson.branch_title[:20]}", ImportStep("qz", dialog.id, lesson.lesson_id))]
            for lesson in lessons[:20]]
    sent = await message.reply_text(texts.pick_lesson(t), reply_markup=InlineKeyboardMarkup(rows))
    await context.services.dialogs.advance(dialog.id, "pick", {"msg": sent.message_id}, TTL)


async def on_input(update: Update, context: Context) -> None:
    """A private message while an /import or /quiz dialog is open: the article, or an answer to the quiz step."""
    found = await dialog_message(update, context, KIND)
    if found is None:
        return  # not ours: the other handlers get the message
    message, dialog = found
    t = await context.lang(update)
    waiting = dialog.step in ("source", "preview")  # an article sent after a draft replaces that draft
    if waiting and message.document is not None:
        document = message.document
        if (document.file_size or 0) > DOCUMENT_MAX_BYTES:
            await message.reply_text(texts.failed(t, ImportFailed("too_big", limit=DOCUMENT_MAX_BYTES)))
        else:
            data = bytes(await (await context.bot.get_file(document.file_id)).download_as_bytearray())
            await _draft(message, context, t, dialog, Article(data=data, file_name=document.file_name or ""))
    elif waiting and (article := _article(message)) is not None:
        await _draft(message, context, t, dialog, article)
    elif dialog.step in quiz.TYPED_STEPS and message.text:
        await quiz.typed(message, context, t, dialog, message.text)
    else:
        await message.reply_text(texts.send_text(t))
    raise ApplicationHandlerStop


async def on_button(update: Update, context: Context) -> None:
    """imp:<verb>:<dialog>[:<arg>]"""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    tap = ImportStep.parse(query.data)
    t = await context.lang(update)
    dialog = await tapped_dialog(query, context, t, tap.dialog, (KIND,))
    if dialog is None:
        return
    if dialog.data.get("msg") != query.message.message_id:  # e.g. the preview of an earlier draft
        await query.answer(not_current(t), show_alert=True)
        return
    await query.answer()
    message, step = query.message, dialog.step
    if tap.verb == "cx":
        await context.services.dialogs.end(dialog.id)
        await query.edit_message_text(texts.cancelled(t))
    elif tap.verb == "br" and step == "branch" and tap.arg is not None:
        title = await context.services.imports.check(dialog.user_id, tap.arg)
        await context.services.dialogs.advance(dialog.id, "source", {"b": tap.arg}, TTL)
        await query.edit_message_reply_markup(None)
        dialog = DialogState(dialog.id, dialog.chat_id, dialog.user_id, KIND, "source", {**dialog.data, "b": tap.arg})
        await _source(message, context, t, dialog, str(dialog.data.get("url") or ""), title)
    elif tap.verb == "use" and step == "preview":
        await query.edit_message_reply_markup(None)
        try:
            view = await context.services.imports.keep(dialog.user_id, int(dialog.data["b"]),
                                                       str(dialog.data["text"]), str(dialog.data["source"]))
        except Conflict as exc:
            await context.services.dialogs.end(dialog.id)
            await message.reply_text(texts.already(t, str(exc.params.get("title", ""))))
            return
        await message.reply_text(texts.kept(t, view))
        await quiz.begin(message, context, t, dialog, view.lesson_id)
    elif tap.verb == "qz" and step == "pick" and tap.arg is not None:
        view = await context.services.imports.lesson(dialog.user_id, tap.arg)
        await query.edit_message_reply_markup(None)
        await quiz.begin(message, context, t, dialog, view.lesson_id, texts.writing_quiz(t, view.title))
    else:
        await quiz.tapped(message, context, t, dialog, tap)


def input_handlers() -> list[BaseHandler[Update, Context, None]]:
    """Registered in a group before the others: an open dialog takes the person's private messages."""
    taken = (f.TEXT & ~f.COMMAND) | f.Document.ALL
    return [MessageHandler(f.ChatType.PRIVATE & taken, on_input)]


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [
        CommandHandler("import", cmd_import),
        CommandHandler("quiz", cmd_quiz),
        CallbackQueryHandler(on_button, pattern=ImportStep.pattern),
    ]
