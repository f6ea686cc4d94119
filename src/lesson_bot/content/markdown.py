"""Markdown to styled lines: what Telegram can show, plus a problem for everything it cannot.

markdown-it-py parses; this module walks its syntax tree and produces `Line`s of `Seg`s, each segment
carrying the stack of formatting tags around it. `renderer` turns those into Telegram HTML messages.
Raw HTML is parsed (so it can be found and reported) but never passed through: it comes out as text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

ALLOWED_LINK_SCHEMES = frozenset({"http", "https", "tg", "mailto"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_HTML_NAME = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9-]*)")
_LANGUAGE = re.compile(r"[A-Za-z0-9_+#.\-]{1,32}")
_SOFT_BREAK = "\x00"  # markdown-it turns NUL into U+FFFD, so this marker cannot come from the text
_RULE = "———"
_INDENT = "   "
_INLINE_TAGS = {"strong": "b", "em": "i", "s": "s"}


@dataclass(frozen=True, eq=False)
class Tag:
    """One formatting element. Compared by identity: two bold runs side by side stay two elements."""

    name: str
    attrs: str = ""


Stack = tuple[Tag, ...]


@dataclass
class Seg:
    """A run of text and the tags around it, outermost first."""

    text: str
    stack: Stack


@dataclass
class Line:
    """One output line; `container` holds the block tags (quote, pre) the line break after it stays inside."""

    segs: list[Seg] = field(default_factory=list)
    container: Stack = ()


Issue = tuple[int, str]
"""A problem found in Markdown: (file line, message)."""


class _EveryLink(MarkdownIt):
    """markdown-it silently turns javascript:/file: links into plain text; accepting every link here lets
    the walker see them and report them instead."""

    def validateLink(self, url: str) -> bool:
        return True


def _markdown() -> MarkdownIt:
    md = _EveryLink("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["strikethrough", "table"])
    return md


_MD = _markdown()


def escape_attr(value: str) -> str:
    """Escape an attribute value for Telegram HTML."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _resolve_soft_breaks(segs: list[Seg]) -> list[Seg]:
    """A source line break inside a paragraph is a space between words, but nothing between CJK characters."""
    out: list[Seg] = []
    for index, seg in enumerate(segs):
        if seg.text != _SOFT_BREAK:
            out.append(seg)
            continue
        before = next((s.text[-1] for s in reversed(out) if s.text), "")
        after = next((s.text[0] for s in segs[index + 1 :] if s.text and s.text != _SOFT_BREAK), "")
        if not (before and after) or _wide(before) or _wide(after):
            continue
        out.append(Seg(" ", seg.stack))
    return out


def html_problem(raw: str) -> str:
    """What to tell an author who wrote raw HTML."""
    if raw.lstrip().startswith("<!--"):
        return "raw HTML comment is not allowed; delete it"
    match = _HTML_NAME.match(raw.lstrip())
    name = match.group(1).lower() if match else ""
    if name == "br":
        return "raw HTML <br> is not shown by Telegram; use a blank line instead"
    shown = f"<{name}>" if name else raw.strip()[:20]
    return f"raw HTML {shown} is not shown by Telegram; remove it and use Markdown (**bold**, *italic*, [text](https://...))"


def link_problem(href: str) -> str | None:
    """Why a link target cannot be used in Telegram, or None if it can."""
    match = _SCHEME.match(href)
    if match is None:
        return (
            f"link '{href[:60]}' is not a full address; Telegram needs http://, https://, tg:// or mailto: "
            "links (relative links and anchors do not work)"
        )
    scheme = match.group(1).lower()
    if scheme not in ALLOWED_LINK_SCHEMES:
        return f"link scheme '{scheme}:' is not allowed; use http, https, tg or mailto links only"
    return None


class _Walker:
    """Turns a markdown-it syntax tree into Lines, collecting one issue per thing Telegram cannot show."""

    def __init__(self, first_line: int, prefix: str) -> None:
        self.first_line = first_line
        self.prefix = prefix
        self.issues: list[Issue] = []

    def issue(self, line: int, message: str) -> None:
        self.issues.append((line, f"{self.prefix}{message}"))

    def node_line(self, node: SyntaxTreeNode, fallback: int) -> int:
        node_map = node.map
        return self.first_line + node_map[0] if node_map else fallback

    # Blocks -----------------------------------------------------------------------------------------

    def blocks(self, nodes: list[SyntaxTreeNode], in_quote: bool, loose: bool, line: int) -> list[Line]:
        out: list[Line] = []
        for node in nodes:
            lines = self.block(node, in_quote, self.node_line(node, line))
            if not lines:
                continue
            if out and loose:
                out.append(Line())
            out.extend(lines)
        return out

    def block(self, node: SyntaxTreeNode, in_quote: bool, line: int) -> list[Line]:
        kind = node.type
        if kind in ("paragraph", "heading"):
            stack: Stack = (Tag("b"),) if kind == "heading" else ()
            return [Line(segs) for segs in self.inline_children(node, stack, line)]
        if kind == "blockquote":
            return self.quote(node, in_quote, line)
        if kind in ("bullet_list", "ordered_list"):
            return self.list_(node, in_quote, line)
        if kind in ("fence", "code_block"):
            return self.code(node)
        if kind == "hr":
            return [Line([Seg(_RULE, ())])]
        if kind == "html_block":
            self.issue(line, html_problem(node.content))
            return [Line([Seg(text, ())]) for text in node.content.rstrip("\n").split("\n")]
        if kind == "table":
            self.issue(line, "tables cannot be shown in Telegram; write the rows as a list instead")
            return self.table(node, line)
        if node.children:
            return self.blocks(node.children, in_quote, loose=True, line=line)
        return [Line([Seg(node.content, ())])] if node.content else []

    def quote(self, node: SyntaxTreeNode, in_quote: bool, line: int) -> list[Line]:
        if in_quote:
            self.issue(line, "quotes cannot be nested in Telegram; remove the inner '>'")
        inner = self.blocks(node.children, in_quote=True, loose=True, line=line)
        if in_quote:
            return inner
        tag = Tag("blockquote")
        return [Line([Seg(s.text, (tag, *s.stack)) for s in ln.segs], (tag, *ln.container)) for ln in inner]

    def list_(self, node: SyntaxTreeNode, in_quote: bool, line: int) -> list[Line]:
        out: list[Line] = []
        for number, item in enumerate(node.children, start=1):
            marker = f"{item.info or number}{item.markup or '.'} " if node.type == "ordered_list" else "• "
            item_line = self.node_line(item, line)
            lines = self.blocks(item.children, in_quote, loose=False, line=item_line) or [Line()]
            for index, ln in enumerate(lines):
                lead = marker if index == 0 else _INDENT
                out.append(Line([Seg(lead, ln.container), *ln.segs], ln.container))
        return out

    def code(self, node: SyntaxTreeNode) -> list[Line]:
        text = node.content.removesuffix("\n")
        if not text:
            return []
        pre = Tag("pre")
        language = node.info.strip().split(" ")[0] if node.type == "fence" else ""
        container: Stack = (pre,)
        if _LANGUAGE.fullmatch(language):
            container = (pre, Tag("code", f' class="language-{escape_attr(language)}"'))
        return [Line([Seg(part, container)] if part else [], container) for part in text.split("\n")]

    def table(self, node: SyntaxTreeNode, line: int) -> list[Line]:
        out: list[Line] = []
        for section in node.children:
            for row in section.children:
                segs: list[Seg] = []
                for number, cell in enumerate(row.children):
                    if number:
                        segs.append(Seg(" | ", ()))
                    for part in self.inline_children(cell, (), line):
                        segs.extend(part)
                out.append(Line(segs))
        return out

    # Inline ----------------------------------------------------------------------------------------

    def inline_children(self, node: SyntaxTreeNode, stack: Stack, line: int) -> list[list[Seg]]:
        """The inline content under `node`, split into lines at hard breaks."""
        lines: list[list[Seg]] = [[]]
        counter = [self.node_line(node, line)]
        for child in node.children:
            self.inline(child, stack, lines, counter)
        return [_resolve_soft_breaks(segs) for segs in lines]

    def inline(self, node: SyntaxTreeNode, stack: Stack, lines: list[list[Seg]], line: list[int]) -> None:
        kind = node.type

        def emit(text: str, tags: Stack) -> None:
            lines[-1].append(Seg(text, tags))

        if kind == "inline":
            for child in node.children:
                self.inline(child, stack, lines, line)
        elif kind == "text":
            emit(node.content, stack)
        elif kind == "code_inline":
            emit(node.content, (*stack, Tag("code")))
        elif kind in _INLINE_TAGS:
            inner = (*stack, Tag(_INLINE_TAGS[kind]))
            for child in node.children:
                self.inline(child, inner, lines, line)
        elif kind == "softbreak":
            emit(_SOFT_BREAK, stack)
            line[0] += 1
        elif kind == "hardbreak":
            lines.append([])
            line[0] += 1
        elif kind == "link":
            self.link(node, stack, lines, line)
        elif kind == "image":
            self.issue(line[0], "inline images are not shown in a Telegram message; list the file under `media`")
            for child in node.children:
                self.inline(child, stack, lines, line)
        elif kind == "html_inline":
            self.issue(line[0], html_problem(node.content))
            emit(node.content, stack)
            line[0] += node.content.count("\n")
        elif node.children:
            for child in node.children:
                self.inline(child, stack, lines, line)
        elif node.content:
            emit(node.content, stack)

    def link(self, node: SyntaxTreeNode, stack: Stack, lines: list[list[Seg]], line: list[int]) -> None:
        href = str(node.attrs.get("href", ""))
        problem = link_problem(href)
        inner = stack
        if problem is not None:
            self.issue(line[0], problem)
        else:
            inner = (*stack, Tag("a", f' href="{escape_attr(href)}"'))
        for child in node.children:
            self.inline(child, inner, lines, line)


def parse_body(markdown: str, first_line: int) -> tuple[list[Line], list[Issue]]:
    """Lines of a lesson body and its issues; `first_line` is the file line of the body's first line."""
    walker = _Walker(first_line, "body: ")
    tree = SyntaxTreeNode(_MD.parse(markdown))
    lines = walker.blocks(tree.children, in_quote=False, loose=True, line=first_line)
    return lines, walker.issues


def parse_inline(markdown: str, line: int, prefix: str) -> tuple[list[Line], list[Issue]]:
    """Lines of inline-only Markdown (a caption); issues are reported at `line` with `prefix`."""
    walker = _Walker(line, prefix)
    tree = SyntaxTreeNode(_MD.parseInline(markdown))
    lines: list[Line] = []
    for node in tree.children:
        lines.extend(Line(segs) for segs in walker.inline_children(node, (), line))
    return lines, walker.issues
