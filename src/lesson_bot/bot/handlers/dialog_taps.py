"""The wizard a button tap belongs to: every wizard (register, schedule, meeting) refuses the same two taps."""

from __future__ import annotations

from collections.abc import Collection

from telegram import CallbackQuery

from lesson_bot.bot.context import Context
from lesson_bot.bot.texts import onboarding
from lesson_bot.i18n import Lang
from lesson_bot.services.dialogs import DialogState


async def tapped_dialog(query: CallbackQuery, context: Context, t: Lang, dialog_id: int,
                        kinds: Collection[str] | None = None) -> DialogState | None:
    """The tapper's open dialog `dialog_id` (of one of `kinds`, if given); None after telling them it expired or
    belongs to someone else."""
    dialog = await context.services.dialogs.get(dialog_id)
    if dialog is None or (kinds is not None and dialog.kind not in kinds):
        await query.answer(onboarding.dialog_expired(t), show_alert=True)
        return None
    if dialog.user_id != query.from_user.id:
        await query.answer(onboarding.dialog_not_yours(t), show_alert=True)
        return None
    return dialog
