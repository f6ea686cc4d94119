"""Inline keyboards. Their callback data is encoded by lesson_bot.domain.callbacks (which checks the 64 bytes)."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from lesson_bot.domain.callbacks import Callback, LanguageSet, Register
from lesson_bot.i18n import Lang
from lesson_bot.services.views import BranchView

COMMON_ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Urumqi", "UTC")


def button(text: str, tap: Callback) -> InlineKeyboardButton:
    """A button whose tap carries `tap`."""
    return InlineKeyboardButton(text, callback_data=tap.encode())


def register_title(t: Lang, dialog_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(t._("Use the group's name"), Register("title", dialog_id))],
            [button(t._("Cancel"), Register("cancel", dialog_id))],
        ]
    )


def register_timezone(t: Lang, dialog_id: int, default_zone: str) -> InlineKeyboardMarkup:
    zones = [default_zone, *(z for z in COMMON_ZONES if z != default_zone)]
    rows = [[button(("✓ " if z == default_zone else "") + z, Register("tz", dialog_id, z))] for z in zones]
    rows.append([button(t._("Cancel"), Register("cancel", dialog_id))])
    return InlineKeyboardMarkup(rows)


def languages() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button("简体中文", LanguageSet("zh-Hans")), button("English", LanguageSet("en"))]]
    )


def choose_branch(pick: Callable[[int], Callback], branches: list[BranchView]) -> InlineKeyboardMarkup:
    """One button per branch, carrying `pick(branch id)`."""
    return InlineKeyboardMarkup([[button(b.title, pick(b.id))] for b in branches])
