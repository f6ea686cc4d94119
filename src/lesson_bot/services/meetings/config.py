"""The meeting types in force: the built-ins, with the organization's file (Settings.meeting_types_file) applied."""

from __future__ import annotations

from pathlib import Path

from lesson_bot.config import ENV_PREFIX, ConfigError
from lesson_bot.domain.meeting_types import MeetingTypeError, MeetingTypes, load_types

VARIABLE = f"{ENV_PREFIX}MEETING_TYPES_FILE"


def read_meeting_types(path: Path | None) -> MeetingTypes:
    """The types, or ConfigError naming the variable, the file and the line (the service does not start)."""
    if path is None:
        return MeetingTypes()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{VARIABLE}: cannot read {path}: {exc}") from None
    try:
        return load_types(text, path.name)
    except MeetingTypeError as exc:
        raise ConfigError(f"{VARIABLE}: {exc}") from None
