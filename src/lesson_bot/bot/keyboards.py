"""Inline keyboards. Callback data is `feature:verb:id[:arg]`, at most 64 bytes (checked when built)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from lesson_bot.i18n import Lang
from lesson_bot.services.views import BranchView
from tgrules.limits import CALLBACK_DATA_MAX_BYTES

COMMON_ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Urumqi", "UTC")


def data(*parts: object) -> str:
    """Callback data from its parts; refuses anything Telegram would reject."""
    value = ":".join(str(p) for p in parts)
    if len(value.encode()) > CALLBACK_DATA_MAX_BYTES:
        raise ValueError(f"callback data over {CALLBACK_DATA_MAX_BYTES} bytes: {value!r}")
    return value


def _button(text: str, *parts: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data(*parts))


def register_title(t: Lang, dialog_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(t._("Use the group's name"), "reg", "title", dialog_id)],
            [_button(t._("Cancel"), "reg", "cancel", dialog_id)],
        ]
    )


def register_timezone(t: Lang, dialog_id: int, default_zone: str) -> InlineKeyboardMarkup:
    zones = [default_zone, *(z for z in COMMON_ZONES if z != default_zone)]
    rows = [[_button(("✓ " if z == default_zone else "") + z, "reg", "tz", dialog_id, z)] for z in zones]
    rows.append([_button(t._("Cancel"), "reg", "cancel", dialog_id)])
    return InlineKeyboardMarkup(rows)


def languages() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button("简体中文", "lang", "set", "zh-Hans"), _button("English", "lang", "set", "en")]]
    )


def choose_branch(feature: str, verb: str, dialog_id: int, branches: list[BranchView]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(b.title, feature, verb, dialog_id, b.id)] for b in branches])
