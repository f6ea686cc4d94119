"""Telegram's HTML parse mode: accepted markup, entities in UTF-16 units, and Telegram's own error texts."""

from __future__ import annotations

import html
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tgrules.html import HtmlParseError, ParsedText, parse_html, utf16_len


def entity(type_: str, offset: int, length: int, **extra: object) -> dict[str, object]:
    return {"type": type_, "offset": offset, "length": length, **extra}


def error_of(source: str) -> str:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(source)
    return caught.value.description


@pytest.mark.parametrize(
    ("tag", "kind"),
    [
        ("b", "bold"), ("strong", "bold"), ("i", "italic"), ("em", "italic"),
        ("u", "underline"), ("ins", "underline"), ("s", "strikethrough"), ("strike", "strikethrough"),
        ("del", "strikethrough"), ("tg-spoiler", "spoiler"), ("code", "code"), ("pre", "pre"),
        ("blockquote", "blockquote"),
    ],
)  # fmt: skip
def test_each_simple_tag_becomes_its_entity(tag: str, kind: str) -> None:
    """Every tag Telegram documents formats exactly the text it encloses."""
    assert parse_html(f"say <{tag}>hello</{tag}>!") == ParsedText("say hello!", (entity(kind, 4, 5),))


def test_tag_names_are_case_insensitive_and_end_tags_may_be_bare() -> None:
    """<B>…</> is bold, as Telegram accepts upper-case tags and an empty end tag."""
    assert parse_html("<B>x</>") == ParsedText("x", (entity("bold", 0, 1),))


def test_spoiler_span_needs_the_tg_spoiler_class() -> None:
    """A span is a spoiler only with class="tg-spoiler"; any other span is rejected."""
    assert parse_html('<span class="tg-spoiler">s</span>').entities == (entity("spoiler", 0, 1),)
    assert parse_html("<span class=tg-spoiler>s</span>").entities == (entity("spoiler", 0, 1),)
    assert error_of('<span class="x">s</span>') == (
        'can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset 0'
    )


def test_links_keep_their_target_and_an_empty_href_uses_the_text() -> None:
    """<a href> becomes a text_link; without href the visible text is the address."""
    assert parse_html('<a href="https://example.org/a?b=1&amp;c=2">x</a>').entities == (
        entity("text_link", 0, 1, url="https://example.org/a?b=1&c=2"),
    )
    assert parse_html("<a>example.org</a>").entities == (entity("text_link", 0, 11, url="http://example.org"),)
    assert parse_html("<a href='tg://resolve?domain=x'>x</a>").entities[0]["url"] == "tg://resolve?domain=x"


def test_links_with_unsupported_schemes_are_dropped_silently() -> None:
    """A javascript: link is shown as plain text, not refused, as Telegram does with invalid links."""
    assert parse_html('<a href="javascript:alert(1)">x</a>') == ParsedText("x", ())


def test_a_user_link_becomes_a_text_mention() -> None:
    """tg://user?id=N mentions that user."""
    (mention,) = parse_html('<a href="tg://user?id=42">Li</a>').entities
    assert mention["type"] == "text_mention"
    assert mention["user"] == {"id": 42, "is_bot": False, "first_name": ""}


def test_pre_with_code_language_becomes_one_pre_entity_in_either_nesting() -> None:
    """<pre><code class="language-x"> is a single pre block carrying the language."""
    expected = ParsedText("x = 1", (entity("pre", 0, 5, language="python"),))
    assert parse_html('<pre><code class="language-python">x = 1</code></pre>') == expected
    assert parse_html('<code class="language-python"><pre>x = 1</pre></code>') == expected


def test_code_language_outside_pre_is_ignored() -> None:
    """An inline <code class="language-x"> is plain inline code."""
    assert parse_html('<code class="language-py">x</code>').entities == (entity("code", 0, 1),)


def test_pre_and_code_without_language_stay_two_entities() -> None:
    """<pre><code> without a language keeps both entities, the longer first on ties by priority."""
    assert parse_html("<pre><code>x</code></pre>").entities == (entity("pre", 0, 1), entity("code", 0, 1))


def test_expandable_blockquote() -> None:
    """<blockquote expandable> is an expandable quote, with or without a value."""
    assert parse_html("<blockquote expandable>q</blockquote>").entities == (entity("expandable_blockquote", 0, 1),)
    assert parse_html('<blockquote expandable="">q</blockquote>').entities == (entity("expandable_blockquote", 0, 1),)


def test_custom_emoji_needs_a_numeric_id() -> None:
    """<tg-emoji emoji-id> is a custom emoji; a missing or malformed id is an error."""
    assert parse_html('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>').entities == (
        entity("custom_emoji", 0, 2, custom_emoji_id="5368324170671202286"),
    )
    for bad in (
        '<tg-emoji emoji-id="007">x</tg-emoji>',
        "<tg-emoji>x</tg-emoji>",
        '<tg-emoji emoji-id="0">x</tg-emoji>',
    ):
        assert error_of(bad) == "can't parse entities: Invalid custom emoji identifier specified"


def test_empty_entities_are_dropped_and_unknown_attributes_ignored() -> None:
    """<b></b> formats nothing, and attributes Telegram does not know change nothing."""
    assert parse_html("a<b></b>b") == ParsedText("ab", ())
    assert parse_html('<b title="t" data-x=1>x</b>').entities == (entity("bold", 0, 1),)


def test_nested_entities_are_sorted_by_offset_then_length() -> None:
    """Nested formatting lists the outer entity first."""
    assert parse_html("<b>a<i>b</i></b>").entities == (entity("bold", 0, 2), entity("italic", 1, 1))
    assert parse_html("<i><b>x</b></i>").entities == (entity("bold", 0, 1), entity("italic", 0, 1))


def test_offsets_count_utf16_code_units() -> None:
    """An emoji outside the BMP counts as two units before and inside an entity; CJK counts as one."""
    parsed = parse_html("😀中<b>😀x</b>")
    assert parsed.text == "😀中😀x"
    assert parsed.entities == (entity("bold", 3, 3),)
    assert utf16_len("😀中x") == 4
    assert utf16_len("") == 0


def test_only_four_named_references_and_numeric_ones_are_decoded() -> None:
    """&lt; &gt; &amp; &quot; and &#NN; / &#xNN; decode; anything else stays literally in the text."""
    assert parse_html("&lt;&gt;&amp;&quot;&#65;&#x42;&#x1F600;").text == '<>&"AB😀'
    assert parse_html("&nbsp;&copy;&#X41;&#0;&#;&").text == "&nbsp;&copy;&#X41;&#0;&#;&"
    assert parse_html("&lt &amp").text == "< &"


def test_decoded_markup_characters_are_text() -> None:
    """&lt;b&gt; shows the characters <b> rather than making bold."""
    assert parse_html("&lt;b&gt;x&lt;/b&gt;") == ParsedText("<b>x</b>", ())


def test_a_decoded_surrogate_half_is_rejected() -> None:
    """A numeric reference to half a surrogate pair is an error, as in Telegram."""
    assert error_of("&#xD83D;&#xDE00;").startswith(
        "can't parse entities: Text contains invalid Unicode characters after decoding HTML entities"
    )


def test_unsupported_tag_names_the_tag_and_its_byte_offset() -> None:
    """Any tag outside Telegram's list is refused with its UTF-8 byte offset (CJK is three bytes)."""
    assert error_of("ab<x>") == 'can\'t parse entities: Unsupported start tag "x" at byte offset 2'
    assert error_of("中文<br>") == 'can\'t parse entities: Unsupported start tag "br" at byte offset 6'
    assert error_of("a<b/>") == 'can\'t parse entities: Unsupported start tag "b/" at byte offset 1'
    assert error_of("<>") == 'can\'t parse entities: Unsupported start tag "" at byte offset 0'


def test_unclosed_entity_is_reported_with_its_tag() -> None:
    """A tag left open is refused, naming the innermost open tag."""
    assert error_of("<b>bold <i>both") == "can't parse entities: Can't find end tag corresponding to start tag \"i\""


def test_mismatched_end_tag_names_both_tags() -> None:
    """Closing a different tag than the open one is refused, with what was expected and found."""
    assert error_of("<b>x</i>") == (
        'can\'t parse entities: Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("</b>", "Unexpected end tag at byte offset 0"),
        ("x <b", "Unclosed start tag at byte offset 2"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<a href="x">y</a x>', "Unclosed end tag at byte offset 13"),
        ('<a href="x', "Unclosed start tag at byte offset 0"),
        ("<a href", 'Unclosed start tag "a" at byte offset 0'),
        ("<a href=", 'Unclosed start tag "a" at byte offset 0'),
        ('<a href="x"/>', 'Empty attribute name in the tag "a" at byte offset 0'),
        ("<a =x>", 'Empty attribute name in the tag "a" at byte offset 0'),
        ("<a href=x/y>", "Unexpected end of name token at byte offset 8"),
    ],
)
def test_malformed_tags_get_telegrams_messages(source: str, message: str) -> None:
    """Each malformed tag is refused with the text Telegram sends for it."""
    assert error_of(source) == "can't parse entities: " + message


def test_text_without_markup_passes_through_unchanged() -> None:
    """Plain text, including > and quotes, is shown as sent."""
    assert parse_html("a > b \"c\" 'd'") == ParsedText("a > b \"c\" 'd'", ())


def test_lone_surrogates_in_the_source_are_rejected() -> None:
    """A string that is not valid Unicode is a 400, not a crash."""
    assert error_of("x\ud800") == "text must be encoded in UTF-8"


# --- generated documents -------------------------------------------------------------------------------

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=8)
_WRAPPERS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "b": ("<b>", "</b>", {"type": "bold"}),
    "strong": ("<strong>", "</strong>", {"type": "bold"}),
    "em": ("<em>", "</em>", {"type": "italic"}),
    "ins": ("<ins>", "</ins>", {"type": "underline"}),
    "del": ("<del>", "</del>", {"type": "strikethrough"}),
    "spoiler": ('<span class="tg-spoiler">', "</span>", {"type": "spoiler"}),
    "tg-spoiler": ("<tg-spoiler>", "</tg-spoiler>", {"type": "spoiler"}),
    "code": ("<code>", "</code>", {"type": "code"}),
    "pre": ("<pre>", "</pre>", {"type": "pre"}),
    "quote": ("<blockquote>", "</blockquote>", {"type": "blockquote"}),
    "expandable": ("<blockquote expandable>", "</blockquote>", {"type": "expandable_blockquote"}),
    "link": ('<a href="https://example.org/?q=&quot;1&quot;">', "</a>", {"type": "text_link", "url": 'https://example.org/?q="1"'}),
}  # fmt: skip

# A document is (html, visible text, [(offset, length, fields)]) built bottom-up.
Doc = tuple[str, str, list[tuple[int, int, dict[str, Any]]]]


def _leaf(text: str) -> Doc:
    return html.escape(text, quote=False), text, []


def _concat(docs: list[Doc]) -> Doc:
    source, text, spans = "", "", []
    for child_source, child_text, child_spans in docs:
        shift = utf16_len(text)
        spans += [(offset + shift, length, fields) for offset, length, fields in child_spans]
        source += child_source
        text += child_text
    return source, text, spans


def _wrap(name: str, doc: Doc) -> Doc:
    opening, closing, fields = _WRAPPERS[name]
    source, text, spans = doc
    if utf16_len(text):
        spans = [(0, utf16_len(text), fields), *spans]
    return opening + source + closing, text, spans


_DOCS = st.recursive(
    _TEXT.map(_leaf),
    lambda children: st.one_of(
        st.lists(children, max_size=4).map(_concat),
        st.tuples(st.sampled_from(sorted(_WRAPPERS)), children).map(lambda pair: _wrap(*pair)),
    ),
    max_leaves=12,
)


@given(_DOCS)
def test_generated_well_formed_html_parses_to_the_right_text_and_entities(doc: Doc) -> None:
    """Any well-formed nesting of Telegram's tags yields its text, and each entity covers its tag's text."""
    source, text, spans = doc
    parsed = parse_html(source)
    assert parsed.text == text
    expected = sorted(((o, n, sorted(f.items())) for o, n, f in spans), key=repr)
    actual = sorted(
        ((e["offset"], e["length"], sorted((k, v) for k, v in e.items() if k not in ("offset", "length"))))
        for e in parsed.entities
    )
    assert sorted(actual, key=repr) == expected
    for found in parsed.entities:
        start, length = int(str(found["offset"])), int(str(found["length"]))
        assert length > 0
        assert start + length <= utf16_len(parsed.text)
    assert [(e["offset"], -int(str(e["length"]))) for e in parsed.entities] == sorted(
        (e["offset"], -int(str(e["length"]))) for e in parsed.entities
    )


@given(st.text())
def test_arbitrary_text_never_fails_with_anything_but_a_parse_error(source: str) -> None:
    """Whatever a user types, the parser answers with text or a Telegram-style error, never a crash."""
    try:
        parsed = parse_html(source)
    except HtmlParseError as exc:
        assert exc.description
    else:
        assert all(int(str(e["offset"])) + int(str(e["length"])) <= utf16_len(parsed.text) for e in parsed.entities)


@given(st.text(st.sampled_from(list("<>/&;#x=\"' abipreu-codespantg1lqhf中😀")), max_size=40))
def test_markup_heavy_text_never_fails_with_anything_but_a_parse_error(source: str) -> None:
    """Dense fragments of tags, quotes and references are either parsed or refused cleanly."""
    try:
        parse_html(source)
    except HtmlParseError as exc:
        assert exc.description.startswith(("can't parse entities: ", "text must be encoded"))
