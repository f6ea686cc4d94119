"""The /survey form: one message, a title after the command, then `key: value` lines and one question per line.

Keys are accepted in Chinese and English, with a Chinese or an ASCII colon: 期间/period, 截止/closes, 量表/scale,
标题/title, 问题/question. Any other non-empty line is a question (a leading "1." or "1、" is dropped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from lesson_bot.domain.surveys import Scale

KEYS = {"期间": "period", "周期": "period", "period": "period", "截止": "closes", "截止时间": "closes",
        "closes": "closes", "量表": "scale", "scale": "scale", "标题": "title", "title": "title",
        "问题": "question", "question": "question"}
SCALES = {"满意度": Scale.SATISFACTION, "三级": Scale.SATISFACTION, "satisfaction": Scale.SATISFACTION,
          "3": Scale.SATISFACTION, "五级": Scale.FIVE, "five": Scale.FIVE, "5": Scale.FIVE, "1-5": Scale.FIVE}
_KEY = re.compile(r"^\s*([^:：]{1,12})\s*[:：]\s*(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,2}\s*[.、)）]\s*")


class FormError(ValueError):
    """The form cannot be read; `field` says which part (title, closes, scale, questions)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


@dataclass
class Form:
    title: str = ""
    period: str = ""
    closes_at: datetime | None = None
    scale: Scale = Scale.SATISFACTION
    questions: list[str] = field(default_factory=list)


def _closes(value: str, zone: str) -> datetime:
    value = value.strip().replace("：", ":")
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, pattern)  # noqa: DTZ007 - the zone is attached just below
        except ValueError:
            continue
        if pattern == "%Y-%m-%d":
            parsed = datetime.combine(parsed.date(), time(23, 59))
        return parsed.replace(tzinfo=ZoneInfo(zone))
    raise FormError("closes")


def parse_form(text: str, zone: str) -> Form:
    """The form in a /survey message (its first line the command and the title); FormError if unreadable."""
    first, _, rest = text.partition("\n")
    form = Form(title=first.partition(" ")[2].strip())
    for line in rest.splitlines():
        if not line.strip():
            continue
        match = _KEY.match(line)
        key = KEYS.get(match.group(1).strip().lower()) if match else None
        if match is None or key is None:
            form.questions.append(_NUMBER.sub("", line).strip())
            continue
        value = match.group(2).strip()
        if key == "closes":
            form.closes_at = _closes(value, zone)
        elif key == "scale":
            if value.lower() not in SCALES:
                raise FormError("scale")
            form.scale = SCALES[value.lower()]
        elif key == "question":
            if value:
                form.questions.append(value)
        else:
            setattr(form, key, value)
    if not form.title:
        raise FormError("title")
    if form.closes_at is None:
        raise FormError("closes")
    if not form.questions:
        raise FormError("questions")
    return form
