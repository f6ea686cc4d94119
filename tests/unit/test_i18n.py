"""Translations: every message the code uses exists, complete, in zh-Hans and en, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from lesson_bot.i18n import SUPPORTED, Translator, catalog_path, normalize_locale
from tgrules.html import parse_html

SRC = Path(__file__).resolve().parents[2] / "src" / "lesson_bot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "NP_": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _key(message: str | tuple[str, str], context: str | None) -> str | tuple[str, str]:
    """A message's identity as gettext sees it: a context goes before the message, joined by EOT."""
    if context is None:
        return message
    return f"{context}\x04{message}" if isinstance(message, str) else (f"{context}\x04{message[0]}", message[1])


def _code_messages() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(SRC), method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")], keywords=KEYWORDS
    ):
        found.add(_key(message if isinstance(message, str) else (message[0], message[1]), context))
    return found


def _catalog(locale: str) -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    with catalog_path(locale).open("rb") as fp:
        catalog = read_po(fp)
    entries: dict[str | tuple[str, str], str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"{locale}: fuzzy entry {message.id!r}"
        key = _key(message.id if isinstance(message.id, str) else (message.id[0], message.id[1]), message.context)
        entries[key] = message.string if isinstance(message.string, str) else tuple(message.string or ())
    return entries


@pytest.mark.parametrize("locale", SUPPORTED)
def test_every_message_in_the_code_is_translated_and_nothing_is_stale(locale: str) -> None:
    """A message used in the code but missing from a language (or left empty) fails; so does a stale one."""
    code = _code_messages()
    catalog = _catalog(locale)
    assert len(code) > 50
    assert sorted(map(str, code - catalog.keys())) == [], "run scripts/i18n.sh and translate"
    assert sorted(map(str, catalog.keys() - code)) == [], "stale catalog entries: run scripts/i18n.sh"
    empty = [k for k, v in catalog.items() if not v or (isinstance(v, tuple) and not all(v))]
    assert empty == []


@pytest.mark.parametrize("locale", SUPPORTED)
def test_translations_keep_the_placeholders_and_valid_telegram_html(locale: str) -> None:
    """Each translation uses exactly the source's {placeholders} and is HTML that Telegram accepts."""
    for key, value in _catalog(locale).items():
        source = key.rpartition("\x04")[2] if isinstance(key, str) else key[1]
        for text in (value,) if isinstance(value, str) else value:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(source)), (locale, key)
            parse_html(PLACEHOLDER.sub("x", text))


def test_zh_hans_is_the_default_and_en_is_complete() -> None:
    """Without a choice the bot speaks Chinese; en speaks English; both format their values."""
    translator = Translator("zh-Hans")
    assert translator.lang(None)._("Cancel") == "取消"
    assert translator.lang("en")._("Cancel") == "Cancel"
    assert translator.lang("en-US")._("<b>Branches</b>: {n}", n=3) == "<b>Branches</b>: 3"
    assert translator.lang("zh")._("<b>Branches</b>: {n}", n=3) == "<b>支部</b>：共 3 个"
    many = translator.lang("en").ngettext("{n} line was not imported:", "{n} lines were not imported:", 2)
    assert many == "2 lines were not imported:"
    assert translator.lang("zh").pgettext("day of the month", "31st") == "31日"
    assert translator.lang("en").pgettext("day of the month", "31st") == "31st"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("zh", "zh-Hans"), ("zh-CN", "zh-Hans"), ("zh_hans", "zh-Hans"), ("zh-hant", "zh-Hans"), ("en-GB", "en"),
     ("fr", "zh-Hans"), (None, "zh-Hans"), ("", "zh-Hans")],
)
def test_telegram_language_codes_map_to_a_supported_locale(code: str | None, expected: str) -> None:
    """Telegram's language_code picks the closest supported language, else the default."""
    assert normalize_locale(code) == expected
