"""The direction of dependencies is the architecture (STYLE.md): checked on the source, not by convention.

The checker (arch_matrix) is first proven on a small tree shaped like src/: each violating snippet is caught by
the right rule, each allowed one passes. Then it runs on the real src/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.arch_matrix import (
    BEYOND_TOP,
    CLOCK,
    CYCLE,
    DYNAMIC,
    MATRIX,
    MATRIX_RULE,
    PURITY,
    SIZE,
    TELEGRAM,
    UNKNOWN_PART,
    Violation,
    check,
    part_cycles,
)

SRC = Path(__file__).resolve().parents[2] / "src"

# A tree shaped like src/ that breaks no rule: every part, plus the modules the snippets import.
SKELETON = (
    "lesson_bot/__init__.py", "lesson_bot/__main__.py", "lesson_bot/bootstrap.py", "lesson_bot/config.py",
    "lesson_bot/i18n.py", "lesson_bot/domain/x.py", "lesson_bot/db/__init__.py", "lesson_bot/content/__init__.py",
    "lesson_bot/services/__init__.py", "lesson_bot/services/meetings/__init__.py", "lesson_bot/delivery/outbox.py",
    "lesson_bot/bot/app.py", "lesson_bot/web/app.py", "lesson_bot/reports/__init__.py", "lesson_bot/cli/__init__.py",
    "lesson_bot/demo/__init__.py", "tgrules/__init__.py", "tgsandbox/__init__.py",
)

# (id, {file under src/: text}, {(rule, file, resolved target)} expected: nothing else may be reported)
VIOLATING: list[tuple[str, dict[str, str], set[tuple[str, str, str]]]] = [
    ("from-root-import-part", {"lesson_bot/services/x.py": "from lesson_bot import delivery\n"},
     {(MATRIX_RULE, "lesson_bot/services/x.py", "lesson_bot.delivery")}),
    ("relative-two-levels-up", {"lesson_bot/services/meetings/x.py": "from ...delivery.outbox import Outbox\n"},
     {(MATRIX_RULE, "lesson_bot/services/meetings/x.py", "lesson_bot.delivery.outbox")}),
    ("import-dotted", {"lesson_bot/delivery/x.py": "import lesson_bot.bot.app\n"},
     {(MATRIX_RULE, "lesson_bot/delivery/x.py", "lesson_bot.bot.app")}),
    ("from-part-import-module", {"lesson_bot/bot/x.py": "from lesson_bot.web import app\n"},
     {(MATRIX_RULE, "lesson_bot/bot/x.py", "lesson_bot.web.app")}),
    ("import-as", {"lesson_bot/services/x.py": "import lesson_bot.delivery.outbox as ob\n"},
     {(MATRIX_RULE, "lesson_bot/services/x.py", "lesson_bot.delivery.outbox")}),
    ("in-a-function", {"lesson_bot/services/x.py": "def send() -> None:\n    from lesson_bot.delivery import outbox\n"},
     {(MATRIX_RULE, "lesson_bot/services/x.py", "lesson_bot.delivery.outbox")}),
    ("under-type-checking", {"lesson_bot/web/x.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                                                    "    from lesson_bot.bot.app import Application\n"},
     {(MATRIX_RULE, "lesson_bot/web/x.py", "lesson_bot.bot.app")}),
    ("import-module-literal",
     {"lesson_bot/services/x.py": "import importlib\n\nimportlib.import_module('lesson_bot.bot')\n"},
     {(MATRIX_RULE, "lesson_bot/services/x.py", "lesson_bot.bot")}),
    ("dunder-import-literal", {"lesson_bot/bot/x.py": "__import__('lesson_bot.web.app')\n"},
     {(MATRIX_RULE, "lesson_bot/bot/x.py", "lesson_bot.web.app")}),
    # In a package's __init__.py the package is itself: `..` is lesson_bot, not lesson_bot's parent.
    ("relative-in-init", {"lesson_bot/services/__init__.py": "from .. import delivery\n"},
     {(MATRIX_RULE, "lesson_bot/services/__init__.py", "lesson_bot.delivery")}),
    ("telegram-outside-bot", {"lesson_bot/services/x.py": "import telegram\n"},
     {(TELEGRAM, "lesson_bot/services/x.py", "telegram")}),
    ("sandbox-imports-domain", {"tgsandbox/x.py": "from lesson_bot.domain import x\n"},
     {(MATRIX_RULE, "tgsandbox/x.py", "lesson_bot.domain.x")}),
    ("tgrules-imports-lesson-bot", {"tgrules/x.py": "import lesson_bot\n"},
     {(MATRIX_RULE, "tgrules/x.py", "lesson_bot")}),
    ("domain-imports-sqlalchemy", {"lesson_bot/domain/y.py": "from sqlalchemy import select\n"},
     {(PURITY, "lesson_bot/domain/y.py", "sqlalchemy.select")}),
    ("domain-imports-a-scheduler", {"lesson_bot/domain/y.py": "from apscheduler import schedulers\n"},
     {(PURITY, "lesson_bot/domain/y.py", "apscheduler.schedulers")}),
    ("domain-reads-the-clock", {"lesson_bot/domain/y.py": "from datetime import UTC, datetime\n\n"
                                                          "def today() -> datetime:\n    return datetime.now(UTC)\n"},
     {(CLOCK, "lesson_bot/domain/y.py", "")}),
    ("dynamic-name", {"lesson_bot/services/x.py": "import importlib\n\ndef load(name: str) -> object:\n"
                                                  "    return importlib.import_module(name)\n"},
     {(DYNAMIC, "lesson_bot/services/x.py", "")}),
    ("relative-beyond-top", {"tgrules/x.py": "from .. import lesson_bot\n"}, {(BEYOND_TOP, "tgrules/x.py", "")}),
    ("unplaced-module", {"lesson_bot/runtime.py": "", "lesson_bot/cli/run.py": "from lesson_bot import runtime\n"},
     {(UNKNOWN_PART, "lesson_bot/runtime.py", ""), (UNKNOWN_PART, "lesson_bot/cli/run.py", "lesson_bot.runtime")}),
    ("two-part-cycle", {"lesson_bot/domain/y.py": "from lesson_bot.config import Settings\n",
                        "lesson_bot/config.py": "from lesson_bot.domain import x\n"},
     {(MATRIX_RULE, "lesson_bot/domain/y.py", "lesson_bot.config"),
      (CYCLE, "lesson_bot/config.py", "lesson_bot.domain.x")}),
    ("351-lines", {"lesson_bot/services/big.py": "x = 1\n" * 351}, {(SIZE, "lesson_bot/services/big.py", "")}),
]

PASSING: list[tuple[str, dict[str, str]]] = [
    ("allowed-layers", {"lesson_bot/services/x.py": "from lesson_bot import config\nimport lesson_bot.db\n"
                                                    "from lesson_bot.domain import x\nimport tgrules\n"}),
    ("relative-within-part", {"lesson_bot/services/meetings/x.py": "from . import y\nfrom .. import meetings\n"
                                                                   "from ..meetings import z\n"}),
    # Two dots from services/meetings/x.py is lesson_bot.services: this names services' own `delivery`.
    ("relative-two-dots-stays-in-services", {"lesson_bot/services/meetings/x.py": "from ..delivery.outbox import X\n"}),
    ("relative-in-init-within-part", {"lesson_bot/services/__init__.py": "from . import meetings\n"}),
    ("root-attribute", {"lesson_bot/bot/x.py": "from lesson_bot import __version__\nimport telegram.ext\n"}),
    ("composition-roots", {"lesson_bot/bootstrap.py": "from lesson_bot import bot, delivery, reports, web\n",
                           "lesson_bot/demo/x.py": "import tgsandbox\nfrom lesson_bot import bootstrap\n",
                           "lesson_bot/cli/x.py": "from lesson_bot import demo\nimport tgsandbox\n",
                           "lesson_bot/__main__.py": "from lesson_bot.cli import main\n"}),
    ("pure-domain", {"lesson_bot/domain/y.py": "from datetime import datetime\nimport apscheduler.triggers.cron\n"
                                               "import tgrules\n\ndef later(now: datetime) -> datetime:\n"
                                               "    return now.replace(hour=9)\n"}),
    ("sandbox-uses-rules", {"tgsandbox/x.py": "from tgrules import limits\nimport httpx\n"}),
    ("long-migration", {"lesson_bot/db/migrations/versions/0001_initial.py": "import sqlalchemy\n" + "x = 1\n" * 400}),
]


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    src = tmp_path / "src"
    for name in SKELETON:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        for package in (src / name).relative_to(src).parents:  # every folder is a package
            if package != Path():
                (src / package / "__init__.py").touch()
        (src / name).touch()
    for name, text in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text, encoding="utf-8")
    return src


def _found(violations: list[Violation]) -> set[tuple[str, str, str]]:
    return {(v.rule, v.file.removeprefix("src/"), v.target) for v in violations}


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in VIOLATING], ids=[c[0] for c in VIOLATING])
def test_the_checker_catches_each_violation(tmp_path: Path, files: dict[str, str],
                                            expected: set[tuple[str, str, str]]) -> None:
    """Every import form that breaks a rule is reported under that rule, with the module it resolves to."""
    assert _found(check(_tree(tmp_path, files))) == expected


@pytest.mark.parametrize("files", [c[1] for c in PASSING], ids=[c[0] for c in PASSING])
def test_the_checker_passes_allowed_code(tmp_path: Path, files: dict[str, str]) -> None:
    """Allowed imports, relative imports within a part and a long migration are not reported."""
    assert [str(v) for v in check(_tree(tmp_path, files))] == []


def test_a_violation_names_the_file_line_import_target_and_rule(tmp_path: Path) -> None:
    """The message says where, what was written, what it resolves to and which rule it breaks."""
    src = _tree(tmp_path, {"lesson_bot/services/meetings/x.py": '"""Doc."""\n\nfrom ...delivery import outbox\n'})
    assert [str(v) for v in check(src)] == [
        "src/lesson_bot/services/meetings/x.py:3: `from ...delivery import outbox` -> lesson_bot.delivery.outbox: "
        "[matrix] services may not import delivery (services may import: config, content, db, domain, i18n, tgrules)"
    ]


def test_a_cycle_is_reported_with_its_circle(tmp_path: Path) -> None:
    """A cycle names its parts in order and where each step is imported."""
    src = _tree(tmp_path, {"lesson_bot/domain/y.py": "import lesson_bot.config\n",
                           "lesson_bot/config.py": "\nfrom lesson_bot.domain import x\n"})
    [cycle] = [v for v in check(src) if v.rule == CYCLE]
    assert cycle.why == ("cycle between parts config -> domain -> config (config -> domain at "
                         "src/lesson_bot/config.py:2; domain -> config at src/lesson_bot/domain/y.py:1)")


def test_cycles_are_found_apart_from_the_matrix() -> None:
    """The cycle check stands alone: a three-part circle and a separate pair are each reported once."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "x": {"y"}, "y": {"x"}}
    assert part_cycles(graph) == [["a", "b", "c", "a"], ["x", "y", "x"]]


def test_the_matrix_itself_has_no_cycle() -> None:
    """The allowed imports, taken as edges, form no cycle, so a tree that follows them has none either."""
    assert part_cycles(MATRIX) == []


@pytest.fixture(scope="module")
def violations() -> list[Violation]:
    return check(SRC)


def test_src_follows_the_matrix(violations: list[Violation]) -> None:
    """The real src/ breaks no rule: the matrix, the third-party rules, no cycle, no module over 350 lines."""
    assert violations == [], "\n".join(map(str, violations))
