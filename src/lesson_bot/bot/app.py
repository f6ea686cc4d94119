"""Builds the python-telegram-bot Application: typed context, defaults, handlers in one ordered place."""

from __future__ import annotations

from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults, ExtBot

from lesson_bot.bootstrap import Services
from lesson_bot.bot import commands, errors
from lesson_bot.bot.context import BotData, Context
from lesson_bot.bot.handlers import membership, private, register, replies, roster

BotApplication = Application[ExtBot[None], Context, dict[Any, Any], dict[Any, Any], BotData, Any]

# chat_member must be asked for explicitly: Telegram's default set leaves it out.
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.POLL_ANSWER,
    Update.POLL,
    Update.CHAT_MEMBER,
    Update.MY_CHAT_MEMBER,
]


def api_urls(root: str) -> tuple[str, str]:
    """python-telegram-bot's base_url and base_file_url for a Bot API server root."""
    root = root.rstrip("/")
    return f"{root}/bot", f"{root}/file/bot"


def build_application(services: Services, token: str, api_root: str, *, updater: bool = True) -> BotApplication:
    """The bot, wired to the services. `updater=False` for webhook mode, where the web app feeds updates."""
    base_url, base_file_url = api_urls(api_root)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .context_types(ContextTypes(context=Context, bot_data=BotData))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(_post_init)
    )
    if not updater:
        builder = builder.updater(None)
    application: BotApplication = builder.build()
    application.bot_data.services = services
    _register(application)
    return application


def _register(application: BotApplication) -> None:
    """Every handler, in order. Group -1 records who is in the group and never blocks group 0."""
    application.add_handlers(membership.handlers(), group=-1)
    application.add_handlers([*register.handlers(), *private.handlers(), *roster.handlers(), *replies.handlers()])
    application.add_error_handler(errors.on_error)


async def _post_init(application: BotApplication) -> None:
    await commands.set_commands(application.bot, application.bot_data.services.translator)
