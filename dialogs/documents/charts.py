"""The follow-up report's charts, drawn on the server with matplotlib's Agg canvas (no pyplot, no GUI, no state).

Deterministic: the same figures give the same PNG bytes (no timestamps or software tag in the file, fixed size,
dpi and fonts: DejaVu Sans, which matplotlib ships). Readable in black and white: every series is black or grey
and told apart by line style and marker (lines) or hatching (bars), never by colour alone, and named in a legend.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

DPI = 120
SIZE = (7.0, 3.2)  # inches: about 16 cm wide in the Word document
STYLES = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1, 1, 1)), "v"), ((0, (1, 1)), "x"))
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")
GREYS = ("black", "0.35", "0.6")

matplotlib.rcParams.update({"font.family": "DejaVu Sans", "font.size": 8, "svg.hashsalt": "forumbot",
                     "path.simplify": False})


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    FigureCanvasAgg(figure)  # no pyplot: nothing global to close
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _axes(title: str, y_label: str) -> tuple[Figure, Axes]:
    figure = Figure(figsize=SIZE, dpi=DPI)
    axes = figure.add_subplot(1, 1, 1)
    axes.set_title(title)
    axes.set_ylabel(y_label)
    axes.grid(True, color="0.85", linewidth=0.5)
    return figure, axes


def participation_chart(title: str, days: Sequence[date], series: Sequence[tuple[str, Sequence[float]]],
                        y_label: str) -> bytes:
    """Shares (0–1) per meeting day, one line per series, in percent."""
    figure, axes = _axes(title, y_label)
    for n, (label, values) in enumerate(series):
        style, marker = STYLES[n % len(STYLES)]
        axes.plot(list(range(len(days))), [v * 100 for v in values], color=GREYS[n % len(GREYS)], linestyle=style,
                  marker=marker, markersize=3, linewidth=1.2, label=label)
    _dates_axis(axes, days)
    axes.set_ylim(0, 125)  # room above 100 % for the legend
    axes.set_yticks([0, 25, 50, 75, 100])
    axes.legend(loc="upper left", fontsize=7, frameon=False, ncol=min(3, len(series)) or 1)
    figure.tight_layout()
    return _png(figure)


def trend_chart(title: str, weeks: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], y_label: str) -> bytes:
    """Counts per week, stacked bars, one hatch per series."""
    figure, axes = _axes(title, y_label)
    bottom = [0] * len(weeks)
    for n, (label, values) in enumerate(series):
        axes.bar(list(range(len(weeks))), list(values), bottom=bottom, color="white" if n % 2 == 0 else "0.8",
                 edgecolor="black", linewidth=0.6, hatch=HATCHES[n % len(HATCHES)], label=label)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_ylim(0, max([*bottom, 1]) * 1.3)  # room above the bars for the legend
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    step = max(1, len(weeks) // 12)
    axes.set_xticks(list(range(0, len(weeks), step)), [weeks[i] for i in range(0, len(weeks), step)],
                    rotation=45, ha="right", fontsize=6)
    if series:
        axes.legend(loc="upper left", fontsize=7, frameon=False, ncol=min(4, len(series)))
    figure.tight_layout()
    return _png(figure)


def _dates_axis(axes: Axes, days: Sequence[date]) -> None:
    step = max(1, len(days) // 12)
    axes.set_xticks(list(range(0, len(days), step)),
                    [days[i].isoformat() for i in range(0, len(days), step)], rotation=45, ha="right", fontsize=6)
