"""Styled lines to Telegram HTML: the lesson's messages (split to fit) and media captions.

Everything is flattened to one visible character per position, each with the stack of tags around it, so
a message can be cut anywhere without ever cutting a tag or an entity: each chunk closes the tags still
open at its end, and the next chunk reopens them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lesson_bot.content.markdown import Issue, Line, Seg, Stack, Tag, parse_body, parse_inline
from lesson_bot.content.model import utf16_len
from tgrules.limits import CAPTION_MAX, MESSAGE_TEXT_MAX

_ESCAPES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_FORMATTING = frozenset({"b", "i", "s", "u"})
_ASCII_ENDERS = frozenset(".!?;")
_WIDE_ENDERS = frozenset("。！？；…")
_TAG_RE = re.compile(r"<[^>]*>")
_CLOSERS = frozenset("\"'”’」』）)】》")


def _telegram_stack(stack: Stack) -> Stack:
    """Drop the nestings Telegram refuses: nothing inside pre/code, no code inside a link, no repeats."""
    names = [tag.name for tag in stack]
    if "pre" in names:
        start = names.index("pre")
        stack = tuple(t for t in stack[:start] if t.name == "blockquote") + stack[start:]
    elif "code" in names:
        # A link cannot contain code, and bold/italic/strike cannot wrap code: keep the more useful one.
        drop = {"code"} if "a" in names else _FORMATTING
        stack = tuple(t for t in stack if t.name not in drop)
    seen: set[str] = set()
    kept: list[Tag] = []
    for tag in stack:
        if tag.name in seen:
            continue
        seen.add(tag.name)
        kept.append(tag)
    return tuple(kept)


@dataclass(frozen=True)
class Styled:
    """Visible text with the (Telegram-legal) tag stack of every character."""

    text: str
    stacks: tuple[Stack, ...]


def _common(a: Stack, b: Stack) -> Stack:
    size = 0
    while size < len(a) and size < len(b) and a[size] is b[size]:
        size += 1
    return a[:size]


def flatten(lines: Sequence[Line]) -> Styled:
    """One character per position; the line break between two lines stays inside the tags both share."""
    chars: list[str] = []
    stacks: list[Stack] = []
    cache: dict[tuple[int, ...], Stack] = {}

    def legal(stack: Stack) -> Stack:
        key = tuple(id(tag) for tag in stack)
        if key not in cache:
            cache[key] = _telegram_stack(stack)
        return cache[key]

    for index, line in enumerate(lines):
        if index:
            chars.append("\n")
            stacks.append(legal(_common(lines[index - 1].container, line.container)))
        for seg in line.segs:
            stack = legal(seg.stack)
            chars.extend(seg.text)
            stacks.extend([stack] * len(seg.text))
    return Styled("".join(chars), tuple(stacks))


def to_html(styled: Styled, start: int = 0, end: int | None = None) -> str:
    """Telegram HTML for characters start..end, well-formed on its own."""
    stop = len(styled.text) if end is None else end
    out: list[str] = []
    current: list[Tag] = []
    for index in range(start, stop):
        stack = styled.stacks[index]
        keep = len(_common(tuple(current), stack))
        for tag in reversed(current[keep:]):
            out.append(f"</{tag.name}>")
        del current[keep:]
        for tag in stack[keep:]:
            out.append(f"<{tag.name}{tag.attrs}>")
            current.append(tag)
        char = styled.text[index]
        out.append(_ESCAPES.get(char, char))
    out.extend(f"</{tag.name}>" for tag in reversed(current))
    return "".join(out)


def visible_text(html: str) -> str:
    """The text Telegram shows for HTML this module produced (tags dropped, the three escapes undone)."""
    text = _TAG_RE.sub("", html)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def _is_sentence_end(text: str, cut: int) -> bool:
    """Whether a message may end just before position `cut` because a sentence ends there."""
    last = text[cut - 1]
    if last in _CLOSERS and cut >= 2:
        last = text[cut - 2]
    if last in _WIDE_ENDERS:
        return text[cut] not in _CLOSERS
    return last in _ASCII_ENDERS and text[cut].isspace()


def _best_cut(text: str, start: int, end: int) -> int:
    """Where to end a chunk in (start, end]: paragraph, then line, sentence, word boundary, else hard.

    A boundary in the second half of the room wins over a better kind of boundary early on, so that a long
    first paragraph does not leave the title alone in a message; only without any such boundary does the
    best boundary anywhere count, and a hard cut is the last resort.
    """
    tests: tuple[Callable[[int], bool], ...] = (
        lambda c: text[c] == "\n" and text[c + 1 : c + 2] == "\n",
        lambda c: text[c] == "\n",
        lambda c: _is_sentence_end(text, c),
        lambda c: text[c].isspace(),
    )
    for lowest in (start + (end - start) // 2, start):
        for test in tests:
            for cut in range(end, lowest, -1):
                if test(cut):
                    return cut
    return end


def split_points(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) of each chunk: whitespace at the cuts trimmed, each at most `limit` UTF-16 units."""
    chunks: list[tuple[int, int]] = []
    size = len(text)
    start = 0
    while True:
        while start < size and text[start].isspace():
            start += 1
        if start >= size:
            return chunks
        end, width = start, 0
        while end < size and width + (step := utf16_len(text[end])) <= limit:
            width += step
            end += 1
        # A limit below 2 cannot hold an astral character; take it anyway rather than never advance.
        end = max(end, start + 1)
        cut = size if end == size else _best_cut(text, start, end)
        stop = cut
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        chunks.append((start, stop))
        start = cut


def split_html(styled: Styled, limit: int = MESSAGE_TEXT_MAX) -> tuple[str, ...]:
    """The styled text as Telegram messages of at most `limit` visible characters each."""
    return tuple(to_html(styled, a, b) for a, b in split_points(styled.text, limit))


def place_line(series: str, position: int, language: str) -> str:
    """The lesson's place in its series, in the lesson's language."""
    if language == "zh-Hans":
        return f"{series} · 第 {position} 课"
    return f"{series} · Lesson {position}"


def header_lines(title: str, series: str, position: int, language: str) -> list[Line]:
    """The bold title and the series line that open the first message."""
    return [Line([Seg(title, (Tag("b"),))]), Line([Seg(place_line(series, position, language), ())])]


def render_lesson(
    title: str, series: str, position: int, language: str, body_md: str, body_line: int
) -> tuple[tuple[str, ...], list[Issue], int]:
    """The lesson's messages, the body's issues, and the visible length of the body alone."""
    body, issues = parse_body(body_md, body_line)
    visible = utf16_len(flatten(body).text.strip())
    lines = [*header_lines(title, series, position, language), Line(), *body]
    return split_html(flatten(lines)), issues, visible


def render_caption(caption_md: str, line: int, prefix: str) -> tuple[str, list[Issue]]:
    """A caption as Telegram HTML, with an issue if it is longer than Telegram allows."""
    lines, issues = parse_inline(caption_md, line, prefix)
    styled = flatten(lines)
    start = len(styled.text) - len(styled.text.lstrip())
    end = len(styled.text.rstrip())
    width = utf16_len(styled.text[start:end])
    if width > CAPTION_MAX:
        issues.append(
            (
                line,
                f"{prefix}{width} characters after formatting, Telegram allows at most {CAPTION_MAX}; "
                f"shorten it by {width - CAPTION_MAX}",
            )
        )
    return to_html(styled, start, max(start, end)), issues
