"""The main text of an HTML page as Markdown (trafilatura), with the metadata a source line needs.

trafilatura drops navigation, sidebars, comments and most footers; what it keeps inside the article (share
and follow captions, bylines, editors' names) is left to content.importer.clean. A plain-text article's first
short line is its title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura

_LANG = re.compile(r"""<html[^>]*?\blang\s*=\s*["']?([A-Za-z-]+)""", re.IGNORECASE)
_TITLE_MAX = 100
_SENTENCE_END = ("。", "！", "？", ".", "!", "?", "；", ";")


@dataclass(frozen=True)
class Extracted:
    """An article's title, its main text (Markdown, one paragraph or heading a line) and its metadata."""

    title: str
    body: list[str]
    publisher: str = ""
    date: str = ""
    url: str = ""
    description: str = ""
    lang: str = ""


def _lines(markdown: str) -> list[str]:
    """Non-empty lines, spaces at their ends trimmed; a paragraph is one line in trafilatura's output."""
    return [line.strip() for line in markdown.split("\n") if line.strip()]


def extract_html(html: str, url: str = "") -> Extracted:
    """Title, main text and metadata of a page; an empty body when trafilatura finds no main text."""
    markdown = trafilatura.extract(
        html,
        url=url or None,
        output_format="markdown",
        include_formatting=True,
        include_links=False,
        include_images=False,
        include_tables=True,
        include_comments=False,
        deduplicate=False,
    )
    metadata = trafilatura.extract_metadata(html, default_url=url or None)
    lang = _LANG.search(html[:4096])
    title = (metadata.title or "").strip() if metadata is not None else ""
    body = _lines(markdown or "")
    if not title and body and body[0].startswith("#"):
        title = body[0].lstrip("#").strip()
    return Extracted(
        title=title,
        body=body,
        publisher=((metadata.sitename or "") if metadata is not None else "").strip(),
        date=((metadata.date or "") if metadata is not None else "").strip(),
        url=url,
        description=((metadata.description or "") if metadata is not None else "").strip(),
        lang=lang.group(1) if lang else "",
    )


def extract_text(text: str) -> Extracted:
    """A plain-text article: its first line is the title when short and not a sentence, the rest the body."""
    lines = _lines(text)
    if lines and len(lines[0]) <= _TITLE_MAX and not lines[0].endswith(_SENTENCE_END):
        return Extracted(title=lines[0].lstrip("#").strip(), body=lines[1:])
    return Extracted(title="", body=lines)
