"""Typed reading of front matter values: each reader returns the value, or None after recording a problem.

Text fields take any scalar's source text, because YAML's guessing turns `1949`, `yes` or `2018-01-01` into
numbers, booleans and dates that an author meant as text. Whole-number fields insist on a real integer.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from pathlib import Path

import yaml

from lesson_bot.content.frontmatter import YMap, YNode, YScalar, YSeq
from lesson_bot.content.model import Problem, utf16_len


def describe(node: YNode) -> str:
    """How a value looks to an author, for 'expected X, got Y' messages."""
    if isinstance(node, YSeq):
        return "a list"
    if isinstance(node, YMap):
        return "a group of 'key: value' lines"
    if node.tag == "null":
        return "nothing"
    if node.tag == "str":
        return f"text '{node.text[:40]}'"
    return f"'{node.text[:40]}'"


class Reader:
    """Reads values for one file and collects the problems, each with the file line of its key or item."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def mapping(self, node: YNode | None, name: str, line: int) -> YMap | None:
        if isinstance(node, YMap):
            return node
        if node is not None:
            self.problem(line, f"{name}: expected 'key: value' lines, got {describe(node)}")
        return None

    def sequence(self, node: YNode | None, name: str, line: int, example: str) -> YSeq | None:
        if isinstance(node, YSeq):
            return node
        if isinstance(node, YScalar) and node.tag == "null":
            return YSeq(node.line, ())
        if node is not None:
            self.problem(line, f"{name}: expected a list {example}, got {describe(node)}")
        return None

    def check_keys(self, node: YMap, name: str, allowed: Collection[str], required: Collection[str]) -> None:
        """Report unknown keys (with a likely spelling) and missing required ones."""
        for key, line in node.key_lines.items():
            if key in allowed:
                continue
            guess = difflib.get_close_matches(key, list(allowed), n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else "allowed keys are " + ", ".join(allowed)
            where = f"{name}: " if name else ""
            self.problem(line, f"{where}unknown key '{key}'; {hint}")
        for key in required:
            if key not in node.values:
                where = f"{name}." if name else ""
                self.problem(node.line, f"missing required key '{where}{key}': add a line '{key}: ...'")

    def text(
        self,
        node: YNode | None,
        name: str,
        line: int,
        limit: int,
        *,
        telegram: bool = False,
        minimum: int = 1,
    ) -> str | None:
        """A stripped text value of `minimum`..`limit` characters (UTF-16 units when Telegram counts)."""
        if node is None:
            return None
        if not isinstance(node, YScalar):
            self.problem(line, f"{name}: expected text, got {describe(node)}")
            return None
        value = "" if node.tag == "null" else node.text.strip()
        size = utf16_len(value) if telegram else len(value)
        if size < minimum:
            self.problem(line, f"{name}: is empty; write {minimum}-{limit} characters")
            return None
        if size > limit:
            rule = f"Telegram allows at most {limit}" if telegram else f"at most {limit} allowed"
            self.problem(line, f"{name}: {size} characters, {rule}; shorten it by {size - limit}")
            return None
        return value

    def integer(self, node: YNode | None, name: str, line: int, low: int, high: int) -> int | None:
        """A whole number in low..high."""
        if node is None:
            return None
        value: object = None
        if isinstance(node, YScalar) and node.tag == "int":
            try:
                value = yaml.SafeLoader("").construct_object(node.node)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError):
                value = None
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(line, f"{name}: expected a whole number from {low} to {high}, got {describe(node)}")
            return None
        if not low <= value <= high:
            self.problem(line, f"{name}: {value} is out of range; use a whole number from {low} to {high}")
            return None
        return value

    def text_list(
        self, node: YNode | None, name: str, line: int, limit: int, *, telegram: bool = False
    ) -> list[tuple[str | None, int]] | None:
        """Each item of a list of texts with its line; None items were reported."""
        seq = self.sequence(node, name, line, "like [a, b]")
        if seq is None:
            return None
        return [
            (self.text(item, f"{name}[{number}]", item.line, limit, telegram=telegram), item.line)
            for number, item in enumerate(seq.items, start=1)
        ]
