"""The count chart of the learning over time (docs/repertoire.md): `count_chart` builds it
through `charts`' one rendering and cache path and `draw_counts` draws it.

A group of horizontal bars per category (a ladder clash, a stage, a code), one bar per school
year, oldest on top. Each year has its own colour from the Okabe & Ito palette *and* its own
hatching, and every bar carries its count, so nothing depends on seeing colour. A count that
is hidden has no bar and no number: the text the caller gives ("fewer than 5", "not shown")
stands in its place, in the chart and in the table alike. The chart draws whatever it is
given; deciding what is hidden is `repertoire.counts`' job.
"""

from __future__ import annotations

import textwrap
from dataclasses import asdict, dataclass
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from dramaturg.reports.charts import (
    _DRAW,
    INK,
    MUTED,
    SERIES_COLOURS,
    Chart,
    Table,
    _axes,
    _chart,
    _empty,
)

HATCHES = ["", "//", "..", "xx", "\\\\", "oo"]


@dataclass(frozen=True)
class CountSeries:
    """One school year: a count per category, or None with the text shown instead."""

    label: str
    values: list[int | None]
    notes: list[str]  # per category: "" for a shown count, else what is shown instead


def _cell(value: int | None, note: str) -> str:
    return note if value is None else formats.number_format(value)


def count_chart(
    key: str,
    title: str,
    description: str,
    categories: list[str],
    series: list[CountSeries],
    *,
    total: CountSeries | None = None,
    category_header: str | None = None,
) -> Chart:
    """Grouped horizontal bars of counts; the table has a column per series and, if given,
    a last row with the totals, one per series (hidden like the cells, with their note)."""
    for s in [*series, *([total] if total else [])]:
        size = len(series) if s is total else len(categories)
        if len(s.values) != size or len(s.notes) != size:
            raise ValueError(f"series {s.label!r} needs {size} values and notes")
        if any(v is None and not n for v, n in zip(s.values, s.notes, strict=True)):
            raise ValueError(f"series {s.label!r} hides a count without saying so")
    headers = [category_header or _("Category"), *(s.label for s in series)]
    rows = [
        [category, *(_cell(s.values[i], s.notes[i]) for s in series)]
        for i, category in enumerate(categories)
    ]
    if total is not None:
        cells = (_cell(v, n) for v, n in zip(total.values, total.notes, strict=True))
        rows.append([total.label or _("All moments"), *cells])
    spec: dict[str, Any] = {"kind": "counts", "categories": categories}
    spec |= {"series": [asdict(s) for s in series], "x_label": _("Moments")}
    return _chart(key, title, description, spec, Table(title, headers, rows))


def _whole_ticks(axis: Any) -> None:
    """Whole numbers on the count axis, in the active language's digits grouping."""
    from matplotlib.ticker import FixedFormatter, MaxNLocator

    low, high = axis.get_view_interval()
    ticks = [int(v) for v in MaxNLocator(nbins=6, integer=True).tick_values(low, high)]
    ticks = [v for v in ticks if low <= v <= high]
    axis.set_ticks(ticks)
    axis.set_major_formatter(FixedFormatter([formats.number_format(v) for v in ticks]))


def draw_counts(spec: dict) -> Any:
    from matplotlib.patches import Patch

    key, series = spec["key"], spec["series"]
    labels = [textwrap.fill(c, 28) for c in spec["categories"]]
    years = max(len(series), 1)
    lines = sum(label.count("\n") + 1 for label in labels)
    ax = _axes(1.3 + 0.15 * lines + 0.28 * len(labels) * years + (0.3 if years > 1 else 0))
    shown = [v for s in series for v in s["values"] if v is not None]
    high = max([*shown, 1]) * 1.18  # room for the figure after the longest bar
    height = 0.8 / years
    for j, s in enumerate(series):
        colour, hatch = SERIES_COLOURS[j % len(SERIES_COLOURS)], HATCHES[j % len(HATCHES)]
        for i, (value, note) in enumerate(zip(s["values"], s["notes"], strict=True)):
            y = i - 0.4 + height * (j + 0.5)
            if value is None:
                ax.text(0, y, f" {note}", va="center", ha="left", color=MUTED, fontsize=9)
                continue
            ax.barh(
                y,
                value,
                height=height * 0.9,
                color=colour,
                hatch=hatch,
                edgecolor="white" if hatch else colour,
                linewidth=0,
                gid=f"{key}-bar-{j}-{i}",
            )
            text = f" {formats.number_format(value)}"
            ax.text(value, y, text, va="center", ha="left", color=INK, fontsize=9)
    ax.set_yticks(range(len(labels)), labels)
    ax.tick_params(axis="y", length=0)
    ax.set(xlim=(0, high), ylim=(max(len(labels), 1) - 0.5, -0.5), xlabel=spec["x_label"])
    _whole_ticks(ax.xaxis)
    ax.grid(axis="x")
    hidden_only = any(v is None for s in series for v in s["values"])
    if not shown and not hidden_only:
        _empty(ax, [])
    if len(series) > 1:
        handles = [
            Patch(
                facecolor=SERIES_COLOURS[j % len(SERIES_COLOURS)],
                hatch=HATCHES[j % len(HATCHES)],
                edgecolor="white",
                label=s["label"],
            )
            for j, s in enumerate(series)
        ]
        ax.figure.legend(handles=handles, loc="outside lower center", ncols=min(len(series), 3))
    return ax.figure


_DRAW["counts"] = draw_counts
