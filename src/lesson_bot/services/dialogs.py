"""Wizard state in the database: a restart or another replica continues a dialog where it was."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from lesson_bot.db.models import Dialog
from lesson_bot.db.uow import Database
from lesson_bot.services.clock import Clock

DEFAULT_TTL = timedelta(minutes=30)


@dataclass(frozen=True)
class DialogState:
    id: int
    chat_id: int
    user_id: int
    kind: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


class DialogService:
    """One open dialog per user per chat; starting another replaces it."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def begin(
        self, chat_id: int, user_id: int, kind: str, step: str, data: dict[str, Any] | None = None,
        ttl: timedelta = DEFAULT_TTL,
    ) -> DialogState:
        """Open a dialog (replacing any other this user had in this chat)."""
        async with self._db.transaction() as s:
            await s.execute(delete(Dialog).where(Dialog.chat_id == chat_id, Dialog.user_id == user_id))
            row = Dialog(chat_id=chat_id, user_id=user_id, kind=kind, step=step, data=data or {},
                         expires_at=self._clock.now() + ttl)
            s.add(row)
            await s.flush()
            return _state(row)

    async def current(self, chat_id: int, user_id: int) -> DialogState | None:
        """The user's open dialog in this chat, unless it expired."""
        async with self._db.transaction() as s:
            row = (await s.execute(
                select(Dialog).where(Dialog.chat_id == chat_id, Dialog.user_id == user_id)
            )).scalar_one_or_none()
            if row is None or row.expires_at <= self._clock.now():
                return None
            return _state(row)

    async def get(self, dialog_id: int) -> DialogState | None:
        """A dialog by id (from a button), unless it ended or expired."""
        async with self._db.transaction() as s:
            row = await s.get(Dialog, dialog_id)
            if row is None or row.expires_at <= self._clock.now():
                return None
            return _state(row)

    async def advance(self, dialog_id: int, step: str, data: dict[str, Any], ttl: timedelta = DEFAULT_TTL) -> None:
        """Move a dialog to its next step, keeping what was collected."""
        async with self._db.transaction() as s:
            row = await s.get(Dialog, dialog_id)
            if row is not None:
                row.step, row.data = step, {**row.data, **data}
                row.expires_at = self._clock.now() + ttl

    async def end(self, dialog_id: int) -> None:
        """Close a dialog (done or cancelled)."""
        async with self._db.transaction() as s:
            await s.execute(delete(Dialog).where(Dialog.id == dialog_id))


def _state(row: Dialog) -> DialogState:
    return DialogState(row.id, row.chat_id, row.user_id, row.kind, row.step, dict(row.data))
