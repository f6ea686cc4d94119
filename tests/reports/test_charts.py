"""Charts: PNG pictures with Chinese labels drawn in a font that has their glyphs."""

from __future__ import annotations

import io
import warnings

import matplotlib
import pytest
from matplotlib.figure import Figure
from matplotlib.image import imread

from lesson_bot.reports.charts import (
    DPI,
    WIDTH,
    Bar,
    Labels,
    Series,
    branch_ranking,
    cadence_compliance,
    participation_over_time,
    quiz_accuracy,
    ranked,
)
from lesson_bot.reports.fonts import PACKAGE, NoCjkFont, cjk_font, missing_glyphs, resolved_font

PERIODS = tuple(f"{month}月" for month in range(1, 13))
BRANCHES = ("第一党支部", "第二党支部", "机关党支部（离退休）")
LESSON_TITLES = ("红船精神", "遵义会议的历史意义", "“三会一课”中的“三会”是指哪三个会议？请选出正确的一项")
STATUSES = ("按时召开", "逾期召开", "未召开", "未到期")
TITLES = (Labels("各支部参与率（按月）", "月份", "参与率"), Labels("支部积分排名", "积分"),
          Labels("各课正确率", "正确率"), Labels("三会一课落实情况", "支部", "会议次数"))


def _charts() -> list[bytes]:
    return [
        participation_over_time(PERIODS, [Series(name, tuple(0.4 + 0.05 * i for i in range(12))) for name in BRANCHES]
                                + [Series("新支部", (None,) * 6 + (0.5,) * 6)], TITLES[0]),
        branch_ranking([Bar(name, 90 - 7 * i) for i, name in enumerate(BRANCHES)], TITLES[1]),
        quiz_accuracy([Bar(title, 0.3 * i + 0.25) for i, title in enumerate(LESSON_TITLES)], TITLES[2]),
        cadence_compliance(BRANCHES, [Series(s, (3, 1, 0)) for s in STATUSES], TITLES[3]),
    ]


def _drawn_text() -> str:
    return "".join(PERIODS + BRANCHES + LESSON_TITLES + STATUSES + ("新支部",)) + "".join(
        labels.title + labels.x + labels.y for labels in TITLES)


def test_the_resolved_font_has_a_glyph_for_every_chinese_character_drawn() -> None:
    """The font matplotlib resolves for the charts is the CJK font, and its cmap covers every label's characters."""
    font = cjk_font()
    assert resolved_font(font.name) == font.path
    assert any("\u4e00" <= ch <= "\u9fff" for ch in _drawn_text())
    assert missing_glyphs(font, _drawn_text()) == set()


def test_charts_render_chinese_labels_without_missing_glyphs() -> None:
    """No "Glyph … missing from font" while drawing, and each chart is a PNG Telegram and matplotlib can read."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pictures = _charts()
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []
    for picture in pictures:
        assert picture.startswith(b"\x89PNG\r\n\x1a\n") and 10_000 < len(picture) < 10_000_000
        pixels = imread(io.BytesIO(picture), format="png")
        height, width = pixels.shape[:2]
        assert width == int(WIDTH * DPI) and 400 <= height <= 10_000 - width
        assert pixels[..., :3].std() > 0.05  # something was drawn on the white page


def test_a_font_without_chinese_glyphs_is_what_the_check_catches() -> None:
    """Control: drawing Chinese text with matplotlib's own DejaVu Sans warns of missing glyphs."""
    figure = Figure()
    figure.text(0.5, 0.5, "第一党支部", family="DejaVu Sans")
    with pytest.warns(UserWarning, match="missing from font"):
        figure.savefig(io.BytesIO(), format="png")


def test_more_bars_make_a_taller_picture_within_telegram_limits() -> None:
    many = [Bar(f"第{i}党支部", float(i)) for i in range(80)]
    height = imread(io.BytesIO(branch_ranking(many, TITLES[1])), format="png").shape[0]
    short = imread(io.BytesIO(branch_ranking(many[:3], TITLES[1])), format="png").shape[0]
    assert short < height and height + int(WIDTH * DPI) <= 10_000 and height / (WIDTH * DPI) <= 20


def test_ranking_puts_the_best_branch_first() -> None:
    bars = [Bar("乙支部", 80), Bar("甲支部", 92.5), Bar("丙支部", 80)]
    assert [bar.label for bar in ranked(bars)] == ["甲支部", "丙支部", "乙支部"]


def test_series_of_the_wrong_length_are_refused() -> None:
    with pytest.raises(ValueError, match="2 values for 12 periods"):
        participation_over_time(PERIODS, [Series("第一党支部", (0.5, 0.6))], TITLES[0])
    with pytest.raises(ValueError, match="1 values for 3 groups"):
        cadence_compliance(BRANCHES, [Series("按时召开", (1,))], TITLES[3])


def test_drawing_leaves_matplotlib_settings_as_they_were() -> None:
    before = dict(matplotlib.rcParams)
    branch_ranking([Bar("第一党支部", 1.0)], TITLES[1])
    assert dict(matplotlib.rcParams) == before


def test_without_a_chinese_font_the_error_names_the_package_to_install() -> None:
    assert PACKAGE in str(NoCjkFont()) and "apt-get install" in str(NoCjkFont())
