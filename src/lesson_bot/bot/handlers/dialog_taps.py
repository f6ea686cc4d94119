"""The wizard a button tap belongs to: every wizard (register, schedule, meeting) refuses the same two taps; and a
tap whose data is no kind of button this bot sends (forged, or from a format long gone) is answered like an
expired one."""

from __future__ import annotations

from collections.abc import Collection

from telegram import CallbackQuery, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

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


async def on_unknown_tap(update: Update, context: Context) -> None:
    """A tap no handler's pattern took: its data does not decode, so there is nothing to act on."""
    query = update.callback_query
    assert query is not None
    await query.answer(onboarding.dialog_expired(await context.lang(update)), show_alert=True)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Registered after every other tap handler of its group."""
    return [CallbackQueryHandler(on_unknown_tap)]
