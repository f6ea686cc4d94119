"""Front matter: split it from the body and turn its YAML into a small tree that remembers file lines.

PyYAML's composed node tree (`yaml.compose`) is used instead of `yaml.safe_load` because only the nodes
carry the marks an author needs ("line 14"), and because nothing is constructed that the rules do not ask for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from lesson_bot.content.model import Problem

_FENCE = re.compile(r"---[ \t]*")
# libyaml's parser where PyYAML was built with it: the same node tree and marks, about ten times faster than the
# pure-Python one, which was most of the library's load at start-up (docs/operations.md). A file it refuses is
# parsed again by the pure-Python parser, whose error messages the problems quote.
_FAST_LOADER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)


@dataclass(frozen=True)
class Split:
    """The YAML text between the fences and the body after them, with the file line each starts on."""

    yaml_text: str
    yaml_line: int
    body: str
    body_line: int


@dataclass(frozen=True)
class YScalar:
    """A scalar value: its source text and the tag YAML resolved for it (int, str, bool, null, ...)."""

    line: int
    tag: str
    text: str
    node: yaml.ScalarNode


@dataclass(frozen=True)
class YSeq:
    """A YAML list."""

    line: int
    items: tuple[YNode, ...]


@dataclass(frozen=True)
class YMap:
    """A YAML mapping with string keys; `key_lines` is the file line of each key."""

    line: int
    values: dict[str, YNode]
    key_lines: dict[str, int]


YNode = YScalar | YSeq | YMap

_TAG = "tag:yaml.org,2002:"


def normalize_newlines(text: str) -> str:
    """Use \\n line ends only, and drop a byte order mark, so that line numbers agree everywhere."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, path: Path) -> Split | Problem:
    """Cut `text` (already normalized) into front matter and body, or say why it has no front matter."""
    where = path
    lines = text.split("\n")
    if not lines or not _FENCE.fullmatch(lines[0]):
        return Problem(
            where,
            1,
            "no front matter: a lesson starts with a '---' line, then its keys (id, title, ...), "
            "then another '---' line, then the body; see docs/content-format.md",
        )
    for index in range(1, len(lines)):
        if _FENCE.fullmatch(lines[index]):
            return Split(
                yaml_text="\n".join(lines[1:index]),
                yaml_line=2,
                body="\n".join(lines[index + 1 :]),
                body_line=index + 2,
            )
    return Problem(where, 1, "the front matter is never closed: add a '---' line after its last key, before the body")


def _mark_line(error: yaml.YAMLError, yaml_text: str) -> int:
    """The 0-based line inside the YAML text that PyYAML blames."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        if mark is not None:
            return int(mark.line)
    if isinstance(error, yaml.reader.ReaderError):
        return yaml_text[: error.position].count("\n")
    return 0


def _yaml_error_message(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError):
        what = " ".join(part for part in (error.context, error.problem) if part)
    elif isinstance(error, yaml.reader.ReaderError):
        what = f"character {error.character!r} is not allowed in YAML"
    else:
        what = str(error).splitlines()[0] if str(error) else type(error).__name__
    return (
        f"YAML syntax error: {what}; check the indentation and put values that contain ': ', '#' "
        "or start with [ { * & ! | > ' \" % @ in quotes"
    )


class _Converter:
    """Walks the composed node tree once, refusing anchors/aliases so a hostile file cannot explode it."""

    def __init__(self, path: Path, first_line: int) -> None:
        self.path = path
        self.first_line = first_line
        self.problems: list[Problem] = []
        self._seen: set[int] = set()

    def line(self, node: yaml.Node) -> int:
        return self.first_line + int(node.start_mark.line)

    def convert(self, node: yaml.Node, used_at: int | None = None) -> YNode | None:
        if id(node) in self._seen:
            # An alias reuses the anchored node, whose mark is the anchor's; blame where it is used.
            self.problems.append(
                Problem(
                    self.path,
                    used_at if used_at is not None else self.line(node),
                    "YAML anchors and aliases (&name, *name) are not supported; write the value out",
                )
            )
            return None
        self._seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return YScalar(self.line(node), node.tag.removeprefix(_TAG), str(node.value), node)
        if isinstance(node, yaml.SequenceNode):
            items = [self.convert(item, self.line(node)) for item in node.value]
            return YSeq(self.line(node), tuple(item for item in items if item is not None))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        return None

    def _mapping(self, node: yaml.MappingNode) -> YMap:
        values: dict[str, YNode] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = self.line(key_node)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.removeprefix(_TAG) == "null":
                self.problems.append(Problem(self.path, key_line, "a key must be a plain word like 'title'"))
                continue
            key = str(key_node.value)
            if key in key_lines:
                self.problems.append(
                    Problem(
                        self.path,
                        key_line,
                        f"key '{key}' appears twice (first on line {key_lines[key]}); keep only one",
                    )
                )
                continue
            value = self.convert(value_node, key_line)
            if value is not None:
                values[key] = value
                key_lines[key] = key_line
        return YMap(self.line(node), values, key_lines)


def _compose(text: str) -> yaml.Node | None:
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass  # the pure-Python parser says why, in the words the problems use
    return yaml.compose(text, Loader=yaml.SafeLoader)


def compose_front_matter(split: Split, path: Path) -> tuple[YMap | None, list[Problem]]:
    """Parse the YAML between the fences into a YMap; YAML errors come back as problems with their line."""
    where = path
    try:
        root = _compose(split.yaml_text)
    except yaml.YAMLError as exc:
        line = split.yaml_line + _mark_line(exc, split.yaml_text)
        return None, [Problem(where, line, _yaml_error_message(exc))]
    except RecursionError:
        return None, [Problem(where, split.yaml_line, "the front matter is nested too deeply to read")]
    if root is None:
        return YMap(split.yaml_line, {}, {}), []
    converter = _Converter(where, split.yaml_line)
    try:
        tree = converter.convert(root)
    except RecursionError:
        return None, [Problem(where, split.yaml_line, "the front matter is nested too deeply to read")]
    if not isinstance(tree, YMap):
        converter.problems.append(
            Problem(where, split.yaml_line, "the front matter must be 'key: value' lines, like 'title: ...'")
        )
        return None, converter.problems
    return tree, converter.problems
