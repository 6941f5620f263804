"""Charts as inline SVG: matplotlib on the server, the same markup in the page and the PDF.

Three kinds: `trend_chart` (lines over rounds), `bar_chart` (horizontal bars, the previous
round faded beside the current one) and `quadrant_chart` (a labelled scatter with arrows
from the previous position). Each returns a `Chart`: the SVG plus its numbers as a `Table`,
shown by `templates/reports/_chart.html`.

matplotlib's SVG is rewritten so that it works under `style-src 'self'` (no `<style>`, no
`style=` attributes), can be inlined in HTML, scales to its container and has unique ids on
a page with several charts. Rendering costs tens of milliseconds, so the finished SVG is
cached by a hash of everything that goes into it. See docs/charts.md.

Pages never draw: inside `deferred()` (the dashboard, team and board views) a chart is read
from the cache or from its stored row (`ChartImage`), and one that is neither is requested
from the background worker (`reports.tasks.render_charts`) and comes back with an empty
`svg`: the template says it is being prepared and still shows the table, which needs no
drawing. Outside `deferred()` (files, the worker, commands) a chart is drawn when missing.

matplotlib is imported inside the functions: importing this module stays cheap.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import textwrap
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from django.core.cache import cache as django_cache
from django.utils import formats, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dramaturg.reports.chart_labels import label_places
from dramaturg.reports.svg import csp_safe_svg

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common form of
# colour blindness. Yellow is kept out of the series colours: too pale on white.
PALETTE = {
    "black": "#000000",
    "orange": "#e69f00",
    "sky_blue": "#56b4e9",
    "bluish_green": "#009e73",
    "yellow": "#f0e442",
    "blue": "#0072b2",
    "vermillion": "#d55e00",
    "reddish_purple": "#cc79a7",
}
# blue, vermillion, bluish green, reddish purple, orange, sky blue, black
SERIES_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"]
# Shape and dash differ per series too, so colour is never the only cue.
MARKERS = ["o", "s", "^", "D", "v", "P"]
LINESTYLES = ["-", "--", "-.", ":"]
INK = "#1d1d27"  # the site's --ink
MUTED = "#4a4a5a"  # the site's --muted
GRID = "#d9d6cf"

NO_FIGURE = "—"
CACHE_SECONDS = 60 * 60 * 24 * 7  # the key is a hash of the content, so entries never go stale
RENDER_VERSION = 3  # bump when the drawing or the post-processing changes
FIGURE_WIDTH = 6.4  # inches; the SVG scales to its container anyway

# rcParams are global to matplotlib and `rc_context` swaps them in place, so two threads
# rendering at once would see each other's settings (the hash salt above all). Rendering is
# CPU-bound under the GIL, so one lock costs next to nothing.
_RENDER_LOCK = threading.Lock()
_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]*$")
_DEFERRED: ContextVar[bool] = ContextVar("charts_deferred", default=False)


@contextmanager
def deferred() -> Iterator[None]:
    """Within this block a missing chart is requested from the worker, not drawn."""
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]  # already formatted cells ("3,12", "—")


@dataclass(frozen=True)
class Chart:
    key: str  # unique html id within a page, e.g. "trend-collective_efficacy"
    title: str
    description: str  # for screen readers: what the chart shows, with the main numbers
    svg: str  # SafeString: SVG markup with <title> and <desc>, role="img", aria-labelledby
    table: Table  # "" as svg: being prepared by the worker (`deferred`)

    @property
    def pending(self) -> bool:
        return not self.svg


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]  # one per x label; None = no figure (a gap, e.g. suppressed)
    # Per value its 95% interval (low, high), drawn as whiskers; None where there is none.
    intervals: list[tuple[float, float] | None] | None = None


@dataclass(frozen=True)
class Point:
    label: str
    x: float
    y: float
    previous_x: float | None = None
    previous_y: float | None = None


# --- The three charts -------------------------------------------------------------------


def trend_chart(
    key: str,
    title: str,
    description: str,
    x_labels: list[str],
    series: list[Series],
    *,
    y_min: float,
    y_max: float,
    y_label: str = "",
    decimals: int = 2,
    x_header: str | None = None,
) -> Chart:
    """A line with markers per series over the rounds in `x_labels`; None leaves a gap."""
    series = [_checked(s, len(x_labels)) for s in series]
    headers = [x_header or _("Round"), *(s.label for s in series)]
    rows = [[x, *(_cell(s, i, decimals) for s in series)] for i, x in enumerate(x_labels)]
    spec: dict[str, Any] = {
        "kind": "trend",
        "x_labels": x_labels,
        "series": [asdict(s) for s in series],
    }
    spec |= {"limits": _floats(y_min, y_max), "y_label": y_label}
    return _chart(key, title, description, spec, Table(title, headers, rows))


def bar_chart(
    key: str,
    title: str,
    description: str,
    categories: list[str],
    current: Series,
    previous: Series | None = None,
    *,
    y_min: float,
    y_max: float,
    y_label: str = "",
    decimals: int = 2,
    category_header: str | None = None,
) -> Chart:
    """Horizontal bars from `y_min`; the previous figures as a thin faded bar above each one.

    `y_min`/`y_max`/`y_label` describe the value axis, which runs horizontally here. Without
    `previous` the table has no "previous" and "change" columns.
    """
    current = _checked(current, len(categories))
    headers = [
        category_header or _("Category"),
        current.label or pgettext("measurement", "Current"),
    ]
    rows = [[c, _fmt(v, decimals)] for c, v in zip(categories, current.values, strict=True)]
    if previous is not None:
        previous = _checked(previous, len(categories))
        headers += [
            previous.label or pgettext("measurement", "Previous"),
            pgettext("measurement", "Change"),
        ]
        for row, now, then in zip(rows, current.values, previous.values, strict=True):
            row += [_fmt(then, decimals), _change(now, then, decimals)]
    spec: dict[str, Any] = {"kind": "bar", "categories": categories, "current": asdict(current)}
    spec |= {"previous": asdict(previous) if previous else None, "y_label": y_label}
    spec |= {"limits": _floats(y_min, y_max), "decimals": decimals}
    return _chart(key, title, description, spec, Table(title, headers, rows))


def quadrant_chart(
    key: str,
    title: str,
    description: str,
    points: list[Point],
    *,
    x_label: str,
    y_label: str,
    x_min: float,
    x_max: float,
    y_min: float,
    y_max: float,
    x_mid: float,
    y_mid: float,
    decimals: int = 2,
    label_header: str | None = None,
) -> Chart:
    """Labelled points in four quadrants; an arrow from each previous position to the current."""
    points = [_checked_point(p) for p in points]
    previous = _("%(axis)s (previous)")
    headers = [label_header or _("Group"), x_label, y_label]
    headers += [previous % {"axis": x_label}, previous % {"axis": y_label}]
    rows = [
        [p.label, *(_fmt(v, decimals) for v in (p.x, p.y, p.previous_x, p.previous_y))]
        for p in points
    ]
    spec: dict[str, Any] = {
        "kind": "quadrant",
        "points": [asdict(p) for p in points],
        "labels": [x_label, y_label],
    }
    spec |= {"limits": _floats(x_min, x_max, y_min, y_max), "mids": _floats(x_mid, y_mid)}
    return _chart(key, title, description, spec, Table(title, headers, rows))


# --- Numbers ------------------------------------------------------------------------------


def _number(value: float | None) -> float | None:
    """A float, or None for no figure (NaN counts as no figure too)."""
    return None if value is None or math.isnan(value) else float(value)


def _floats(*values: float) -> list[float]:
    return [float(v) for v in values]


def _cell(series: Series, i: int, decimals: int) -> str:
    """A value, with its interval in brackets where it has one: "3,12 (2,90–3,34)"."""
    text = _fmt(series.values[i], decimals)
    interval = series.intervals[i] if series.intervals else None
    if interval is None or series.values[i] is None:
        return text
    return f"{text} ({_fmt(interval[0], decimals)}–{_fmt(interval[1], decimals)})"


def _checked(series: Series, length: int) -> Series:
    if len(series.values) != length:
        raise ValueError(f"series {series.label!r} has {len(series.values)} values, not {length}")
    intervals = None
    if series.intervals is not None:
        if len(series.intervals) != length:
            raise ValueError(f"series {series.label!r} needs one interval per value")
        intervals = [_checked_interval(interval) for interval in series.intervals]
    return Series(series.label, [_number(v) for v in series.values], intervals)


def _checked_interval(interval: tuple[float, float] | None) -> tuple[float, float] | None:
    if interval is None:
        return None
    low, high = (_number(v) for v in interval)
    return None if low is None or high is None else (low, high)


def _checked_point(p: Point) -> Point:
    before = (_number(p.previous_x), _number(p.previous_y))
    return Point(p.label, float(p.x), float(p.y), *(before if None not in before else (None, None)))


def _rounded(value: float, decimals: int) -> Decimal:
    # Half up from the shortest repr, as Django's floatformat does, so a chart's table shows
    # the same figure as the results tables elsewhere.
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # no "-0,00"


def _fmt(value: float | None, decimals: int) -> str:
    """A figure in the active language ("3,12" in Dutch); "—" for no figure."""
    if value is None:
        return NO_FIGURE
    return formats.number_format(_rounded(value, decimals), decimal_pos=decimals)


def _change(current: float | None, previous: float | None, decimals: int) -> str:
    """The difference of the figures as shown (so the columns add up), with its sign."""
    if current is None or previous is None:
        return NO_FIGURE
    difference = _rounded(current, decimals) - _rounded(previous, decimals)
    text = formats.number_format(abs(difference) if difference == 0 else difference, decimals)
    return f"+{text}" if difference > 0 else text


def _localised_ticks(axis: Any) -> None:
    """Tick labels with the language's decimal separator ("2,5" in Dutch), no needless ",0"."""
    from matplotlib.ticker import FixedFormatter, MaxNLocator

    low, high = axis.get_view_interval()
    ticks = [
        float(v) for v in MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
    ]
    ticks = [v for v in ticks if low - 1e-9 <= v <= high + 1e-9]
    decimals = next((d for d in range(3) if all(abs(v - round(v, d)) < 1e-9 for v in ticks)), 3)
    axis.set_ticks(ticks)
    axis.set_major_formatter(FixedFormatter([_fmt(v, decimals) for v in ticks]))


# --- Drawing --------------------------------------------------------------------------------

# rcParams for every chart; `svg.hashsalt` is added per chart.
RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # text stays text: selectable, searchable, read out
    "font.family": ["DejaVu Sans"],
    "font.size": 11,
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": MUTED,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "lines.linewidth": 2,
    "lines.markersize": 7,
    "legend.frameon": False,
    "legend.handlelength": 3,
    "figure.facecolor": "none",  # the page's background shows through
    "axes.facecolor": "none",
}
NOTE = {"ha": "center", "va": "center", "color": MUTED, "fontsize": 13}


def _axes(height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(FIGURE_WIDTH, height), layout="constrained").add_subplot()


def _style(i: int) -> tuple[str, str]:
    """The colour and marker of the i-th series or point."""
    return SERIES_COLOURS[i % len(SERIES_COLOURS)], MARKERS[i % len(MARKERS)]


def _empty(ax: Any, values: list[float | None]) -> bool:
    """Write "no figures" across the axes when there is nothing to draw."""
    if any(v is not None for v in values):
        return False
    ax.text(0.5, 0.5, _("No figures to show"), transform=ax.transAxes, **NOTE)
    return True


def _draw_trend(spec: dict) -> Any:
    x_labels, series, (low, high) = spec["x_labels"], spec["series"], spec["limits"]
    # Series may be long texts (a card's agreements): wrap them, fewer legend columns, and
    # a taller figure so the plot keeps its height.
    names = [textwrap.fill(s["label"], 45) for s in series]
    widest = max((len(line) for name in names for line in name.splitlines()), default=0)
    columns = max(1, min(len(series), 1 if widest > 40 else 2 if widest > 18 else 3))
    legend_lines = math.ceil(sum(n.count("\n") + 1 for n in names) / columns)
    ax = _axes(3.6 + (0.25 * legend_lines if len(series) > 1 else 0))
    xs = list(range(len(x_labels)))
    for i, (s, name) in enumerate(zip(series, names, strict=True)):
        colour, marker = _style(i)
        ys = [math.nan if v is None else v for v in s["values"]]  # NaN: matplotlib leaves a gap
        linestyle, gid = LINESTYLES[i % len(LINESTYLES)], f"{spec['key']}-series-{i}"
        ax.plot(xs, ys, color=colour, marker=marker, ls=linestyle, label=name, gid=gid)
        _whiskers(ax, xs, ys, s.get("intervals"), colour)
    wrap = max(6, 48 // max(len(x_labels), 1))  # narrower slots, narrower labels
    wrapped = [
        textwrap.fill(x, wrap, break_long_words=False, break_on_hyphens=False) for x in x_labels
    ]
    ax.set_xticks(xs, wrapped)
    ax.set(xlim=(-0.5, max(len(xs), 1) - 0.5), ylim=(low, high), ylabel=spec["y_label"])
    _localised_ticks(ax.yaxis)
    ax.grid(axis="y")
    _empty(ax, [v for s in series for v in s["values"]])
    if len(series) > 1:
        ax.figure.legend(loc="outside lower center", ncols=columns)
    return ax.figure


def _whiskers(ax: Any, xs: list[int], ys: list[float], intervals: list | None, colour: str):
    """Each point's 95% interval as a whisker in the series' colour."""
    if not intervals:
        return
    for x, y, interval in zip(xs, ys, intervals, strict=True):
        if interval is None or math.isnan(y):
            continue
        low, high = interval
        ax.errorbar(
            [x],
            [y],
            yerr=[[y - low], [high - y]],
            fmt="none",
            ecolor=colour,
            elinewidth=1,
            capsize=3,
            alpha=0.8,
        )


def _draw_bar(spec: dict) -> Any:
    key, current, previous = spec["key"], spec["current"], spec["previous"]
    low, high = spec["limits"]
    labels = [textwrap.fill(c, 30) for c in spec["categories"]]
    lines = sum(label.count("\n") + 1 for label in labels)
    ax = _axes(1.1 + 0.2 * lines + 0.3 * len(labels) + (0.3 if previous else 0))
    blue, offset = PALETTE["blue"], 0.12 if previous else 0
    for i, value in enumerate(current["values"]):
        if value is None:
            ax.text(low, i + offset, f" {NO_FIGURE}", va="center", color=MUTED)
            continue
        height = 0.42 if previous else 0.6
        ax.barh(i + offset, value - low, left=low, height=height, color=blue, gid=f"{key}-bar-{i}")
        inside = value - low > 0.15 * (high - low)  # the figure inside the bar if it fits
        text, align = f" {_fmt(value, spec['decimals'])} ", "right" if inside else "left"
        ax.text(value, i + offset, text, va="center", ha=align, color="white" if inside else INK)
    for i, value in enumerate(previous["values"] if previous else []):
        if value is not None:
            faded = {"color": blue, "alpha": 0.35, "edgecolor": blue, "linewidth": 1}
            ax.barh(
                i - 0.22, value - low, left=low, height=0.22, gid=f"{key}-previous-{i}", **faded
            )
    ax.set_yticks(range(len(labels)), labels)
    ax.tick_params(axis="y", length=0)
    rows = max(len(labels), 1)
    ax.set(xlim=(low, high), ylim=(rows - 0.5, -0.5), xlabel=spec["y_label"])  # first on top
    _localised_ticks(ax.xaxis)
    ax.grid(axis="x")
    if not _empty(ax, current["values"] + (previous["values"] if previous else [])) and previous:
        from matplotlib.patches import Patch

        then_label = previous["label"] or pgettext("measurement", "Previous")
        before = Patch(color=blue, alpha=0.35, label=then_label)
        now = Patch(color=blue, label=current["label"] or pgettext("measurement", "Current"))
        ax.figure.legend(handles=[before, now], loc="outside lower center", ncols=2)
    return ax.figure


def _draw_quadrant(spec: dict) -> Any:
    from matplotlib.patches import FancyArrowPatch

    key, points, (x_min, x_max, y_min, y_max) = spec["key"], spec["points"], spec["limits"]
    ax = _axes(5.0)
    ax.set(xlim=(x_min, x_max), ylim=(y_min, y_max))
    ax.set(xlabel=spec["labels"][0], ylabel=spec["labels"][1])
    ax.axvline(spec["mids"][0], color=MUTED, ls="--", lw=1)
    ax.axhline(spec["mids"][1], color=MUTED, ls="--", lw=1)
    for i, p in enumerate(points):
        colour, marker = _style(i)
        now, before = (p["x"], p["y"]), (p["previous_x"], p["previous_y"])
        if None not in before:
            faded = {"alpha": 0.45, "markerfacecolor": "white", "markeredgecolor": colour}
            ax.plot(*before, marker=marker, ls="none", gid=f"{key}-previous-{i}", **faded)
            if before != now:
                arrow: dict[str, Any] = {
                    "arrowstyle": "-|>",
                    "mutation_scale": 12,
                    "shrinkA": 5,
                    "shrinkB": 6,
                }
                ax.add_patch(
                    FancyArrowPatch(before, now, color=colour, gid=f"{key}-arrow-{i}", **arrow)
                )
        ax.plot(*now, marker=marker, markersize=9, color=colour, ls="none", gid=f"{key}-point-{i}")
    for p, (dx, dy, align) in zip(points, label_places(points, spec["limits"]), strict=True):
        xy = (p["x"], p["y"])
        ax.annotate(
            p["label"], xy, xytext=(dx, dy), textcoords="offset points", ha=align, fontsize=10
        )
    _localised_ticks(ax.xaxis)
    _localised_ticks(ax.yaxis)
    _empty(ax, [p["x"] for p in points])
    return ax.figure


_DRAW: dict[str, Callable[[dict], Any]] = {
    "trend": _draw_trend,
    "bar": _draw_bar,
    "quadrant": _draw_quadrant,
}


# --- Rendering and caching ------------------------------------------------------------------


@cache
def _matplotlib_version() -> str:
    # From the package metadata: the warm path must not import matplotlib.
    from importlib.metadata import version

    return version("matplotlib")


def _chart(key: str, title: str, description: str, spec: dict, table: Table) -> Chart:
    if not _KEY_RE.match(key):
        raise ValueError(f"chart key {key!r} is not usable as an HTML id")
    title, description = str(title), str(description)
    spec |= {"key": key, "title": title, "description": description, "version": RENDER_VERSION}
    spec |= {"language": translation.get_language(), "matplotlib": _matplotlib_version()}
    # default=str turns lazy translations into text; the drawing reads the same plain data.
    canonical = json.dumps(
        spec, sort_keys=True, separators=(",", ":"), allow_nan=False, default=str
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    cache_key = "chart:" + digest
    svg = django_cache.get(cache_key)
    if svg is None and _DEFERRED.get():
        svg = _stored(digest, canonical)
        if not svg:
            return Chart(key, title, description, "", table)
        django_cache.set(cache_key, svg, CACHE_SECONDS)
    elif svg is None:
        svg = _render(json.loads(canonical))
        django_cache.set(cache_key, svg, CACHE_SECONDS)
    # Safe: every text in the SVG was escaped by ElementTree when it was written.
    return Chart(key, title, description, mark_safe(svg), table)  # noqa: S308


def _stored(digest: str, canonical: str) -> str:
    """The stored SVG; "" when there is none yet, which is then requested from the worker."""
    from dramaturg.reports import derived, tasks
    from dramaturg.reports.models import ChartImage

    row = ChartImage.objects.filter(key=digest).values_list("svg", flat=True).first()
    if row:
        return row
    if row is None:
        ChartImage.objects.bulk_create(
            [ChartImage(key=digest, spec=json.loads(canonical))], ignore_conflicts=True
        )
    derived.request(derived.CHART, [digest], tasks.render_charts)
    return ""


def render_stored(digest: str) -> None:
    """The worker's drawing of a requested chart (`reports.tasks.render_charts`)."""
    from django.utils import timezone

    from dramaturg.reports.models import ChartImage

    row = ChartImage.objects.filter(key=digest).first()
    if row is None:
        return
    # Drawn in the chart's own language: axis ticks use its decimal separator.
    with translation.override(row.spec.get("language")):
        svg = _render(row.spec)
    ChartImage.objects.filter(key=digest).update(svg=svg, rendered_at=timezone.now())
    django_cache.set("chart:" + digest, svg, CACHE_SECONDS)


def _render(spec: dict) -> str:
    import matplotlib

    with _RENDER_LOCK, matplotlib.rc_context({**RC, "svg.hashsalt": spec["key"]}):
        figure = _DRAW[spec["kind"]](spec)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return csp_safe_svg(out.getvalue(), spec["key"], spec["title"], spec["description"])
