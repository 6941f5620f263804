"""The range chart of the network benchmarks: `range_chart` builds it (through `charts`'
one rendering and cache path) and `draw_range` draws it.

A row per scale, first on top: a band from the first to the third quartile, a vertical tick
at the median and a diamond for your school. Shape tells them apart as well as colour (from
the Okabe & Ito palette), so nothing depends on seeing colour. matplotlib is imported by the
caller's rendering path only.
"""

from __future__ import annotations

import textwrap
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

from dramaturg.reports.charts import (
    _DRAW,
    INK,
    PALETTE,
    Chart,
    Table,
    _axes,
    _chart,
    _empty,
    _floats,
    _fmt,
    _localised_ticks,
    _number,
)

BAND_FILL = PALETTE["sky_blue"]
BAND_EDGE = PALETTE["blue"]  # the edge keeps the band visible against white (> 3:1)
MEDIAN = PALETTE["black"]
OWN = PALETTE["vermillion"]


def draw_range(spec: dict) -> Any:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    key, rows, (low, high) = spec["key"], spec["rows"], spec["limits"]
    labels = [textwrap.fill(r["label"], 30) for r in rows]
    lines = sum(label.count("\n") + 1 for label in labels)
    ax = _axes(1.4 + 0.2 * lines + 0.35 * len(labels))
    for i, row in enumerate(rows):
        ax.barh(
            i,
            row["q3"] - row["q1"],
            left=row["q1"],
            height=0.46,
            color=BAND_FILL,
            alpha=0.55,
            edgecolor=BAND_EDGE,
            linewidth=1.2,
            gid=f"{key}-band-{i}",
        )
        ax.plot(
            [row["median"]] * 2, [i - 0.3, i + 0.3], color=MEDIAN, lw=2.5, gid=f"{key}-median-{i}"
        )
        if row["value"] is not None:
            ax.plot(
                row["value"],
                i,
                marker="D",
                markersize=9,
                color=OWN,
                markeredgecolor="white",
                ls="none",
                gid=f"{key}-own-{i}",
            )
            # The figure just above the band, clear of the band and the median tick.
            text = _fmt(row["value"], spec["decimals"])
            ax.text(row["value"], i - 0.31, text, ha="center", va="bottom", color=INK, fontsize=10)
    ax.set_yticks(range(len(labels)), labels)
    ax.tick_params(axis="y", length=0)
    ax.set(xlim=(low, high), ylim=(max(len(labels), 1) - 0.5, -0.5))  # first row on top
    _localised_ticks(ax.xaxis)
    ax.grid(axis="x")
    if not _empty(ax, [r["median"] for r in rows]):
        band_label, median_label, own_label = spec["legend"]
        handles = [
            Patch(facecolor=BAND_FILL, alpha=0.55, edgecolor=BAND_EDGE, label=band_label),
            Line2D(
                [],
                [],
                color=MEDIAN,
                marker="|",
                markersize=14,
                mew=2.5,
                ls="none",
                label=median_label,
            ),
            Line2D([], [], color=OWN, marker="D", markersize=8, ls="none", label=own_label),
        ]
        ax.figure.legend(handles=handles, loc="outside lower center", ncols=3)
    return ax.figure


@dataclass(frozen=True)
class RangeRow:
    label: str  # the scale
    value: float | None  # your school; None = no figure of its own
    median: float
    q1: float
    q3: float
    n: int  # schools in the distribution


def range_chart(
    key: str,
    title: str,
    description: str,
    rows: list[RangeRow],
    *,
    x_min: float,
    x_max: float,
    decimals: int = 2,
) -> Chart:
    """A row per scale: a band from Q1 to Q3, a tick at the median, a dot for your school;
    the table: scale, your school, median, Q1, Q3, n schools."""
    checked = [
        RangeRow(r.label, _number(r.value), float(r.median), float(r.q1), float(r.q3), int(r.n))
        for r in rows
    ]
    headers = [_("Scale"), _("Your school"), _("Median"), _("First quartile")]
    headers += [_("Third quartile"), _("Schools")]
    table_rows = [
        [r.label, *(_fmt(v, decimals) for v in (r.value, r.median, r.q1, r.q3)), str(r.n)]
        for r in checked
    ]
    legend = [_("Middle half of the schools"), _("Median"), _("Your school")]
    spec: dict[str, Any] = {"kind": "range", "rows": [asdict(r) for r in checked]}
    spec |= {"legend": legend}
    spec |= {"limits": _floats(x_min, x_max), "decimals": decimals}
    return _chart(key, title, description, spec, Table(title, headers, table_rows))


_DRAW["range"] = draw_range
