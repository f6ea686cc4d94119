"""Runs of text that a conversion damaged: found with their column, never fixed by guessing (a person must).

U+FFFD (bytes a decoder could not read), `??`/`？？` (characters an encoder could not write), UTF-8 read as GBK
(锛 for ，, 銆 for 。) and GBK or UTF-8 read as Latin-1 (`ÖÐ¹ú` for 中国, `â€œ` for “): runs of two or more
Latin-1 letters and symbols, which Chinese and English text never has.
"""

from __future__ import annotations

import re
from functools import cache

import opencc

from lesson_bot.content.review_data import MOJIBAKE, TONE_MARKS

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
PINYIN = re.compile(
    rf"(?<=[{_CJK}])\s*[（(]\s*(?:[a-zü{TONE_MARKS}]*[{TONE_MARKS}][a-zü{TONE_MARKS}]*"
    rf"|[a-zü]+[1-5])(?:\s+(?:[a-zü{TONE_MARKS}]*[{TONE_MARKS}][a-zü{TONE_MARKS}]*|[a-zü]+[1-5]))*\s*[)）]",
    re.IGNORECASE,
)
"""A pinyin annotation after a character, `經(jīng)` or `经（jing1 yan4）`: tone marks or tone numbers only, so
real parentheses such as （2021年） or (CPC) stay."""

_DAMAGE = (
    (re.compile("\ufffd+"), "replacement characters (bytes that could not be decoded)"),
    (re.compile("[?？]{2,}"), "question-mark run (characters lost in a conversion)"),
    (re.compile("[\u0080-\u00ff]{2,}"), "mojibake (Chinese text read as Latin-1)"),
    (re.compile("|".join(re.escape(piece) for piece in MOJIBAKE)), "mojibake (UTF-8 read as GBK or Latin-1)"),
)


def damage(line: str, skip: list[tuple[int, int]] | None = None) -> list[tuple[int, str, str]]:
    """(column, kind, text) of each damaged run in `line`, overlapping runs reported once; `skip` spans ignored."""
    found: list[tuple[int, int, str, str]] = []
    for pattern, kind in _DAMAGE:
        for match in pattern.finditer(line):
            start, end = match.span()
            if any(start < s_end and s_start < end for s_start, s_end in skip or []):
                continue
            if any(start < f_end and f_start < end for f_start, f_end, _, _ in found):
                continue
            found.append((start, end, kind, match.group(0)))
    return sorted((start + 1, kind, text) for start, _, kind, text in found)


@cache
def converter(config: str) -> opencc.OpenCC:
    """An OpenCC converter by its configuration file (t2s.json, tw2sp.json, hk2s.json)."""
    return opencc.OpenCC(config)


def simplified_config(lang: str, url: str) -> str:
    """The OpenCC configuration for a text: Taiwan's phrases (tw2sp) for a zh-TW page, Hong Kong's for zh-HK."""
    lang = lang.lower()
    host = re.sub(r"^https?://([^/:]+).*$", r"\1", url.lower()) if url else ""
    if lang in ("zh-tw", "zh-hant-tw") or host.endswith(".tw"):
        return "tw2sp.json"
    if lang in ("zh-hk", "zh-hant-hk", "zh-mo") or host.endswith((".hk", ".mo")):
        return "hk2s.json"
    return "t2s.json"


def traditional_count(text: str) -> int:
    """How many characters t2s conversion changes: 0 for a Simplified text."""
    converted = converter("t2s.json").convert(text)
    if len(converted) != len(text):
        return sum(1 for char in text if converter("t2s.json").convert(char) != char)
    return sum(1 for old, new in zip(text, converted, strict=True) if old != new)
