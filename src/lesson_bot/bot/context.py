"""A typed context: handlers reach the services and the right language without string keys."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from telegram import Chat, Message, Update
from telegram.ext import Application, CallbackContext, ExtBot

from lesson_bot.domain.enums import BranchStatus
from lesson_bot.i18n import Lang
from lesson_bot.services.dialogs import DialogState
from lesson_bot.services.errors import NotFound
from lesson_bot.services.views import BranchView, Person

if TYPE_CHECKING:
    from lesson_bot.services.container import Services


class BotData:
    """Application-wide data; python-telegram-bot builds it empty, bot.app fills it before start."""

    services: Services

    def __init__(self) -> None:
        # Updates whose failure the user and the admin chat have been told of (bot/errors.py): newest last.
        self.errors_told: OrderedDict[int, None] = OrderedDict()


class Context(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with the services and per-update language resolution."""

    def __init__(
        self,
        application: Application[ExtBot[Any], Context, dict[Any, Any], dict[Any, Any], BotData, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        return self.bot_data.services

    async def branch_of(self, chat_id: int) -> BranchView:
        """The branch a group is; NotFound (which the error handler explains) when it is not one."""
        branch = await self.services.branches.by_chat(chat_id)
        if branch is None:
            raise NotFound("branch", chat_id)
        return branch

    async def branches_for(self, update: Update, *, active_only: bool = True) -> list[BranchView]:
        """The branches a secretary's command acts on: in a group, that group's; in private, the caller's (the
        handler asks which when there are several; an empty list means the caller has none)."""
        chat, user = update.effective_chat, update.effective_user
        if chat is not None and chat.type != Chat.PRIVATE:
            return [await self.branch_of(chat.id)]
        assert user is not None
        views = await self.services.branches.list_for(user.id)
        return [v for v in views if v.status is BranchStatus.ACTIVE] if active_only else views

    async def lang(self, update: object) -> Lang:
        """The language for answering this update: in a group the branch's, in private the person's choice
        (/lang), else their Telegram language, else the default."""
        translator = self.services.translator
        if not isinstance(update, Update):
            return translator.lang(None)
        chat, user = update.effective_chat, update.effective_user
        if chat is not None and chat.type != Chat.PRIVATE:
            branch = await self.services.branches.by_chat(chat.id)
            if branch is not None:
                return translator.lang(branch.locale)
        if user is not None:
            chosen = await self.services.roster.locale_of(user.id)
            return translator.lang(chosen or user.language_code)
        return translator.lang(None)


async def dialog_message(update: Update, context: Context, kind: str) -> tuple[Message, DialogState] | None:
    """The message of an update, and the sender's open dialog of `kind` in its chat; None when there is no such
    dialog (the message is then another handler's)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return None
    dialog = await context.services.dialogs.current(message.chat.id, user.id)
    return None if dialog is None or dialog.kind != kind else (message, dialog)


def person(update: Update) -> Person:
    """The user behind an update, as the services take them."""
    user = update.effective_user
    assert user is not None, "handlers that need a person are registered only for updates that have one"
    return Person(user.id, user.full_name, user.username, user.language_code)
