"""The command menus Telegram shows, per scope (private, groups, group admins) and per language."""

from __future__ import annotations

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)

from lesson_bot.i18n import Lang, Translator

TELEGRAM_LANGUAGE = {"zh-Hans": "zh", "en": "en"}


def _private(t: Lang) -> list[BotCommand]:
    return [
        BotCommand("start", t._("start receiving reminders and make-up lessons")),
        BotCommand("help", t._("what I can do for you")),
        BotCommand("lang", t._("choose 简体中文 or English")),
        BotCommand("roster", t._("your branch's roster (secretaries)")),
        BotCommand("branches", t._("your branches (secretaries and admins)")),
        BotCommand("deliveries", t._("what was sent, retried, failed or missed (secretaries)")),
    ]


def _group(t: Lang) -> list[BotCommand]:
    return [
        BotCommand("join", t._("put yourself on this branch's roster")),
        BotCommand("help", t._("what I can do for you")),
    ]


def _group_admins(t: Lang) -> list[BotCommand]:
    return [
        *_group(t),
        BotCommand("register", t._("make this group a party branch")),
        BotCommand("roster", t._("this branch's roster (secretaries)")),
        BotCommand("addsecretary", t._("make someone a secretary (reply or @user)")),
    ]


async def set_commands(bot: Bot, translator: Translator) -> None:
    """Publish every menu: the default locale without a language code, and each locale under its code."""
    scopes: list[tuple[BotCommandScope, object]] = [
        (BotCommandScopeAllPrivateChats(), _private),
        (BotCommandScopeAllGroupChats(), _group),
        (BotCommandScopeAllChatAdministrators(), _group_admins),
    ]
    for scope, build in scopes:
        assert callable(build)
        await bot.set_my_commands(build(translator.lang(None)), scope=scope)
        for locale, code in TELEGRAM_LANGUAGE.items():
            await bot.set_my_commands(build(translator.lang(locale)), scope=scope, language_code=code)
