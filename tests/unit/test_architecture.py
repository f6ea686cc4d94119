"""The direction of dependencies is the architecture (STYLE.md): checked on the source, not by convention."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "lesson_bot"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0] if not node.module.startswith("lesson_bot.") else node.module)
    return found


@pytest.mark.parametrize("path", sorted((SRC / "domain").rglob("*.py")), ids=lambda p: p.name)
def test_domain_is_pure(path: Path) -> None:
    """domain/ imports neither Telegram, nor the database, nor the other layers."""
    imports = _imports(path)
    # APScheduler's triggers are pure date arithmetic (recurrence uses them); its schedulers are not used here.
    forbidden = {"telegram", "sqlalchemy", "httpx", "starlette", "alembic"}
    assert not imports & forbidden
    text = path.read_text(encoding="utf-8")
    assert "apscheduler.schedulers" not in text and "datetime.now(" not in text and ".now()" not in text
    assert not {m for m in imports if m.startswith("lesson_bot.") and not m.startswith("lesson_bot.domain")}


def test_only_the_bot_package_imports_telegram() -> None:
    """python-telegram-bot is used only by the bot adapter (the sandbox speaks HTTP, not PTB)."""
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if "telegram" in _imports(p) and p.relative_to(SRC).parts[0] != "bot"
    ]
    assert offenders == []
