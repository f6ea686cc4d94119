"""Texts of /dashboard: the one-time login link to the web dashboard, and the Mini App's menu button."""

from __future__ import annotations

from html import escape

from lesson_bot.i18n import Lang


def login_link(t: Lang, url: str, minutes: int) -> str:
    return t._("Your dashboard: <a href=\"{url}\">open it here</a>.\nThe link works once, for {minutes} minutes; "
               "do not forward it: it signs you in as you. Send /dashboard again for a new one.",
               url=escape(url, quote=True), minutes=minutes)


def not_configured(t: Lang) -> str:
    return t._("The web dashboard is not set up on this server: ask your administrator.")


def private_only(t: Lang) -> str:
    return t._("Send /dashboard to me in a private chat: the link signs you in as you.")


def menu_button(t: Lang) -> str:
    return t._("Dashboard")


def command(t: Lang) -> str:
    return t._("open the web dashboard: a one-time login link")
