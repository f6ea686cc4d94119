"""Source to draft: a URL, an HTML or text file, or text as forwarded, through every step of the importer."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from lesson_bot.content.importer.artefacts import PINYIN, converter, simplified_config, traditional_count
from lesson_bot.content.importer.clean import clean
from lesson_bot.content.importer.decode import decode
from lesson_bot.content.importer.errors import Finding, ImportFailure
from lesson_bot.content.importer.extract import Extracted, extract_html, extract_text
from lesson_bot.content.importer.fetch import FetchLimits, fetch, is_url
from lesson_bot.content.importer.shape import TEXTS, Meta, Shaped, language_of, shape

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
TARGETS = ("zh-Hans",)
LESSON_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")
TITLE_MAX = 100


@dataclass(frozen=True)
class ImportOptions:
    """The series to put the draft in, the script to convert to (zh-Hans or none), its id, the fetch limits."""

    series: str | None = None
    to: str | None = None
    lesson_id: str | None = None
    limits: FetchLimits = field(default_factory=FetchLimits)


@dataclass(frozen=True)
class Draft:
    """A lesson draft and the report of its making: where it came from, what was changed or flagged, notes."""

    lesson_id: str
    text: str
    title: str
    origin: str
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]
    shaped: Shaped


def draft_id(title: str, url: str) -> str:
    """A lesson id for a draft: import- and 8 hex digits of its URL (or title), stable across re-imports."""
    return "import-" + hashlib.sha1((url or title).encode()).hexdigest()[:8]  # noqa: S324 - a name, not security


async def import_source(source: str, options: ImportOptions | None = None) -> Draft:
    """The draft of the article at `source`: an http(s) URL, an .html or a .txt file."""
    options = options or ImportOptions()
    if is_url(source):
        page = await fetch(source, options.limits)
        return import_bytes(page.data, html=page.is_html, charset=page.charset, url=page.url, options=options)
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix not in HTML_SUFFIXES | TEXT_SUFFIXES:
        raise ImportFailure(f"{source}: not a URL, an .html file or a .txt file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailure(f"{source}: cannot read the file: {exc.strerror or exc}") from None
    if len(data) > options.limits.max_bytes:
        raise ImportFailure(f"{source}: {len(data):,} bytes, over the limit of {options.limits.max_bytes:,}")
    return import_bytes(data, html=suffix in HTML_SUFFIXES, options=options, origin=str(path))


def import_bytes(data: bytes, *, html: bool, charset: str | None = None, url: str = "",
                 options: ImportOptions | None = None, origin: str = "") -> Draft:
    """The draft of a page or text file's bytes; the charset from `charset`, the meta tag or the bytes."""
    decoded = decode(data, charset, html=html)
    where = f"{origin or url} ({len(data):,} bytes, {decoded.encoding} from {decoded.how})"
    return import_text(decoded.text, html=html, url=url, options=options, origin=where)


def _simplify(extracted: Extracted, lines: list[str], config: str) -> tuple[Extracted, list[str]]:
    convert = converter(config).convert
    return (
        Extracted(convert(extracted.title), extracted.body, convert(extracted.publisher), extracted.date,
                  extracted.url, convert(extracted.description), extracted.lang),
        [convert(line) for line in lines],
    )


def import_text(text: str, *, html: bool = False, url: str = "", options: ImportOptions | None = None,
                origin: str = "") -> Draft:
    """The draft of an article's text (HTML when `html`), e.g. one forwarded in a chat."""
    options = options or ImportOptions()
    origin = origin or url or "the text"
    if options.to is not None and options.to not in TARGETS:
        raise ImportFailure(f"--to {options.to}: only {', '.join(TARGETS)} is supported")
    extracted = extract_html(text, url) if html else extract_text(text)
    if not extracted.body:
        raise ImportFailure(f"{origin}: no article text found", "no_text")
    cleaned = clean(extracted.body, extracted.title)
    lines = [line for _, line in cleaned.lines]
    if not any(not line.startswith("#") for line in lines):
        raise ImportFailure(f"{origin}: nothing but page clutter found ({len(cleaned.findings)} lines removed)",
                            "clutter_only")
    notes: list[str] = []
    language = language_of(lines)
    traditional = traditional_count(extracted.title + "".join(lines)) if language == "zh-Hans" else 0
    if options.to == "zh-Hans":
        config = simplified_config(extracted.lang, url)
        extracted, lines = _simplify(extracted, lines, config)
        if traditional:
            notes.append(f"converted {traditional} Traditional characters to Simplified (OpenCC {config})")
    elif traditional:
        notes.append(f"{traditional} Traditional characters kept: convert them with --to zh-Hans")
    title = PINYIN.sub("", extracted.title).strip()
    if not title:
        title = lines[0].lstrip("#").strip()[:30]
        notes.append("the page names no title: the draft's title is the start of its text; write a better one")
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
        notes.append(f"the title was cut to {TITLE_MAX} characters")
    if not extracted.date:
        notes.append("no publication date found: add it to `source` (content check asks for a year)")
    lesson_id = options.lesson_id or draft_id(title, url)
    series = options.series or TEXTS[language].series
    meta = Meta(lesson_id, title, series[:60], language, extracted.publisher, extracted.date, url,
                extracted.description)
    shaped = shape(meta, lines)
    return Draft(lesson_id, shaped.text, title, origin, tuple(cleaned.findings), tuple(notes), shaped)
