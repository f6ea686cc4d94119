"""The bot joining or leaving groups, people joining or leaving, and groups becoming supergroups."""

from __future__ import annotations

from telegram import Chat, ChatMember, ChatMemberRestricted, ChatMemberUpdated, Update
from telegram.ext import BaseHandler, ChatMemberHandler, MessageHandler, filters

from lesson_bot.bot.context import Context, person
from lesson_bot.bot.links import join_link
from lesson_bot.bot.texts import onboarding
from lesson_bot.domain.enums import MembershipSource
from lesson_bot.services.views import Person

PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER}


def _is_present(member: ChatMember) -> bool:
    return member.status in PRESENT or (isinstance(member, ChatMemberRestricted) and member.is_member)


def _moved(change: ChatMemberUpdated) -> tuple[bool, bool]:
    """(joined, left) for a membership change."""
    was, now = _is_present(change.old_chat_member), _is_present(change.new_chat_member)
    return (not was and now), (was and not now)


async def on_my_chat_member(update: Update, context: Context) -> None:
    """The bot was added to or removed from a chat (or a person blocked it in private)."""
    change = update.my_chat_member
    assert change is not None
    joined, left = _moved(change)
    if change.chat.type == Chat.PRIVATE:
        if left:
            await context.services.roster.blocked(change.chat.id)
        return
    if joined:
        branch = await context.services.branches.bot_added(change.chat.id)
        t = await context.lang(update)
        text = onboarding.intro_group(t) if branch is None else onboarding.welcome_back(t, branch.title)
        await context.bot.send_message(change.chat.id, text)
    elif left:
        branch = await context.services.branches.bot_removed(change.chat.id)
        admin_chat = context.services.settings.admin_chat_id
        if branch is not None and admin_chat is not None:
            t = context.services.translator.lang(None)
            await context.bot.send_message(admin_chat, onboarding.bot_removed_notice(t, branch.title, branch.chat_id))


async def on_chat_member(update: Update, context: Context) -> None:
    """Someone joined or left a group where the bot is an administrator."""
    change = update.chat_member
    assert change is not None
    user = change.new_chat_member.user
    if user.is_bot:
        return
    joined, left = _moved(change)
    if joined:
        who = Person(user.id, user.full_name, user.username, user.language_code)
        await context.services.roster.seen(change.chat.id, who, MembershipSource.CHAT_MEMBER)
    elif left:
        await context.services.roster.left(change.chat.id, user.id)


async def on_new_members(update: Update, context: Context) -> None:
    """The service message that people were added (delivered even in privacy mode); whoever the bot cannot yet
    message in private is offered the branch's deep link (the chat_member update of the same join says nothing, so
    the group hears it once)."""
    message = update.effective_message
    assert message is not None
    names, branch = [], None
    for user in message.new_chat_members:
        if not user.is_bot:
            who = Person(user.id, user.full_name, user.username, user.language_code)
            await context.services.roster.seen(message.chat.id, who, MembershipSource.CHAT_MEMBER)
            unreachable = await context.services.roster.unreachable_in(message.chat.id, user.id)
            if unreachable is not None:
                names.append(user.full_name)
                branch = unreachable
    if branch is not None:
        t = await context.lang(update)
        text = onboarding.open_private_chat(t, names, join_link(context.bot.username, branch.invite_code))
        await context.bot.send_message(message.chat.id, text)


async def on_left_member(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None and message.left_chat_member is not None
    if not message.left_chat_member.is_bot:
        await context.services.roster.left(message.chat.id, message.left_chat_member.id)


async def on_migrate(update: Update, context: Context) -> None:
    """The group became a supergroup: the branch follows it. Both service messages are harmless."""
    message = update.effective_message
    assert message is not None
    if message.migrate_to_chat_id:
        await context.services.branches.chat_migrated(message.chat.id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        await context.services.branches.chat_migrated(message.migrate_from_chat_id, message.chat.id)


async def on_group_message(update: Update, context: Context) -> None:
    """Anyone who writes in a branch's group is on its roster."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is not None and user is not None and not user.is_bot:
        await context.services.roster.seen(chat.id, person(update))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Group -1: these run before the commands and never stop them."""
    return [
        ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
        ChatMemberHandler(on_chat_member, ChatMemberHandler.CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, on_new_members),
        MessageHandler(filters.StatusUpdate.LEFT_CHAT_MEMBER, on_left_member),
        MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate),
        # /join answers whether it added the person, so it must not be pre-empted here.
        MessageHandler(
            filters.ChatType.GROUPS & ~filters.StatusUpdate.ALL & ~filters.Regex(r"^/join(@\w+)?(\s|$)"),
            on_group_message,
        ),
    ]
