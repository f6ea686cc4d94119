"""Telegram's HTML parse mode, reproduced rule for rule (pure, no I/O).

The algorithm follows tdlib's ``parse_html`` (td/telegram/MessageEntity.cpp), which is what the Bot API
server runs for ``parse_mode="HTML"``: the same accepted tags and attributes, the same character
references, the same error texts and the same UTF-8 byte offsets in them. Entity offsets and lengths are
in UTF-16 code units, as in the Bot API.

What this module deliberately leaves out: the later ``fix_formatted_text`` pass of the Bot API server
(trimming, splitting overlapping entities, automatic URL/mention detection). Link targets are checked
only for their scheme: http/https (or none, which becomes http), tg, ton and tonsite are kept; any other
link is dropped without an error, as Telegram drops links it considers invalid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.entities import name2codepoint
from typing import cast

from tgrules.limits import ALLOWED_HTML_ENTITIES, ALLOWED_HTML_TAGS

__all__ = ["HtmlParseError", "ParsedText", "parse_html", "utf16_len"]

_PREFIX = "can't parse entities: "
_NAMED_REFERENCES = {name: chr(name2codepoint[name]) for name in ALLOWED_HTML_ENTITIES}
# tdlib's is_space: the C string terminator counts as a space, so "end of input" behaves like one here.
_SPACES = frozenset(" \t\r\n\v\f\0")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_SPECIAL = re.compile(r"[<&]")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_DIGITS = frozenset("0123456789")
# Scanners for tdlib's character loops; "\0" stands for the end of its C string, as in _SPACES.
_NAME_END = re.compile(r"[ \t\r\n\v\f\0>]")
_SPACE_RUN = re.compile(r"[ \t\r\n\v\f]*")
_ANY_SPACE = re.compile(r"[ \t\r\n\v\f\0]")
_ATTRIBUTE_NAME = re.compile(r"[^ \t\r\n\v\f\0=>/\"']*")
_TOKEN = re.compile(r"[A-Za-z0-9.-]*")
_QUOTED = {'"': re.compile(r'[^"\0]*'), "'": re.compile(r"[^'\0]*")}
_KEPT_SCHEMES = ("http://", "https://", "tg:", "ton:", "tonsite:")
# "host:8080" is a host and port, not a scheme.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?![0-9])")
_USER_LINK = re.compile(r"^tg:(?://)?user/?\?(?:[^#]*&)?id=(\d+)(?:[&#]|$)", re.IGNORECASE)
_SIMPLE_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler",
}  # fmt: skip
# tdlib's sort order for entities starting and ending at the same place (MessageEntity::get_type_priority).
_PRIORITY = {
    "blockquote": 0, "expandable_blockquote": 0, "pre": 11, "code": 20, "text_link": 49, "text_mention": 49,
    "bold": 90, "italic": 91, "underline": 92, "strikethrough": 93, "spoiler": 94, "custom_emoji": 99,
}  # fmt: skip
_INT64_MAX = 2**63 - 1


class HtmlParseError(ValueError):
    """Text Telegram rejects; ``description`` is what follows "Bad Request: " in its answer."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass(frozen=True)
class ParsedText:
    """The visible text after entity parsing and its Bot API MessageEntity dicts (UTF-16 units)."""

    text: str
    entities: tuple[dict[str, object], ...]


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram's offsets and limits."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int  # UTF-16 offset in the visible text
    part_index: int  # index into the output parts where the entity's text begins


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.n = len(source)
        self.parts: list[str] = []
        self.offset = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, object]] = []
        self.decoded_surrogate = False

    def at(self, i: int) -> str:
        return self.src[i] if i < self.n else "\0"

    def fail(self, message: str) -> HtmlParseError:
        return HtmlParseError(_PREFIX + message)

    def byte_offset(self, i: int) -> int:
        return len(self.src[:i].encode("utf-8", "surrogatepass"))

    def skip_spaces(self, i: int) -> int:
        return _SPACE_RUN.match(self.src, i).end()  # type: ignore[union-attr]  # "*" always matches

    def name_end(self, i: int) -> int:
        found = _NAME_END.search(self.src, i)
        return found.start() if found else self.n

    def emit(self, text: str) -> None:
        self.parts.append(text)
        self.offset += utf16_len(text)

    def run(self) -> ParsedText:
        i = 0
        while i < self.n:
            found = _SPECIAL.search(self.src, i)
            stop = found.start() if found else self.n
            if stop > i:
                self.emit(self.src[i:stop])
            if stop == self.n:
                break
            if self.src[stop] == "&":
                char, i = self.reference(stop)
                self.emit(char)
            else:
                i = self.end_tag(stop) if self.at(stop + 1) == "/" else self.start_tag(stop)
        if self.stack:
            raise self.fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        if self.decoded_surrogate:
            raise self.fail(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=_sort_key)
        return ParsedText("".join(self.parts), tuple(self.entities))

    def reference(self, pos: int) -> tuple[str, int]:
        """Decode the character reference at ``pos`` (an '&'); a bad one is a literal '&'."""
        end = pos + 1
        if self.at(end) == "#":
            end += 1
            hexadecimal = self.at(end) == "x"  # tdlib accepts only a lowercase x
            end += hexadecimal
            digits = _HEX_DIGITS if hexadecimal else _DIGITS
            start = end
            while self.at(end) in digits:
                end += 1
            code = int(self.src[start:end], 16 if hexadecimal else 10) if end > start else 0
            if code == 0 or code >= 0x10FFFF or end - pos >= 10:
                return "&", pos + 1
            char = chr(code)
            self.decoded_surrogate |= 0xD800 <= code <= 0xDFFF
        else:
            while end < self.n and self.src[end].isascii() and self.src[end].isalpha():
                end += 1
            named = _NAMED_REFERENCES.get(self.src[pos + 1 : end])
            if named is None:
                return "&", pos + 1
            char = named
        return char, end + 1 if self.at(end) == ";" else end

    def start_tag(self, begin: int) -> int:
        i = self.name_end(begin + 1)
        if self.at(i) == "\0":
            raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        tag = self.src[begin + 1 : i].translate(_ASCII_LOWER)
        if tag not in ALLOWED_HTML_TAGS:
            raise self.fail(f'Unsupported start tag "{tag}" at byte offset {self.byte_offset(begin)}')
        argument = ""
        while self.at(i) != ">":
            i = self.skip_spaces(i)
            if self.at(i) == ">":
                break
            name_start = i
            i = _ATTRIBUTE_NAME.match(self.src, i).end()  # type: ignore[union-attr]
            name = self.src[name_start:i]
            if not name:
                raise self.fail(f'Empty attribute name in the tag "{tag}" at byte offset {self.byte_offset(begin)}')
            i = self.skip_spaces(i)
            if self.at(i) != "=":
                if self.at(i) == "\0":
                    raise self.fail(f'Unclosed start tag "{tag}" at byte offset {self.byte_offset(begin)}')
                if tag == "blockquote" and name == "expandable":
                    argument = "1"
                continue
            i = self.skip_spaces(i + 1)
            if self.at(i) == "\0":
                raise self.fail(f'Unclosed start tag "{tag}" at byte offset {self.byte_offset(begin)}')
            value, i = self.attribute_value(i)
            if self.at(i) == "\0":
                raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            argument = _argument(tag, name, value, argument)
        if tag == "span" and argument != "spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}')
        self.stack.append(_Open(tag, argument, self.offset, len(self.parts)))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.src[i]
        if quote not in "\"'":
            # An unquoted value is an HTML name token: letters, digits, periods, hyphens; case-insensitive.
            start = i
            i = _TOKEN.match(self.src, i).end()  # type: ignore[union-attr]
            if self.at(i) not in _SPACES and self.at(i) != ">":
                raise self.fail(f"Unexpected end of name token at byte offset {self.byte_offset(start)}")
            return self.src[start:i].translate(_ASCII_LOWER), i
        i += 1
        end = _QUOTED[quote].match(self.src, i).end()  # type: ignore[union-attr]
        chars: list[str] = []
        # A reference never runs past the closing quote: it consumes only '#', 'x', digits, letters and ';'.
        while (ampersand := self.src.find("&", i, end)) >= 0:
            chars.append(self.src[i:ampersand])
            char, i = self.reference(ampersand)
            chars.append(char)
        chars.append(self.src[i:end])
        return "".join(chars), end + 1 if self.at(end) == quote else end

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        i = self.name_end(begin + 2)
        name = self.src[begin + 2 : i].translate(_ASCII_LOWER)
        i = self.skip_spaces(i)
        if self.at(i) != ">":
            raise self.fail(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        opened = self.stack[-1]
        if name and name != opened.tag:
            raise self.fail(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{opened.tag}>", found "</{name}>"'
            )
        if self.offset > opened.offset:
            self.close(opened)
        self.stack.pop()
        return i + 1

    def close(self, opened: _Open) -> None:
        """Turn a closed, non-empty tag into its entity, merging <pre><code class> as Telegram does."""
        tag, arg = opened.tag, opened.argument
        entity: dict[str, object] = {"offset": opened.offset, "length": self.offset - opened.offset}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (
            entity["offset"],
            entity["length"],
        )
        if tag in _SIMPLE_TYPES:
            entity["type"] = _SIMPLE_TYPES[tag]
        elif tag == "tg-emoji":
            if not _is_nonzero_int64(arg):
                raise self.fail("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=str(int(arg)))
        elif tag == "a":
            url = arg or "".join(self.parts[opened.part_index :])
            link = _link_entity(url)
            if link is None:
                return
            entity.update(link)
        elif tag == "pre":
            if last is not None and same_span and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
                return
            entity["type"] = "pre"
        elif tag == "code":
            if last is not None and same_span and last["type"] == "pre" and "language" not in last and arg:
                last["language"] = arg
                return
            entity["type"] = "code"
            if arg:
                entity["language"] = arg  # kept only until an enclosing <pre> claims it
        else:
            entity["type"] = "expandable_blockquote" if arg else "blockquote"
        self.entities.append(entity)


def _argument(tag: str, name: str, value: str, current: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    if tag == "blockquote" and name == "expandable":
        return "1"
    return current


def _sort_key(entity: dict[str, object]) -> tuple[int, int, int]:
    return (cast(int, entity["offset"]), -cast(int, entity["length"]), _PRIORITY[cast(str, entity["type"])])


def _is_nonzero_int64(text: str) -> bool:
    # tdlib's to_integer_safe: the text must be exactly the decimal rendering of an int64.
    if not re.fullmatch(r"-?[0-9]{1,19}", text) or str(int(text)) != text:
        return False
    return int(text) != 0 and -_INT64_MAX - 1 <= int(text) <= _INT64_MAX


def _link_entity(url: str) -> dict[str, object] | None:
    """The entity fields for a link target, or None when Telegram would drop the link."""
    user = _USER_LINK.match(url)
    if user is not None and 0 < int(user.group(1)) <= _INT64_MAX:
        # The Bot API answers with the full User; tgsandbox may replace this minimal one from its state.
        return {"type": "text_mention", "user": {"id": int(user.group(1)), "is_bot": False, "first_name": ""}}
    url = url.strip()
    if not url or _ANY_SPACE.search(url):
        return None
    lowered = url.lower()
    if not _SCHEME.match(url):
        url = "http://" + url
    elif not lowered.startswith(_KEPT_SCHEMES):
        return None
    return {"type": "text_link", "url": url}


def parse_html(source: str) -> ParsedText:
    """Parse Telegram-HTML into visible text and entities; raises HtmlParseError as Telegram would."""
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        raise HtmlParseError("text must be encoded in UTF-8") from None
    if "<" not in source and "&" not in source:
        return ParsedText(source, ())
    return _Parser(source).run()
