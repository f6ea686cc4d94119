"""reports/ sits beside bot, web and delivery (DESIGN.md): it uses services and below, and nothing below uses it."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "lesson_bot"
ABOVE_OR_BESIDE = ("bot", "web", "delivery", "bootstrap", "cli", "demo", "runtime")
BELOW = ("domain", "db", "services", "content", "config.py", "i18n.py")


def _lesson_bot_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else [])
        found.update(".".join(n.split(".")[:2]) for n in names if n.startswith("lesson_bot."))
    return found


def test_reports_import_only_services_and_below() -> None:
    offenders = {str(p.relative_to(SRC)): sorted(m for m in _lesson_bot_imports(p)
                                                 if m.removeprefix("lesson_bot.") in ABOVE_OR_BESIDE)
                 for p in (SRC / "reports").rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_nothing_below_reports_imports_it() -> None:
    below = [p for part in BELOW for p in ([SRC / part] if part.endswith(".py") else (SRC / part).rglob("*.py"))]
    assert below and [str(p.relative_to(SRC)) for p in below if "lesson_bot.reports" in _lesson_bot_imports(p)] == []
