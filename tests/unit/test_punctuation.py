"""Chinese texts use Chinese punctuation: no ASCII colon, comma, bracket, question or exclamation mark next to a
Chinese character in the zh-Hans catalog (placeholders, times like 17:30, URLs, commands and <code> examples
excepted)."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from lesson_bot.i18n import catalog_path

CJK = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
ASCII_MARKS = ":,()?!;"
# What may carry ASCII punctuation in a Chinese text, replaced by a neutral letter before the check.
_EXEMPT = [
    re.compile(r"<code>.*?</code>|<pre>.*?</pre>", re.DOTALL),  # examples of what to type
    re.compile(r"<[^>]+>"),  # tags and their attributes
    re.compile(r"(?:https?|tg)://\S+|t\.me/\S+"),  # links
    re.compile(r"(?<![\w/])/[a-z_]+"),  # commands
    re.compile(r"\b\d{1,2}:\d{2}\b"),  # clock times
]
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# A mark after a Chinese character, or before one; a placeholder counts as Chinese when the mark sits between it
# and a Chinese character or another placeholder ("{type}: {topic}" is "支部委员会: 研究…" once filled in).
_BAD = re.compile(rf"[{CJK}P]\s*[{re.escape(ASCII_MARKS)}]\s*[{CJK}P]|[{CJK}]\s*[{re.escape(ASCII_MARKS)}]"
                  rf"|[{re.escape(ASCII_MARKS)}]\s*[{CJK}]")


def mixed_punctuation(text: str) -> list[str]:
    """The places in a Chinese text where an ASCII mark touches Chinese (empty: the text is fine)."""
    if not re.search(f"[{CJK}]", text):
        return []  # not Chinese (a bare placeholder, a number, a URL)
    for pattern in _EXEMPT:
        text = pattern.sub("x", text)
    text = _PLACEHOLDER.sub("P", text)
    return [m.group(0) for m in _BAD.finditer(text)]


@pytest.mark.parametrize(("text", "bad"), [
    ("支部委员会: 研究发展党员工作", True),
    ("{type}: {topic}（系列 #{id}）", True),
    ("已学习 {n}/{total}(补学 {m})", True),
    ("你还没有回复,是否参加?", True),
    ("请假截止 17:30。", False),
    ("打开 https://t.me/bot?start=abc 开始：", False),
    ("发送 /join 加入名册。", False),
    ("例如：<code>/survey 标题\n期间: 2026-Q4</code>", False),
    ("{type}：{topic}（系列 #{id}）", False),
    ("{n}: {m}", False),  # no Chinese at all
])
def test_the_check_tells_mixed_punctuation_from_what_is_exempt(text: str, bad: bool) -> None:
    """The check catches an ASCII mark beside Chinese, and leaves placeholders, times, links, commands alone."""
    assert bool(mixed_punctuation(text)) is bad


def test_every_chinese_text_uses_chinese_punctuation() -> None:
    """Every zh-Hans text of the catalog keeps to full-width punctuation between Chinese words."""
    with catalog_path("zh-Hans").open("rb") as fp:
        catalog = read_po(fp)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        for text in [message.string] if isinstance(message.string, str) else list(message.string or ()):
            found = mixed_punctuation(text or "")
            if found:
                problems.append(f"{message.id!r}: {found}")
    assert problems == []
