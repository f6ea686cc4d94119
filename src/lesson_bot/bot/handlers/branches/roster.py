"""Roster commands: /join, /roster, /branches, secretaries, and a roster CSV sent in private."""

from __future__ import annotations

from functools import partial

from telegram import Chat, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from lesson_bot.bot import keyboards
from lesson_bot.bot.context import Context, person
from lesson_bot.bot.links import join_link
from lesson_bot.bot.private_answer import answer_in_private, tap_belongs_here
from lesson_bot.bot.texts import onboarding
from lesson_bot.bot.texts import roster as texts
from lesson_bot.domain.callbacks import RosterBranch
from lesson_bot.domain.ids import parse_id
from lesson_bot.services.branches.registration import Target
from lesson_bot.services.views import BranchView, Person

CSV_MAX_BYTES = 1_000_000


async def cmd_join(update: Update, context: Context) -> None:
    """/join in the group: put yourself on the roster."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    who = person(update)
    result = await context.services.roster.join(chat.id, who)
    t = await context.lang(update)
    text = onboarding.join_done(t, who.full_name, result.branch.title, result.newly_joined)
    if not result.reachable:  # reminders and 补学 go in private: they must start the bot once
        link = join_link(context.bot.username, result.branch.invite_code)
        text += "\n" + onboarding.open_private_chat(t, [who.full_name], link)
    await message.reply_text(text, disable_web_page_preview=True)


async def _branch_here(update: Update, context: Context) -> BranchView:
    chat = update.effective_chat
    assert chat is not None
    branch = await context.branch_of(chat.id)
    return branch


async def _show_roster(message: Message, context: Context, user_id: int, branch_id: int) -> None:
    view = await context.services.roster.roster(user_id, branch_id)
    t = context.services.translator.lang(view.branch.locale)
    link = join_link(context.bot.username, view.branch.invite_code)
    await message.reply_text(texts.roster(t, view, link), disable_web_page_preview=True)


async def cmd_roster(update: Update, context: Context) -> None:
    """/roster: in the group, its branch; in private, the caller's branch (or a choice of them)."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    who = person(update)
    if chat.type != Chat.PRIVATE:
        await _show_roster(message, context, who.telegram_user_id, (await _branch_here(update, context)).id)
        return
    branches = await context.services.branches.list_for(who.telegram_user_id)
    t = await context.lang(update)
    if len(branches) == 1:
        await _show_roster(message, context, who.telegram_user_id, branches[0].id)
    elif branches:
        await message.reply_text(
            texts.choose_branch_roster(t),
            reply_markup=keyboards.choose_branch(partial(RosterBranch, "show", 0), branches),
        )
    else:
        await message.reply_text(texts.no_branches_to_manage(t))


async def on_roster_button(update: Update, context: Context) -> None:
    """roster:show:0:<branch> and roster:import:<dialog>:<branch>"""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    tap = RosterBranch.parse(query.data)
    verb, dialog_id, branch_id = tap.verb, tap.dialog, tap.branch
    if not await tap_belongs_here(update, context, branch_id):
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    if verb == "show":
        await _show_roster(query.message, context, query.from_user.id, int(branch_id))
        return
    dialog = await context.services.dialogs.get(int(dialog_id))
    t = await context.lang(update)
    if dialog is None or dialog.user_id != query.from_user.id:
        await query.message.reply_text(onboarding.dialog_expired(t))
        return
    await context.services.dialogs.end(dialog.id)
    await _import(query.message, context, query.from_user.id, int(branch_id), dialog.data["file_id"])


async def on_csv(update: Update, context: Context) -> None:
    """A CSV file in private: import it into the sender's branch (asking which, if they have several)."""
    message = update.effective_message
    assert message is not None and message.document is not None
    who = person(update)
    t = await context.lang(update)
    document = message.document
    if (document.file_size or 0) > CSV_MAX_BYTES:
        await message.reply_text(texts.import_how(t))
        return
    branches = await context.services.branches.list_for(who.telegram_user_id)
    if not branches:
        await message.reply_text(texts.no_branches_to_manage(t))
    elif len(branches) == 1:
        await _import(message, context, who.telegram_user_id, branches[0].id, document.file_id)
    else:
        dialog = await context.services.dialogs.begin(
            message.chat.id, who.telegram_user_id, "import", "branch", {"file_id": document.file_id}
        )
        await message.reply_text(
            texts.import_choose_branch(t),
            reply_markup=keyboards.choose_branch(partial(RosterBranch, "import", dialog.id), branches),
        )


async def _import(message: Message, context: Context, user_id: int, branch_id: int, file_id: str) -> None:
    data = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
    report = await context.services.roster.import_csv(user_id, branch_id, data)
    t = context.services.translator.lang(await context.services.roster.locale_of(user_id))
    await message.reply_text(texts.import_report(t, report))


def _target(message: Message, args: list[str] | None) -> Target | None:
    if message.reply_to_message is not None and message.reply_to_message.from_user is not None:
        user = message.reply_to_message.from_user
        return Person(user.id, user.full_name, user.username, user.language_code)
    if args:
        handle = args[0]
        number = parse_id(handle)
        return handle if number is None else number
    return None


async def _secretary(update: Update, context: Context, *, appoint: bool) -> None:
    message = update.effective_message
    assert message is not None
    t = await context.lang(update)
    branch = await _branch_here(update, context)
    target = _target(message, context.args)
    if target is None:
        await message.reply_text(texts.secretary_usage(t))
        return
    actor = person(update).telegram_user_id
    if appoint:
        entry = await context.services.branches.add_secretary(actor, branch.id, target)
        await message.reply_text(texts.secretary_added(t, entry, branch.title))
    else:
        entry = await context.services.branches.remove_secretary(actor, branch.id, target)
        await message.reply_text(texts.secretary_removed(t, entry, branch.title))


async def cmd_add_secretary(update: Update, context: Context) -> None:
    """/addsecretary @user (or as a reply) in the group."""
    await _secretary(update, context, appoint=True)


async def cmd_remove_secretary(update: Update, context: Context) -> None:
    """/removesecretary @user (or as a reply) in the group: admins only."""
    await _secretary(update, context, appoint=False)


async def cmd_branches(update: Update, context: Context) -> None:
    """/branches: the caller's branches (every branch for an admin); asked in a group, answered in private."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    views = await context.services.branches.list_for(person(update).telegram_user_id)
    text = texts.branches(await context.lang(update), views)
    if chat.type == Chat.PRIVATE:
        await message.reply_text(text)
    else:
        await answer_in_private(update, context, text)


async def cmd_group_only(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None
    await message.reply_text(texts.group_only(await context.lang(update)))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    groups, private = filters.ChatType.GROUPS, filters.ChatType.PRIVATE
    return [
        CommandHandler("join", cmd_join, groups),
        CommandHandler("roster", cmd_roster),
        CommandHandler("addsecretary", cmd_add_secretary, groups),
        CommandHandler("removesecretary", cmd_remove_secretary, groups),
        CommandHandler(["join", "addsecretary", "removesecretary", "register"], cmd_group_only, private),
        CommandHandler("branches", cmd_branches),
        CallbackQueryHandler(on_roster_button, pattern=RosterBranch.pattern),
        MessageHandler(private & filters.Document.ALL, on_csv),
    ]
