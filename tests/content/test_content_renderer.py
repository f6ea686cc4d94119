"""Markdown to Telegram HTML: what members see, and how a long lesson is split into messages."""

from __future__ import annotations

from lesson_bot.content.renderer import render_caption, render_lesson
from tests.support.content import parse_telegram_html
from tgrules.limits import CAPTION_MAX, MESSAGE_TEXT_MAX


def render(body: str, *, language: str = "en", title: str = "Title") -> tuple[str, ...]:
    messages, issues, _ = render_lesson(title, "Series", 3, language, body, 10)
    assert issues == []
    for message in messages:
        assert parse_telegram_html(message).length <= MESSAGE_TEXT_MAX
    return messages


def body_of(message: str) -> str:
    return message.split("\n\n", 1)[1]


def test_the_first_message_names_the_lesson_and_its_place_in_the_series() -> None:
    """The first message starts with the bold title and '<series> · Lesson N' in the lesson's language."""
    assert render("Text.")[0] == "<b>Title</b>\nSeries · Lesson 3\n\nText."
    assert render("正文。", language="zh-Hans", title="标题")[0] == "<b>标题</b>\nSeries · 第 3 课\n\n正文。"


def test_inline_formatting_becomes_telegram_tags_and_text_is_escaped() -> None:
    """Bold, italic, struck text, code and links show as such; <, > and & show as typed."""
    html = body_of(render("**b** *i* ~~s~~ `a<b` [site](https://example.org/?a=1&b=2) 1 < 2 & 3 > 2")[0])
    assert html == (
        '<b>b</b> <i>i</i> <s>s</s> <code>a&lt;b</code> <a href="https://example.org/?a=1&amp;b=2">site</a> '
        "1 &lt; 2 &amp; 3 &gt; 2"
    )


def test_headings_lists_quotes_and_code_blocks_use_lines_and_characters() -> None:
    """Headings are bold lines, lists are •/1. lines (nested ones indented), quotes and code are blocks."""
    body = "# Part\n\n- one\n  - inner\n- two\n\n3. three\n4. four\n\n> quoted\n\n```python\nx = 1 < 2\n```"
    assert body_of(render(body)[0]) == (
        "<b>Part</b>\n\n• one\n   • inner\n• two\n\n3. three\n4. four\n\n<blockquote>quoted</blockquote>\n\n"
        '<pre><code class="language-python">x = 1 &lt; 2</code></pre>'
    )


def test_a_wrapped_source_line_joins_words_with_a_space_and_cjk_without() -> None:
    """Line breaks inside a paragraph are spaces between English words and nothing between Chinese characters."""
    assert body_of(render("one\ntwo\n\n中国\n共产党\n\nend  \nhard break")[0]) == (
        "one two\n\n中国共产党\n\nend\nhard break"
    )


def test_code_inside_bold_or_links_keeps_to_what_telegram_accepts() -> None:
    """Telegram refuses code inside bold or links: bold text around code stays bold, the code stays code."""
    html = body_of(render("**see `x` now** [`y`](https://a.example)")[0])
    assert html == '<b>see </b><code>x</code><b> now</b> <a href="https://a.example">y</a>'
    parse_telegram_html(html)


def test_long_lessons_are_split_at_paragraphs_first() -> None:
    """Each message is as full as possible and ends where a paragraph ends."""
    paragraphs = [f"P{n} " + "x" * 1500 for n in range(6)]
    messages = render("\n\n".join(paragraphs))
    assert len(messages) == 3
    assert messages[1].startswith("P2 ") and messages[2].startswith("P4 ")


def test_one_long_paragraph_is_split_at_sentences() -> None:
    """A paragraph longer than a message is cut after a sentence, never in the middle of a word."""
    sentence = "The branch met again. "
    messages = render(sentence * 400)
    assert len(messages) > 1
    assert all(message.endswith("again.") for message in messages[:-1])
    chinese = render("支部召开了党员大会。" * 500, language="zh-Hans")
    assert all(message.endswith("。") for message in chinese)


def test_formatting_across_a_cut_is_closed_and_reopened() -> None:
    """A bold passage cut in two stays bold in both messages, each well-formed on its own."""
    messages = render("**" + ("word " * 2000).strip() + "**")
    assert len(messages) == 3
    assert all(message.count("<b>") == message.count("</b>") for message in messages)
    assert messages[1].startswith("<b>word") and messages[1].endswith("</b>")


def test_text_without_any_boundary_is_cut_hard_at_the_limit() -> None:
    """A run with no space, line or sentence end is cut exactly at Telegram's limit, counting UTF-16 units."""
    body = "字" * (MESSAGE_TEXT_MAX * 2)
    lengths = [parse_telegram_html(message).length for message in render(body, title="T")]
    header = len("T\nSeries · Lesson 3")
    assert lengths == [header, MESSAGE_TEXT_MAX, MESSAGE_TEXT_MAX]
    emoji = render("😀" * MESSAGE_TEXT_MAX, title="T")
    assert [parse_telegram_html(m).length for m in emoji] == [header, MESSAGE_TEXT_MAX, MESSAGE_TEXT_MAX]


def test_an_escape_is_never_cut() -> None:
    """A cut next to many '&' never splits '&amp;': the limit counts what members see, not the HTML."""
    messages = render("&" * (MESSAGE_TEXT_MAX + 10))
    assert [parse_telegram_html(m).text.count("&") for m in messages] == [0, MESSAGE_TEXT_MAX, 10]


def test_captions_render_inline_markdown_and_count_what_is_shown() -> None:
    """A caption's formatting marks do not count against Telegram's 1024 characters; its text does."""
    html, issues = render_caption("**会址**" + "图" * (CAPTION_MAX - 2), 13, "media[1].caption: ")
    assert issues == [] and html.startswith("<b>会址</b>图")
    _, issues = render_caption("图" * (CAPTION_MAX + 1), 13, "media[1].caption: ")
    assert issues == [
        (13, "media[1].caption: 1025 characters after formatting, Telegram allows at most 1024; shorten it by 1")
    ]
