"""The command menus Telegram shows, per scope (private, groups, group admins) and per language."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    MenuButtonCommands,
    MenuButtonWebApp,
    WebAppInfo,
)

from lesson_bot.bot.texts import dashboard
from lesson_bot.i18n import Lang, Translator

TELEGRAM_LANGUAGE = {"zh-Hans": "zh", "en": "en"}


def _private(t: Lang) -> list[BotCommand]:
    return [
        BotCommand("start", t._("start receiving reminders and make-up lessons")),
        BotCommand("help", t._("what I can do for you")),
        BotCommand("cancel", t._("stop the wizard or question open here")),
        BotCommand("lang", t._("choose 简体中文 or English")),
        BotCommand("lessons", t._("lessons you missed: study them here (补学)")),
        BotCommand("review", t._("answer again the quiz questions you got wrong")),
        BotCommand("me", t._("your record: lessons, quiz, meetings, points")),
        BotCommand("roster", t._("your branch's roster (secretaries)")),
        BotCommand("branches", t._("your branches (secretaries and admins)")),
        BotCommand("deliveries", t._("what was sent, retried, failed or missed (secretaries)")),
        BotCommand("progress", t._("a lesson's check-ins, quiz results and who is missing (secretaries)")),
        BotCommand("schedule", t._("schedule a lesson (secretaries)")),
        BotCommand("plan", t._("plan a whole series, one lesson a week (secretaries)")),
        BotCommand("import", t._("an article (link, text or file) as your branch's own lesson (secretaries)")),
        BotCommand("quiz", t._("write the quiz of an imported lesson (secretaries)")),
        BotCommand("upcoming", t._("what will be sent next; cancel or skip (secretaries)")),
        BotCommand("signin", t._("sign in to a meeting with the code shown there (签到)")),
        BotCommand("meeting", t._("call a meeting: 支委会, 党课… (secretaries)")),
        BotCommand("meetings", t._("upcoming meetings: call one off or change its reminders (secretaries)")),
        BotCommand("attendance", t._("who signed in to a meeting; 代签 and offline attendance (secretaries)")),
        BotCommand("record", t._("record a meeting's minutes and decisions (secretaries, recorders)")),
        BotCommand("makeups", t._("who still owes the make-up of a meeting (secretaries)")),
        BotCommand("cadence", t._("meetings held and missing, per period (secretaries, admins)")),
        BotCommand("survey", t._("satisfaction survey (民主测评): open one, see results (admins)")),
        BotCommand("reviewrecords", t._("review the branches' meeting records: approve or return (admins)")),
        BotCommand("dashboard", dashboard.command(t)),
        BotCommand("report", t._("a period's report: summary, chart and XLSX (yours; your branch's; admins: all)")),
    ]


def _group(t: Lang) -> list[BotCommand]:
    return [
        BotCommand("join", t._("put yourself on this branch's roster")),
        BotCommand("help", t._("what I can do for you")),
        BotCommand("me", t._("your record: lessons, quiz, meetings, points")),
        BotCommand("report", t._("a period's report, sent to you in private")),
    ]


def _group_admins(t: Lang) -> list[BotCommand]:
    return [
        *_group(t),
        BotCommand("register", t._("make this group a party branch")),
        BotCommand("roster", t._("this branch's roster (secretaries)")),
        BotCommand("addsecretary", t._("make someone a secretary (reply or @user)")),
        BotCommand("progress", t._("a lesson's check-ins, quiz results and who is missing (secretaries)")),
        BotCommand("schedule", t._("schedule a lesson (secretaries)")),
        BotCommand("plan", t._("plan a whole series, one lesson a week (secretaries)")),
        BotCommand("upcoming", t._("what will be sent next; cancel or skip (secretaries)")),
        BotCommand("meeting", t._("call a meeting: 支委会, 党课… (secretaries)")),
        BotCommand("meetings", t._("upcoming meetings: call one off or change its reminders (secretaries)")),
        BotCommand("attendance", t._("who signed in to a meeting; 代签 and offline attendance (secretaries)")),
    ]


async def together(*calls: Awaitable[Any]) -> list[Any]:
    """Await the calls concurrently; if one fails, cancel the others (none is left running) and raise its error
    as it is (not in an ExceptionGroup: start-up failures are reported by their type, cli/common.py)."""
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def set_commands(bot: Bot, translator: Translator) -> None:
    """Publish every menu: the default locale without a language code, and each locale under its code."""
    scopes: list[tuple[BotCommandScope, object]] = [
        (BotCommandScopeAllPrivateChats(), _private),
        (BotCommandScopeAllGroupChats(), _group),
        (BotCommandScopeAllChatAdministrators(), _group_admins),
    ]
    calls: list[Awaitable[Any]] = []
    for scope, build in scopes:
        assert callable(build)
        calls.append(bot.set_my_commands(build(translator.lang(None)), scope=scope))
        for locale, code in TELEGRAM_LANGUAGE.items():
            calls.append(bot.set_my_commands(build(translator.lang(locale)), scope=scope, language_code=code))
    await together(*calls)  # nine round trips at once: one round trip's time at start-up, not nine


async def set_menu_button(bot: Bot, translator: Translator, app_url: str | None) -> None:
    """The menu button of private chats: the dashboard's Mini App when it is served over https (Telegram opens Mini
    Apps over https only), else the command list."""
    if app_url is not None and app_url.startswith("https://"):
        await bot.set_chat_menu_button(menu_button=MenuButtonWebApp(dashboard.menu_button(translator.lang(None)),
                                                                    WebAppInfo(app_url)))
    else:
        await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
