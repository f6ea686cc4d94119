"""The kinds of callback data of the committee's review of meeting records (审阅); declared like kinds.py, and
like them never changed once sent."""

from __future__ import annotations

from dataclasses import dataclass

from lesson_bot.domain.callbacks.codec import Callback, kind


@kind("rv", "view")
@dataclass(frozen=True)
class ReviewShow(Callback):
    """A reviewer's list: the whole record and its review history."""

    meeting: int


@kind("rv", "ok")
@dataclass(frozen=True)
class ReviewApprove(Callback):
    """A reviewer approves the record's version `stamp` (its recorded_at in seconds)."""

    meeting: int
    stamp: int


@kind("rv", "back")
@dataclass(frozen=True)
class ReviewReturn(Callback):
    """A reviewer returns the record's version `stamp`; the comment is asked for next."""

    meeting: int
    stamp: int


@kind("rv", "ans")
@dataclass(frozen=True)
class ReviewAnswer(Callback):
    """A secretary or the recorder answers the return of review round `round`."""

    meeting: int
    round: int


@kind("rv", "cancel")
@dataclass(frozen=True)
class ReviewCancel(Callback):
    """Cancel typing a return's comment or an answer (`dialog` is the open one)."""

    dialog: int
