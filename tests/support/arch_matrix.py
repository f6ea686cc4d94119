"""The allowed-imports matrix between the parts of src/, and a checker that holds it over every import form.

A part is the first component of a module under lesson_bot (`lesson_bot.services.meetings.rsvp` is `services`,
`lesson_bot/bootstrap.py` is `bootstrap`), or a top-level package of its own (`tgrules`, `tgsandbox`). Every
import is resolved to the module it loads: absolute or relative, in a function body or under `if TYPE_CHECKING:`
(it still states a dependency), or through `importlib.import_module` / `__import__` with a literal name.
"""

from __future__ import annotations

import ast
import importlib.util
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

ROOT = "lesson_bot"
OWN_PACKAGES = frozenset({ROOT, "tgrules", "tgsandbox"})
_CORE = frozenset({"domain", "config", "i18n", "db", "content", "tgrules"})
_ADAPTER = _CORE | {"services"}
_EVERYTHING = _ADAPTER | {"delivery", "bot", "web", "reports", "bootstrap"}

# Which parts each part may import; importing within one's own part is always fine.
MATRIX: dict[str, frozenset[str]] = {
    "domain": frozenset({"tgrules"}),
    "config": frozenset({"domain", "tgrules"}),
    "i18n": frozenset({"domain", "config"}),
    "db": frozenset({"domain", "config", "tgrules"}),
    "content": frozenset({"domain", "config", "i18n", "db", "tgrules"}),
    "services": _CORE,
    "delivery": _ADAPTER,
    "bot": _ADAPTER,  # not delivery, web, reports
    "web": _ADAPTER,  # not bot, delivery
    "reports": _ADAPTER,
    "bootstrap": _EVERYTHING - {"bootstrap"},  # not cli, demo
    "demo": _EVERYTHING | {"tgsandbox"},  # not cli
    "cli": _EVERYTHING | {"demo", "tgsandbox"},
    "__main__": frozenset({"cli"}),
    "tgrules": frozenset(),
    "tgsandbox": frozenset({"tgrules"}),
    ROOT: frozenset(),  # lesson_bot/__init__.py runs before every part, so it imports none
}
TELEGRAM_PARTS = frozenset({"bot"})  # python-telegram-bot is the top-level package `telegram`
PURE_PARTS = frozenset({"domain", "tgrules"})
IO_LIBRARIES = ("telegram", "sqlalchemy", "httpx", "starlette", "alembic", "aiohttp", "asyncpg", "aiosqlite",
                "uvicorn", "apscheduler.schedulers")  # APScheduler's triggers are pure date arithmetic
CLOCK_CALLS = frozenset({"now", "utcnow", "today"})
MAX_LINES = 350

MATRIX_RULE, UNKNOWN_PART, TELEGRAM, PURITY, CLOCK = "matrix", "part not in the matrix", "telegram", "purity", "clock"
DYNAMIC, BEYOND_TOP, CYCLE, SIZE = "dynamic import", "relative beyond the top", "cycle", "size"


@dataclass(frozen=True, order=True)
class Violation:
    file: str
    line: int
    rule: str
    written: str  # the import as written
    target: str  # the module it resolves to
    why: str

    def __str__(self) -> str:
        what = f"`{self.written}` -> {self.target or '?'}: " if self.written else ""
        return f"{self.file}:{self.line}: {what}[{self.rule}] {self.why}"


@dataclass(frozen=True)
class Module:
    name: str
    file: str  # as reported: relative to src's parent
    is_package: bool
    tree: ast.Module
    lines: int

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


@dataclass(frozen=True)
class Import:
    line: int
    written: str
    target: str


def part_of(module: str) -> str:
    """`lesson_bot.services.x` -> `services`; `lesson_bot` -> `lesson_bot`; `tgrules.limits` -> `tgrules`."""
    top, _, rest = module.partition(".")
    return (rest.partition(".")[0] or ROOT) if top == ROOT else top


def load(src: Path) -> list[Module]:
    """Every .py file under src/, parsed, with its dotted module name."""
    modules = []
    for path in sorted(src.rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        text = path.read_text(encoding="utf-8")
        modules.append(Module(".".join(parts[:-1] if is_package else parts), path.relative_to(src.parent).as_posix(),
                              is_package, ast.parse(text, filename=str(path)), len(text.splitlines())))
    return modules


def _first_party(module: str, tops: frozenset[str]) -> bool:
    return module.partition(".")[0] in tops


def imports_of(module: Module, known: set[str], tops: frozenset[str]) -> tuple[list[Import], list[Violation]]:
    """What the module imports, resolved; and the imports that cannot be resolved (dynamic, beyond the top)."""
    found: list[Import] = []
    bad: list[Violation] = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found += [Import(node.lineno, ast.unparse(node), alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            written = ast.unparse(node)
            try:
                base = importlib.util.resolve_name("." * node.level + (node.module or ""), module.package)
            except ImportError as error:
                bad.append(Violation(module.file, node.lineno, BEYOND_TOP, written, "", str(error)))
                continue
            for alias in node.names:
                name = f"{base}.{alias.name}"  # `c` in `from a.b import c` is a module, or a name in a.b
                is_module = name in known or not _first_party(name, tops)
                found.append(Import(node.lineno, written, name if alias.name != "*" and is_module else base))
        elif isinstance(node, ast.Call) and (callee := _importer_called(node.func)):
            target, written = _literal_import(node, callee, module.package), ast.unparse(node)
            if target is None:
                bad.append(Violation(module.file, node.lineno, DYNAMIC, written, "",
                                     "the imported module is not a literal name, so the matrix cannot check it"))
            else:
                found.append(Import(node.lineno, written, target))
    return found, bad


def _importer_called(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name) and func.id in ("import_module", "__import__"):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (func.value.id, func.attr) in (
            ("importlib", "import_module"), ("builtins", "__import__")):
        return func.attr
    return None


def _literal_import(call: ast.Call, callee: str, package: str) -> str | None:
    if not call.args or not isinstance(name := call.args[0], ast.Constant) or not isinstance(name.value, str):
        return None
    level: object = 0
    if callee == "__import__":  # __import__(name, globals, locals, fromlist, level)
        given = [k.value for k in call.keywords if k.arg == "level"] or call.args[4:5]
        level = given[0].value if given and isinstance(given[0], ast.Constant) else (None if given else 0)
    if not isinstance(level, int):
        return None
    try:
        return importlib.util.resolve_name("." * level + name.value, package)
    except ImportError:
        return None


def _import_rules(module: Module, imp: Import, tops: frozenset[str]) -> Iterator[tuple[str, str]]:
    """(rule, why) for each rule this import breaks."""
    part, target = part_of(module.name), part_of(imp.target)
    if _first_party(imp.target, tops):
        if target == part or (target == ROOT and module.name.partition(".")[0] == ROOT):
            return
        if target not in MATRIX:
            yield UNKNOWN_PART, f"{target} is not a part of the matrix: place it deliberately"
        elif part in MATRIX and target not in MATRIX[part]:
            allowed = ", ".join(sorted(MATRIX[part])) or "nothing"
            yield MATRIX_RULE, f"{part} may not import {target} ({part} may import: {allowed})"
    elif imp.target.partition(".")[0] == "telegram" and part not in TELEGRAM_PARTS:
        yield TELEGRAM, f"only {', '.join(sorted(TELEGRAM_PARTS))} may import telegram (python-telegram-bot)"
    elif part in PURE_PARTS and any(imp.target == lib or imp.target.startswith(lib + ".") for lib in IO_LIBRARIES):
        yield PURITY, f"{part} is pure: no I/O or framework library"


def _clock_calls(module: Module) -> Iterator[Violation]:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CLOCK_CALLS:
            yield Violation(module.file, node.lineno, CLOCK, "", "",
                            f"{part_of(module.name)} is pure: `{ast.unparse(node)}` reads the clock; take `now`")


Edges = dict[tuple[str, str], tuple[Module, Import]]


def check(src: Path) -> list[Violation]:
    """Every violation under src/ of the matrix, the third-party rules, acyclicity and the size limit."""
    modules = load(src)
    known = {m.name for m in modules}
    tops = OWN_PACKAGES | {m.name.partition(".")[0] for m in modules}
    violations: dict[tuple[str, int, str, str], Violation] = {}
    edges: Edges = {}
    unplaced: set[str] = set()
    for module in modules:
        part = part_of(module.name)
        found: list[Violation] = []
        if part not in MATRIX and part not in unplaced:  # reported once, at its first module
            unplaced.add(part)
            found.append(Violation(module.file, 1, UNKNOWN_PART, "", "",
                                   f"{part} is not a part of the matrix: place it deliberately"))
        if module.lines > MAX_LINES and "/migrations/versions/" not in module.file:
            found.append(Violation(module.file, module.lines, SIZE, "", "",
                                   f"{module.lines} lines, over the {MAX_LINES}-line limit: split it"))
        if part in PURE_PARTS:
            found += _clock_calls(module)
        imports, found_bad = imports_of(module, known, tops)
        found += found_bad
        for imp in imports:
            target = part_of(imp.target)
            if _first_party(imp.target, tops) and target not in (part, ROOT):
                edges.setdefault((part, target), (module, imp))
            found += [Violation(module.file, imp.line, rule, imp.written, imp.target, why)
                      for rule, why in _import_rules(module, imp, tops)]
        for v in found:  # `from a import b, c` breaks a rule once, not once per name
            violations.setdefault((v.file, v.line, v.rule, part_of(v.target)), v)
    return sorted([*violations.values(), *cycles(edges)])


def cycles(edges: Edges) -> list[Violation]:
    """One violation per group of parts that import each other in a circle, naming one circle and its imports."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    found = []
    for circle in part_cycles(graph):
        steps = list(pairwise(circle))
        module, imp = edges[steps[0]]
        how = "; ".join(f"{a} -> {b} at {edges[a, b][0].file}:{edges[a, b][1].line}" for a, b in steps)
        found.append(Violation(module.file, imp.line, CYCLE, imp.written, imp.target,
                               f"cycle between parts {' -> '.join(circle)} ({how})"))
    return found


def part_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """One shortest circle (`[a, b, a]`) per group of parts that import each other, starting at its first part."""
    edges = {part: set(targets) - {part} for part, targets in graph.items()}
    reach = {part: _reachable(edges, part) for part in edges}
    reported: set[frozenset[str]] = set()
    found = []
    for part in sorted(edges):
        group = frozenset(p for p in reach[part] if part in reach.get(p, ()))
        if part in reach[part] and group not in reported:
            reported.add(group)
            found.append(_shortest_circle(edges, part, group))
    return found


def _reachable(graph: Mapping[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph.get(start, ()))
    while todo:
        part = todo.pop()
        if part not in seen:
            seen.add(part)
            todo += graph.get(part, ())
    return seen


def _shortest_circle(graph: Mapping[str, set[str]], start: str, group: Iterable[str]) -> list[str]:
    """Breadth first from `start` back to it, inside its group."""
    inside, came_from, todo = set(group), {start: start}, deque([start])
    while todo:
        part = todo.popleft()
        for nxt in sorted(graph.get(part, set()) & inside):
            if nxt == start:
                circle = [part]
                while circle[-1] != start:
                    circle.append(came_from[circle[-1]])
                return [*reversed(circle), start]
            if nxt not in came_from:
                came_from[nxt] = part
                todo.append(nxt)
    raise AssertionError(f"{start} is in a cycle but no circle returns to it")
