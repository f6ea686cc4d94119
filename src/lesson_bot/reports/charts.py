"""The report figures as PNG pictures, for Telegram, for files and for the dashboard.

Each function takes plain typed values (labels already translated by the caller, Chinese or English) and returns
PNG bytes. Figures are `matplotlib.figure.Figure` objects drawn with the Agg renderer: pyplot and its global list
of open figures are never used, so nothing is left behind between charts. Rates are floats 0..1 on a percent axis.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# matplotlib (and numpy, and the font lookup) is imported when the first chart is drawn, not with this module: it
# is about 50 MB of a running service's memory, most of which never draws a chart (docs/operations.md, footprint).

DPI = 150
WIDTH = 8.0  # inches: 1200 pixels at 150 dpi, comfortable in a Telegram photo
HEIGHT = 4.8
HEIGHT_MAX = 36.0  # Telegram wants width + height <= 10000 pixels and a side ratio <= 20
BAR_HEIGHT = 0.5  # inches per bar of a horizontal bar chart: room for a two-line label
LABEL_WRAP = 16  # characters per line of a long bar label (a quiz question)
LABEL_LINES = 2
# Colour-blind-safe (Okabe-Ito); the status colours of cadence compliance: done, late, missing, not yet due
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
GOOD, LATE, BAD, PENDING = "#009E73", "#E69F00", "#D55E00", "#BBBBBB"


@dataclass(frozen=True)
class Labels:
    """A chart's title and axis labels, already translated."""

    title: str
    x: str = ""
    y: str = ""


@dataclass(frozen=True)
class Series:
    """A named row of values (a branch's rate per period; a status's count per branch). None is no value."""

    label: str
    values: tuple[float | None, ...]
    color: str | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    value: float


def _png(height: float, draw: Callable[[Axes], None]) -> bytes:
    from matplotlib.figure import Figure

    from lesson_bot.reports.fonts import chart_style

    with chart_style():
        figure = Figure(figsize=(WIDTH, min(height, HEIGHT_MAX)), dpi=DPI, layout="constrained")
        draw(figure.add_subplot())
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _titles(ax: Axes, labels: Labels) -> None:
    ax.set_title(labels.title)
    ax.set_xlabel(labels.x)
    ax.set_ylabel(labels.y)


def _short(label: str) -> str:
    """A long label (a quiz question) on at most two lines, cut with an ellipsis."""
    lines = textwrap.wrap(label, LABEL_WRAP) or [""]
    if len(lines) > LABEL_LINES:
        lines = [*lines[:LABEL_LINES - 1], lines[LABEL_LINES - 1][:LABEL_WRAP - 1] + "…"]
    return "\n".join(lines)


def _bar_height(count: int) -> float:
    return max(HEIGHT, 1.5 + BAR_HEIGHT * count)


def participation_over_time(periods: Sequence[str], branches: Sequence[Series], labels: Labels) -> bytes:
    """Lines: each branch's participation rate (0..1) per period (a week or a month, labelled by the caller)."""
    for series in branches:
        if len(series.values) != len(periods):
            raise ValueError(f"{series.label!r}: {len(series.values)} values for {len(periods)} periods")

    def draw(ax: Axes) -> None:
        from matplotlib.ticker import PercentFormatter

        positions = list(range(len(periods)))
        for index, series in enumerate(branches):
            values = [math.nan if v is None else v for v in series.values]
            ax.plot(positions, values, marker="o", label=series.label,
                    color=series.color or PALETTE[index % len(PALETTE)])
        ax.set_xticks(positions, list(periods), rotation=45 if len(periods) > 8 else 0,
                      ha="right" if len(periods) > 8 else "center")
        ax.set_ylim(0, 1.05)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.grid(axis="y", alpha=0.3)
        if branches:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        _titles(ax, labels)

    return _png(HEIGHT, draw)


def ranked(scores: Sequence[Bar]) -> list[Bar]:
    """Best first; equal scores by label, so the same figures always draw the same picture."""
    return sorted(scores, key=lambda bar: (-bar.value, bar.label))


def branch_ranking(scores: Sequence[Bar], labels: Labels, *, percent: bool = False) -> bytes:
    """Horizontal bars, best at the top: the branches' scorecard scores (or rates 0..1 with `percent`)."""
    order = ranked(scores)

    def draw(ax: Axes) -> None:
        from matplotlib.ticker import PercentFormatter

        names = [_short(bar.label) for bar in order]
        bars = ax.barh(range(len(order)), [bar.value for bar in order], color=PALETTE[0])
        ax.set_yticks(range(len(order)), names)
        ax.invert_yaxis()  # the best at the top
        ax.bar_label(bars, labels=[f"{bar.value:.0%}" if percent else f"{bar.value:g}" for bar in order],
                     padding=3)
        if percent:
            ax.set_xlim(0, 1.1)
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        else:
            ax.set_xlim(0, max([bar.value for bar in order], default=1) * 1.12 or 1)
        ax.grid(axis="x", alpha=0.3)
        _titles(ax, labels)

    return _png(_bar_height(len(order)), draw)


def quiz_accuracy(items: Sequence[Bar], labels: Labels) -> bytes:
    """Bars on a percent axis, in the order given: accuracy (0..1) per lesson, or per question of one lesson."""

    def draw(ax: Axes) -> None:
        from matplotlib.ticker import PercentFormatter

        bars = ax.barh(range(len(items)), [item.value for item in items],
                       color=[GOOD if item.value >= 0.8 else LATE if item.value >= 0.6 else BAD for item in items])
        ax.set_yticks(range(len(items)), [_short(item.label) for item in items])
        ax.invert_yaxis()  # the first lesson (question) at the top
        ax.bar_label(bars, labels=[f"{item.value:.0%}" for item in items], padding=3)
        ax.set_xlim(0, 1.1)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.grid(axis="x", alpha=0.3)
        _titles(ax, labels)

    return _png(_bar_height(len(items)), draw)


def cadence_compliance(groups: Sequence[str], statuses: Sequence[Series], labels: Labels) -> bytes:
    """Stacked bars: per branch (or period), how many expected meetings were held, held late, missed, still due.

    `statuses` are the stacked parts in order, each with one count per group; without a colour of its own the
    parts take green, amber, red and grey in that order.
    """
    for series in statuses:
        if len(series.values) != len(groups):
            raise ValueError(f"{series.label!r}: {len(series.values)} values for {len(groups)} groups")
    colors = (GOOD, LATE, BAD, PENDING, *PALETTE)

    def draw(ax: Axes) -> None:
        from matplotlib.ticker import MaxNLocator

        positions = list(range(len(groups)))
        bottom = [0.0] * len(groups)
        for index, series in enumerate(statuses):
            values = [v or 0.0 for v in series.values]
            ax.bar(positions, values, bottom=bottom, label=series.label, color=series.color or colors[index],
                   width=0.6)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_xticks(positions, [_short(group) for group in groups], rotation=30 if len(groups) > 6 else 0,
                      ha="right" if len(groups) > 6 else "center")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", alpha=0.3)
        if statuses:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        _titles(ax, labels)

    return _png(HEIGHT, draw)
