"""UI translations with gettext catalogs (Babel): zh-Hans by default, en complete.

Message ids are the English source text. The catalogs ship as .po files inside the package and are compiled in
memory when a Translator is built (never at import time), so there is no generated file to keep in step (a
compiled copy is cached under the .po's hash, see _load).
Extraction keywords: `_` (t._("...")), `ngettext` (t.ngettext("one", "many", n)), `pgettext`
(t.pgettext("context", "...") where one English text needs two translations), and `N_` / `NP_` (mark now,
translate later; defined in lesson_bot.domain.translation, so that the domain can use them too).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from pathlib import Path

import babel
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


def _cache_dir() -> Path | None:
    try:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lesson_bot"
    except RuntimeError:  # no home directory to be found (HOME unset, no passwd entry)
        return None


def _load(locale: str) -> Translations:
    """The catalog compiled from its .po file. The compiled form is kept in the user's cache under the .po's hash
    (so it can never be stale): parsing and compiling both catalogs was about 0.1 s of CPU at every start-up,
    reading the cached .mo a few ms. Without a writable cache it is compiled in memory every time, as before."""
    source = catalog_path(locale).read_bytes()
    key = hashlib.sha256(source + babel.__version__.encode()).hexdigest()[:16]
    folder = _cache_dir()
    cached = folder / f"messages-{_DIRS[locale]}-{key}.mo" if folder is not None else None
    if cached is not None and cached.is_file():
        with contextlib.suppress(Exception):  # unreadable or damaged: compiled again below, and rewritten
            return Translations(io.BytesIO(cached.read_bytes()))
    buffer = io.BytesIO()
    write_mo(buffer, read_po(io.BytesIO(source), locale=_DIRS[locale]), use_fuzzy=False)
    if cached is not None:
        with contextlib.suppress(OSError):  # a read-only or full disk: compiled in memory next time too
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(f".{os.getpid()}.tmp")
            partial.write_bytes(buffer.getvalue())
            partial.replace(cached)  # atomic: a process starting alongside reads no half-written file
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
