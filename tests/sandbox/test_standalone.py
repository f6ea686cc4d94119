"""The standalone sandbox (`lesson-bot sandbox`, `python -m tgsandbox`), a plain PTB bot, and its independence.

tgsandbox and tgrules import nothing of lesson_bot (and tgrules nothing of tgsandbox): any python-telegram-bot
project can use them. Checked on the source over every import form, and by importing them where lesson_bot
cannot be imported.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
import telegram

from tests.support.sandbox import standalone
from tgsandbox import ControlClient

LESSON_BOT = [sys.executable, "-c", "from lesson_bot.cli import main; main()"]
SRC = Path(__file__).resolve().parents[2] / "src"
# Prepended to a `python -c` script: from then on lesson_bot cannot be imported, as if it were not installed,
# and every attempt is recorded in BLOCKER.attempts.
NO_LESSON_BOT = """
import sys

class NoLessonBot:
    attempts = []

    def find_spec(self, name, path=None, target=None):
        if name == "lesson_bot" or name.startswith("lesson_bot."):
            self.attempts.append(name)
            raise ModuleNotFoundError(f"No module named {name!r} (blocked)", name=name)
        return None

BLOCKER = NoLessonBot()
sys.meta_path.insert(0, BLOCKER)
"""
IMPORT_EVERY_MODULE = """
import importlib, json, pkgutil
modules = []
for package in ("tgrules", "tgsandbox"):
    modules.append(importlib.import_module(package).__name__)
    for info in pkgutil.walk_packages(sys.modules[package].__path__, package + "."):
        modules.append(importlib.import_module(info.name).__name__)
attempts = list(BLOCKER.attempts)
try:
    import lesson_bot
    blocked = False
except ImportError:
    blocked = True
loaded = sorted(name for name in sys.modules if name.split(".")[0] == "lesson_bot")
print(json.dumps({"modules": modules, "attempts": attempts, "blocked": blocked, "loaded": loaded}))
"""
RUN_AS_MAIN = """
import runpy
sys.argv = ["tgsandbox", "--port", "0"]
runpy.run_module("tgsandbox", run_name="__main__", alter_sys=True)
"""


async def test_cli_sandbox_serves_a_plain_ptb_bot() -> None:
    """`lesson-bot sandbox` prints a base URL and a token that python-telegram-bot alone can use."""
    with standalone(["sandbox", "--port", "0", "--json"], executable=LESSON_BOT) as announced:
        control = ControlClient(announced["control_url"])
        try:
            user = await control.create_user("Li")
            await control.start(user["id"], "branch-7")
            async with telegram.Bot(announced["token"], base_url=announced["base_url"]) as bot:
                (update,) = await bot.get_updates()
                assert update.message is not None and update.message.text == "/start branch-7"
                await bot.send_message(user["id"], "欢迎")
            transcript = await control.transcript(user["id"])
            assert [m["text"] for m in transcript["messages"]] == ["/start branch-7", "欢迎"]
        finally:
            await control.aclose()


async def test_module_entry_point_takes_a_token() -> None:
    """`python -m tgsandbox --token T` accepts exactly that token."""
    token = "123456:sandbox-test-token"
    with standalone(["-m", "tgsandbox", "--token", token, "--time-scale", "10"]) as announced:
        assert announced["token"] == token
        async with telegram.Bot(token, base_url=announced["base_url"]) as bot:
            assert bot.bot.id == 123456


def imported_modules(source: str, package: str) -> set[str]:
    """Every module an import in `source` may load, relative imports resolved against `package`.

    `from a import b` counts both a and a.b (b may be a submodule); importlib.import_module("x") and
    __import__("x") with a literal name count too.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1]) if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in {"import_module", "__import__"} and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def _sources(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


def _package_of(path: Path) -> str:
    return ".".join(path.parent.relative_to(SRC).parts)


@pytest.mark.parametrize(
    ("source", "package", "module"),
    [
        ("import lesson_bot", "tgsandbox", "lesson_bot"),
        ("import lesson_bot.domain.cadence as cadence", "tgsandbox", "lesson_bot.domain.cadence"),
        ("from lesson_bot import i18n", "tgsandbox", "lesson_bot.i18n"),
        ("from lesson_bot.domain.cadence import Cadence", "tgsandbox", "lesson_bot.domain.cadence"),
        ("from .. import i18n", "lesson_bot.domain", "lesson_bot.i18n"),
        ("from .errors import bad_request", "tgsandbox", "tgsandbox.errors"),
        ("def f():\n    import lesson_bot.cli", "tgsandbox", "lesson_bot.cli"),
        ("importlib.import_module('lesson_bot.cli')", "tgsandbox", "lesson_bot.cli"),
    ],
)
def test_the_import_walk_sees_every_form(source: str, package: str, module: str) -> None:
    """The check below would notice each way of importing lesson_bot (a check of the check)."""
    assert module in imported_modules(source, package)


@pytest.mark.parametrize(
    ("package", "forbidden"), [("tgsandbox", {"lesson_bot"}), ("tgrules", {"lesson_bot", "tgsandbox"})]
)
def test_the_source_imports_nothing_of_lesson_bot(package: str, forbidden: set[str]) -> None:
    """No file of tgsandbox imports lesson_bot; no file of tgrules imports lesson_bot or tgsandbox."""
    sources = _sources(package)
    assert SRC / package / "__init__.py" in sources and len(sources) >= 2
    offenders = {
        f"{path.relative_to(SRC)}: {module}"
        for path in sources
        for module in imported_modules(path.read_text(encoding="utf-8"), _package_of(path))
        if module.split(".")[0] in forbidden
    }
    assert offenders == set()


def test_every_module_imports_where_lesson_bot_cannot(tmp_path: Path) -> None:
    """Each module of tgrules and tgsandbox imports in a Python where importing lesson_bot fails."""
    done = subprocess.run(
        [sys.executable, "-c", NO_LESSON_BOT + IMPORT_EVERY_MODULE],
        capture_output=True, text=True, cwd=tmp_path, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {"tgrules.html", "tgrules.limits", "tgsandbox.server", "tgsandbox.app", "tgsandbox.__main__"} <= set(
        report["modules"]
    )
    assert report["attempts"] == [] and report["loaded"] == []
    assert report["blocked"], "the blocker let lesson_bot be imported, so this test proves nothing"


async def test_module_entry_point_serves_where_lesson_bot_cannot_be_imported() -> None:
    """`python -m tgsandbox` serves a plain PTB bot in a Python where importing lesson_bot fails."""
    with standalone(["-c", NO_LESSON_BOT + RUN_AS_MAIN]) as announced:
        control = ControlClient(announced["control_url"])
        try:
            user = await control.create_user("Zhao")
            await control.start(user["id"])
            async with telegram.Bot(announced["token"], base_url=announced["base_url"]) as bot:
                (update,) = await bot.get_updates()
                assert update.message is not None and update.message.text == "/start"
                await bot.send_message(user["id"], "<b>你好</b>", parse_mode="HTML")
            transcript = await control.transcript(user["id"])
            assert [m["text"] for m in transcript["messages"]] == ["/start", "你好"]
        finally:
            await control.aclose()
