"""The assessment rules in force: the organization's file (Settings.assessment_file), else the shipped defaults."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from lesson_bot.config import ENV_PREFIX, ConfigError
from lesson_bot.domain.assessment import AssessmentRules
from lesson_bot.domain.assessment_file import AssessmentError, load_rules

VARIABLE = f"{ENV_PREFIX}ASSESSMENT_FILE"
DEFAULT_FILE = "assessment_default.yaml"


def default_rules_text() -> str:
    """The documented defaults shipped in the package."""
    return resources.files("lesson_bot").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")


def read_rules_file(path: Path) -> AssessmentRules:
    """The rules of one file; AssessmentError (with file and line) or OSError when it cannot be used."""
    return load_rules(path.read_text(encoding="utf-8"), path.name)


def read_assessment_rules(path: Path | None) -> AssessmentRules:
    """The rules, or ConfigError naming the variable, the file and the line (the service does not start)."""
    if path is None:
        return load_rules(default_rules_text(), DEFAULT_FILE)
    try:
        return read_rules_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{VARIABLE}: cannot read {path}: {exc}") from None
    except AssessmentError as exc:
        raise ConfigError(f"{VARIABLE}: {exc}") from None
