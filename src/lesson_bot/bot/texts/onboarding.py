"""Texts of a group becoming a branch, and of a member starting the bot."""

from __future__ import annotations

from html import escape

from lesson_bot.i18n import Lang
from lesson_bot.services.views import BranchView


def intro_group(t: Lang) -> str:
    return t._(
        "Hello! I run micro party lessons and the 三会一课 routine for this group.\n"
        "A group administrator can send /register to make this group a party branch. "
        "For me to keep the roster from joins and leaves, please make me an administrator of the group."
    )


def welcome_back(t: Lang, title: str) -> str:
    return t._("I am back in the branch “{title}”. Its roster and history are as they were.", title=escape(title))


def register_ask_title(t: Lang, default_title: str) -> str:
    return t._(
        "Registering this group as a party branch.\n"
        "<b>Step 1 of 2:</b> reply to this message with the branch's name, "
        "or tap the button to use the group's name “{title}”.",
        title=escape(default_title),
    )


def register_ask_timezone(t: Lang, title: str, default_zone: str) -> str:
    return t._(
        "Branch name: <b>{title}</b>\n"
        "<b>Step 2 of 2:</b> choose the branch's time zone, or reply to this message with a zone name "
        "(for example Europe/Berlin). Lessons and meetings are scheduled in this zone.",
        title=escape(title),
    )


def register_done(t: Lang, branch: BranchView, join_link: str) -> str:
    return t._(
        "✅ This group is now the party branch <b>{title}</b> (time zone {zone}).\n"
        "Secretary: {secretary}.\n\n"
        "Members: send /join here to join the roster, and open {link} once so that I can send you "
        "reminders and make-up lessons in private.",
        title=escape(branch.title),
        zone=escape(branch.timezone),
        secretary=escape("、".join(branch.secretaries)),
        link=join_link,
    )


def register_cancelled(t: Lang) -> str:
    return t._("Registration cancelled. Send /register to start again.")


def dialog_not_yours(t: Lang) -> str:
    return t._("Only the person who started this can use these buttons.")


def dialog_expired(t: Lang) -> str:
    return t._("This has expired. Please start again.")


def start_welcome(t: Lang, first: bool) -> str:
    if first:
        return t._(
            "Welcome! I will send you reminders and make-up lessons here. "
            "Send /help to see what you can do, and /lang to choose your language."
        )
    return t._("Welcome back! Send /help to see what you can do.")


def start_joined(t: Lang, title: str, newly: bool) -> str:
    if newly:
        return t._("You are now on the roster of the branch “{title}”.", title=escape(title))
    return t._("You are on the roster of the branch “{title}”.", title=escape(title))


def start_bad_link(t: Lang) -> str:
    return t._("This invitation link is not valid (any more). Ask your branch secretary for a new one.")


def join_done(t: Lang, name: str, title: str, newly: bool) -> str:
    if newly:
        return t._("{name} joined the roster of “{title}”.", name=escape(name), title=escape(title))
    return t._("{name} is already on the roster of “{title}”.", name=escape(name), title=escape(title))


def open_private_chat(t: Lang, names: list[str], link: str) -> str:
    """For people on the roster whom the bot cannot message in private yet: the branch's deep link."""
    return t._("{names}: open {link} once so that I can send you meeting reminders and make-up lessons in "
               "private.", names=t._(", ").join(escape(n) for n in names), link=link)


def bot_removed_notice(t: Lang, title: str, chat_id: int) -> str:
    return t._(
        "I was removed from the group of the branch “{title}” (chat {chat_id}). "
        "The branch is now inactive; its history is kept.",
        title=escape(title),
        chat_id=chat_id,
    )
