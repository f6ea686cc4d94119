"""Bytes to text: the charset from a byte-order mark, the Content-Type header, the page's meta tag, or the bytes.

GBK and GB2312 pages are read as GB18030, their superset (a page labelled gb2312 often holds GBK characters).
A declared charset that does not fit the bytes is passed over for charset-normalizer's detection; when nothing
fits, undecodable bytes become U+FFFD, which the cleaning step then reports with its position.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

_META = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5": "big5hkscs", "ascii": "utf-8",
          "iso8859-1": "cp1252", "latin-1": "cp1252"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class Decoded:
    """The text, the codec that read it, and where that came from (BOM, header, meta tag, detected, lossy)."""

    text: str
    encoding: str
    how: str


def _codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return _WIDER.get(name, name)


def meta_charset(data: bytes) -> str | None:
    """The charset a page declares in a meta tag within its first 4 KB."""
    match = _META.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def decode(data: bytes, header_charset: str | None = None, *, html: bool = True) -> Decoded:
    """`data` as text, trying the BOM, the header's charset, the meta tag's, then detection."""
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(bom_codec, errors="replace"), bom_codec, "byte-order mark")
    declared = [(header_charset, "the Content-Type header")]
    if html:
        declared.append((meta_charset(data), "the meta tag"))
    for label, how in declared:
        declared_codec = _codec(label) if label else None
        if declared_codec is None:
            continue
        try:
            return Decoded(data.decode(declared_codec), declared_codec, how)
        except UnicodeDecodeError:
            continue
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "detected")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        detected = _codec(best.encoding) or best.encoding
        return Decoded(data.decode(detected, errors="replace"), detected, "detected")
    return Decoded(data.decode("utf-8", errors="replace"), "utf-8", "lossy: undecodable bytes replaced")
