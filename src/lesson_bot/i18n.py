"""UI translations with gettext catalogs (Babel): zh-Hans by default, en complete.

Message ids are the English source text. The catalogs ship as .po files inside the package and are compiled in
memory when a Translator is built (never at import time), so there is no generated file to keep in step.
Extraction keywords: `_` (t._("...")), `ngettext` (t.ngettext("one", "many", n)), `pgettext`
(t.pgettext("context", "...") where one English text needs two translations), and `N_` / `NP_` (mark now,
translate later; defined in lesson_bot.domain.translation, so that the domain can use them too).
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from lesson_bot.domain.translation import N_, NP_

__all__ = ["NP_", "N_", "SUPPORTED", "Lang", "Translator", "catalog_path", "normalize_locale"]

LOCALE_DIR = Path(__file__).with_name("locale")
SUPPORTED = ("zh-Hans", "en")
_DIRS = {"zh-Hans": "zh_Hans", "en": "en"}


def normalize_locale(code: str | None, default: str = "zh-Hans") -> str:
    """Map a Telegram language_code or a user's choice to a supported locale: zh, zh-CN, zh-hans -> zh-Hans."""
    if not code:
        return default
    lowered = code.replace("_", "-").lower()
    if lowered.startswith("zh"):
        return "zh-Hans"
    if lowered.startswith("en"):
        return "en"
    return default


def catalog_path(locale: str) -> Path:
    """The .po file of a supported locale."""
    return LOCALE_DIR / _DIRS[locale] / "LC_MESSAGES" / "messages.po"


def _load(locale: str) -> Translations:
    with catalog_path(locale).open("rb") as fp:
        catalog = read_po(fp, locale=_DIRS[locale])
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer)


class Lang:
    """The translation functions for one locale."""

    def __init__(self, locale: str, translations: Translations) -> None:
        self.locale = locale
        self._translations = translations

    def _(self, message: str, /, **params: object) -> str:
        text = self._translations.gettext(message)
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        text = self._translations.ngettext(singular, plural, n)
        return text.format(n=n, **params)

    def pgettext(self, context: str, message: str, /, **params: object) -> str:
        text = str(self._translations.pgettext(context, message))
        return text.format(**params) if params else text


class Translator:
    """Every supported locale's catalog, loaded once."""

    def __init__(self, default_locale: str = "zh-Hans") -> None:
        self.default_locale = default_locale
        self._langs = {locale: Lang(locale, _load(locale)) for locale in SUPPORTED}

    def lang(self, locale: str | None) -> Lang:
        """The translations for a locale (normalised; unknown ones fall back to the default)."""
        return self._langs[normalize_locale(locale, self.default_locale)]
