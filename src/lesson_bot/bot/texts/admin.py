"""Texts for the admins' chat."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from lesson_bot.content.model import Problem
from lesson_bot.i18n import Lang

SHOWN = 20


def library_problems(t: Lang, problems: Sequence[Problem]) -> str:
    """Broken lesson files were skipped: which, and why (file:line: message)."""
    files = len({p.path for p in problems})
    lines = [t.ngettext("⚠️ {n} lesson file has problems and was skipped:",
                        "⚠️ {n} lesson files have problems and were skipped:", files)]
    lines += [f"<code>{escape(str(p))}</code>" for p in problems[:SHOWN]]
    if len(problems) > SHOWN:
        lines.append(t._("… and {n} more.", n=len(problems) - SHOWN))
    lines.append(t._(
        "The other lessons are available. Fix the files and run <code>lesson-bot content check</code> "
        "to see every problem."
    ))
    return "\n".join(lines)
