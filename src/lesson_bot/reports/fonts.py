"""A CJK font for the charts, so that Chinese labels render as glyphs rather than empty boxes.

matplotlib's own fonts (DejaVu) have no Chinese glyphs. The first installed font of `CANDIDATES` is used, with
DejaVu Sans after it for the few symbols a CJK font may lack. On Debian/Ubuntu `scripts/venv.sh` installs
`fonts-wqy-microhei` when no Chinese font is present; without one, charts fail with `NoCjkFont` naming it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from fontTools.ttLib import TTCollection, TTFont
from matplotlib import font_manager

CANDIDATES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
    "Noto Sans SC", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "Droid Sans Fallback",
)
PACKAGE = "fonts-wqy-microhei"  # Debian's (2.6 MB); fonts-noto-cjk is the larger alternative
FALLBACK = "DejaVu Sans"  # matplotlib's bundled font: Latin and symbols

_lock = threading.Lock()  # rcParams are process-wide: one chart is drawn at a time
_found: list[CjkFont] = []


class NoCjkFont(RuntimeError):
    def __init__(self) -> None:
        super().__init__(f"no Chinese font is installed for the charts (looked for {', '.join(CANDIDATES)}); "
                         f"install one, e.g. `apt-get install {PACKAGE}` (or fonts-noto-cjk)")


@dataclass(frozen=True)
class CjkFont:
    name: str  # the family name matplotlib knows it by
    path: Path


def _installed() -> CjkFont | None:
    known = {entry.name: entry.fname for entry in font_manager.fontManager.ttflist}
    for name in CANDIDATES:
        if name in known:
            return CjkFont(name, Path(known[name]))
    return None


def cjk_font() -> CjkFont:
    """The CJK font the charts use, or NoCjkFont naming the package to install."""
    if _found:
        return _found[0]
    font = _installed()
    if font is None:
        # matplotlib caches its font list once; a font installed after that is only found by scanning again
        seen = {entry.fname for entry in font_manager.fontManager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in seen:
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue  # an unreadable font file is not ours to fix
        font = _installed()
    if font is None:
        raise NoCjkFont()
    _found.append(font)
    return font


def _cmap(font: CjkFont) -> set[int]:
    """The code points the font has glyphs for (of a .ttc collection: the face of that family)."""
    if font.path.suffix.lower() != ".ttc":
        with TTFont(font.path, lazy=True) as face:
            return set(face.getBestCmap())
    with TTCollection(font.path, lazy=True) as collection:
        faces = [f for f in collection.fonts if f["name"].getDebugName(1) == font.name] or collection.fonts[:1]
        return set(faces[0].getBestCmap())


def missing_glyphs(font: CjkFont, text: str) -> set[str]:
    """The characters of `text` (other than white space) that the font has no glyph for."""
    cmap = _cmap(font)
    return {ch for ch in text if not ch.isspace() and ord(ch) not in cmap}


def resolved_font(family: str) -> Path:
    """The file matplotlib draws `family` from (no silent fallback to DejaVu)."""
    found = font_manager.findfont(font_manager.FontProperties(family=[family]), fallback_to_default=False)
    return Path(str(getattr(found, "path", found)))


@contextmanager
def chart_style() -> Iterator[CjkFont]:
    """While drawing one chart: the CJK font first, DejaVu Sans after it, no other global change left behind."""
    font = cjk_font()
    with _lock, matplotlib.rc_context({
        "font.family": "sans-serif",
        "font.sans-serif": [font.name, FALLBACK],
        "axes.unicode_minus": False,  # a hyphen-minus, which every CJK font has
    }):
        yield font
