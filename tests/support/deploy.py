"""Reading the deploy/ files as an operator's tools would: the Dockerfile's instructions by stage, the settings'
variable names, the env template's entries."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from lesson_bot.config import ENV_PREFIX, Settings
from tests.support import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / ".env.example"
UNIT = DEPLOY / "lesson-bot.service"
_SETTING_LINE = re.compile(r"^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$")


def settings_variables() -> set[str]:
    """Every environment variable Settings reads."""
    prefix = Settings.model_config.get("env_prefix") or ENV_PREFIX
    return {f"{prefix}{name}".upper() for name in Settings.model_fields}


@dataclass(frozen=True)
class EnvEntry:
    name: str
    value: str
    active: bool  # False: commented out (the default applies)
    comment: str  # the comment lines just above it


def env_entries(path: Path = ENV_EXAMPLE) -> list[EnvEntry]:
    """The template's VARIABLE=value lines, active or commented out, each with the comment above it."""
    entries: list[EnvEntry] = []
    comment: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _SETTING_LINE.match(line)
        if match:
            entries.append(EnvEntry(match[1], match[2], not line.startswith("#"), " ".join(comment)))
            comment = []
        elif line.startswith("#"):
            comment.append(line.lstrip("# ").strip())
        else:
            comment = []
    return entries


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, ENV, ...
    arguments: str  # as written, continuation lines joined

    def exec_form(self) -> list[str] | None:
        """The JSON array of an exec-form argument (after HEALTHCHECK's options and CMD), else None."""
        text = self.arguments
        if self.keyword == "HEALTHCHECK":
            text = text[text.index("CMD") + 3:].strip()
        return list(json.loads(text)) if text.startswith("[") else None

    def env(self) -> dict[str, str]:
        """ENV's KEY=value pairs."""
        return dict(part.split("=", 1) for part in shlex.split(self.arguments))


def dockerfile_stages(path: Path = DOCKERFILE) -> list[list[Instruction]]:
    """The Dockerfile's instructions, one list per stage (what comes before the first FROM is left out)."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: list[list[Instruction]] = []
    for line in logical:
        keyword, _, arguments = line.partition(" ")
        instruction = Instruction(keyword.upper(), " ".join(arguments.split()))
        if instruction.keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages
