"""Charts as inline SVG (reports/charts.py): valid, accessible, CSP-safe, cached, localised.

The SVG is parsed with ElementTree as a browser would take it from the page; the PDF test
renders the real template through WeasyPrint and reads the text back with pypdf.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import weasyprint
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy
from pypdf import PdfReader

from dramaturg.reports import charts
from dramaturg.reports.charts import Point, Series

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
ROUNDS = ["2022-2023", "2023-2024", "2024-2025 ronde 1", "2024-2025 ronde 2", "2025-2026"]


@pytest.fixture(autouse=True)
def english_and_an_empty_cache():
    """English unless a test says otherwise (Dutch is the site's default), and no SVG cached."""
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def trend(key: str = "trend-collective_efficacy", **overrides) -> charts.Chart:
    arguments = {
        "title": "Collective efficacy",
        "description": "Rises from 3.1 to 3.6 over five rounds.",
        "x_labels": ROUNDS,
        "series": [
            Series("Onderbouw", [3.1, 3.25, None, 3.5, 3.6]),
            Series("Bovenbouw", [2.9, 3.0, 3.1, 3.2, 3.3]),
            Series("School", [3.0, 3.1, 3.2, 3.3, 3.4]),
        ],
        "y_min": 1,
        "y_max": 5,
        "y_label": "Average score",
    } | overrides
    return charts.trend_chart(key, **arguments)


def bar(key: str = "bar-scales", **overrides) -> charts.Chart:
    arguments = {
        "title": "Scales",
        "description": "Task analysis fell from 2.5 to 2.2.",
        "categories": [
            "Group competence in the whole team of the school",
            "Task analysis",
            "Engaging",
        ],
        "current": Series("2024-2025", [3.125, 2.2, None]),
        "previous": Series("2023-2024", [2.825, 2.5, 3.0]),
        "y_min": 1,
        "y_max": 5,
        "y_label": "Average score",
    } | overrides
    return charts.bar_chart(key, **arguments)


def quadrant(key: str = "quadrant-teams", points: list[Point] | None = None) -> charts.Chart:
    if points is None:
        points = [Point("Onderbouw", 3.2, 3.8, 2.9, 3.1), Point("Middenbouw", 3.9, 2.5)]
    return charts.quadrant_chart(
        key,
        "Efficacy and agreement",
        "Onderbouw moved up and to the right.",
        points,
        x_label="Efficacy",
        y_label="Agreement",
        x_min=1,
        x_max=5,
        y_min=1,
        y_max=5,
        x_mid=3,
        y_mid=3,
    )


def parse(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def group(root: ET.Element, gid: str) -> ET.Element | None:
    return root.find(f".//{SVG}g[@id='{gid}']")


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_svg_is_inline_ready_with_title_desc_and_role():
    chart = trend()
    assert chart.svg.startswith("<svg ")  # no XML declaration, no DOCTYPE
    assert "<!DOCTYPE" not in chart.svg
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (
        f"{SVG}title",
        "trend-collective_efficacy-title",
        "Collective efficacy",
    )
    assert (desc.tag, desc.get("id"), desc.text) == (
        f"{SVG}desc",
        "trend-collective_efficacy-desc",
        "Rises from 3.1 to 3.6 over five rounds.",
    )
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == (
        "trend-collective_efficacy-title trend-collective_efficacy-desc"
    )
    # Scales to its container: no fixed size, the aspect ratio from the viewBox.
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert len(root.get("viewBox", "").split()) == 4
    # Text stays text (svg.fonttype none), so it can be read out and found.
    assert {"2022-2023", "Onderbouw", "Average score"} <= set(texts(root))


def test_two_charts_on_one_page_share_no_id_and_references_stay_inside():
    first, second = trend("trend-a"), trend("trend-b")
    seen: list[str] = []
    for chart in (first, second):
        root = parse(chart)
        ids = [element.get("id") for element in root.iter() if element.get("id")]
        assert ids, "a chart has at least its title and desc ids"
        references = set()
        for element in root.iter():
            for name, value in element.attrib.items():
                references.update(re.findall(r"url\(#([^)]+)\)", value))
                if name == XLINK_HREF:
                    references.add(value.removeprefix("#"))
        assert references, "clip paths and markers are referenced"
        assert references <= set(ids)  # every reference resolves within the same chart
        assert all(i.startswith(f"{chart.key}-") for i in ids)
        seen += ids
    assert len(seen) == len(set(seen))


def test_ids_are_deterministic():
    first = trend().svg
    cache.clear()
    assert trend().svg == first


@pytest.mark.parametrize("make", [trend, bar, quadrant])
def test_no_style_element_or_attribute_is_left(make):
    root = parse(make())
    assert root.find(f".//{SVG}style") is None
    assert [e.tag for e in root.iter() if "style" in e.attrib] == []
    # What the styles said is now in presentation attributes.
    assert any(e.get("fill") for e in root.iter(f"{SVG}path"))
    assert any(e.get("stroke-linejoin") == "round" for e in root.iter(f"{SVG}path"))
    text = next(root.iter(f"{SVG}text"))
    assert text.get("font-size")
    assert text.get("font-family").startswith("'DejaVu Sans'")


def test_series_have_palette_colours_and_different_line_styles():
    root = parse(trend())
    strokes = []
    for i, colour in enumerate(charts.SERIES_COLOURS[:3]):
        line = group(root, f"trend-collective_efficacy-series-{i}").find(f"{SVG}path")
        assert line.get("stroke") == colour
        assert colour in charts.PALETTE.values()
        strokes.append(line.get("stroke-dasharray"))
    assert strokes[0] is None  # solid
    assert None not in strokes[1:]
    assert strokes[1] != strokes[2]
    markers = group(root, "trend-collective_efficacy-series-0").findall(f".//{SVG}use")
    assert len(markers) == 4  # one per figure, none for the gap


def test_none_leaves_a_gap_in_the_line_and_a_dash_in_the_table():
    chart = trend()
    root = parse(chart)

    def moves(i: int) -> int:
        path = group(root, f"trend-collective_efficacy-series-{i}").find(f"{SVG}path")
        return path.get("d").count("M")

    assert moves(0) == 2  # Onderbouw has no figure for the third round: two pieces
    assert moves(1) == 1
    assert chart.table.headers == ["Round", "Onderbouw", "Bovenbouw", "School"]
    assert chart.table.rows[2] == ["2024-2025 ronde 1", "—", "3.10", "3.20"]


def test_numbers_follow_the_language():
    with translation.override("nl"):
        dutch = trend(y_min=2, y_max=4)
        dutch_bar = bar()
    with translation.override("en"):
        english = trend(y_min=2, y_max=4)
    assert dutch.table.rows[1] == ["2023-2024", "3,25", "3,00", "3,10"]
    assert english.table.rows[1] == ["2023-2024", "3.25", "3.00", "3.10"]
    # The tick labels too, and the cache keeps the languages apart.
    assert "2,5" in texts(parse(dutch))
    assert "2.5" in texts(parse(english))
    assert "2,5" not in texts(parse(english))
    assert dutch_bar.table.rows[0][1:] == ["3,13", "2,83", "+0,30"]


def test_bar_table_rounds_half_up_and_signs_the_change():
    chart = bar()
    assert chart.table.caption == "Scales"
    assert chart.table.headers == ["Category", "2024-2025", "2023-2024", "Change"]
    assert chart.table.rows == [
        ["Group competence in the whole team of the school", "3.13", "2.83", "+0.30"],
        ["Task analysis", "2.20", "2.50", "-0.30"],
        ["Engaging", "—", "3.00", "—"],
    ]
    root = parse(chart)
    assert group(root, "bar-scales-bar-0") is not None
    assert group(root, "bar-scales-bar-2") is None  # no figure, no bar
    faded = group(root, "bar-scales-previous-2").find(f"{SVG}path")
    assert faded.get("opacity") == "0.35"
    assert "—" in [t.strip() for t in texts(root)]  # the missing bar is marked


def test_bar_without_previous_has_two_columns_and_no_previous_bars():
    chart = bar(previous=None, current=Series("", [3.0, 2.0, 4.0]), decimals=1)
    assert chart.table.headers == ["Category", "Current"]
    assert [row[1] for row in chart.table.rows] == ["3.0", "2.0", "4.0"]
    assert group(parse(chart), "bar-scales-previous-0") is None


def test_cache_hit_returns_the_same_svg_without_rendering(monkeypatch):
    renders = []
    render = charts._render

    def counting(spec):
        renders.append(spec["key"])
        return render(spec)

    monkeypatch.setattr(charts, "_render", counting)
    first = trend()
    second = trend()
    assert second.svg == first.svg
    assert renders == ["trend-collective_efficacy"]
    trend(title="Another title")  # any change in the input is another entry
    with translation.override("nl"):
        trend()  # and so is another language
    assert len(renders) == 3


def test_quadrant_draws_arrows_from_previous_positions():
    chart = quadrant()
    root = parse(chart)
    arrow = group(root, "quadrant-teams-arrow-0")
    assert arrow is not None
    assert arrow.find(f"{SVG}path").get("stroke") == charts.SERIES_COLOURS[0]
    assert group(root, "quadrant-teams-previous-0") is not None
    assert group(root, "quadrant-teams-point-0") is not None
    # Middenbouw has no previous position: a point, no arrow.
    assert group(root, "quadrant-teams-point-1") is not None
    assert group(root, "quadrant-teams-arrow-1") is None
    assert group(root, "quadrant-teams-previous-1") is None
    assert {"Onderbouw", "Middenbouw"} <= set(texts(root))
    dashed = [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray")]
    assert len(dashed) == 2  # the lines at x_mid and y_mid
    assert chart.table.headers == [
        "Group",
        "Efficacy",
        "Agreement",
        "Efficacy (previous)",
        "Agreement (previous)",
    ]
    assert chart.table.rows == [
        ["Onderbouw", "3.20", "3.80", "2.90", "3.10"],
        ["Middenbouw", "3.90", "2.50", "—", "—"],
    ]


@pytest.mark.parametrize(
    "make",
    [
        lambda: trend(series=[Series("Onderbouw", [None] * 5)]),
        lambda: trend(x_labels=[], series=[]),
        lambda: bar(categories=[], current=Series("now", []), previous=None),
        lambda: bar(current=Series("now", [None] * 3), previous=Series("then", [None] * 3)),
        lambda: quadrant(points=[]),
    ],
)
def test_a_chart_without_figures_says_so(make):
    root = parse(make())
    assert "No figures to show" in texts(root)
    assert root[0].tag == f"{SVG}title"


def test_a_chart_with_figures_has_no_note():
    assert "No figures to show" not in texts(parse(trend()))


def test_lazy_translations_are_taken_as_text():
    with translation.override("nl"):
        chart = trend(title=gettext_lazy("Round"), x_labels=[gettext_lazy("Round")] * 5)
        expected = gettext("Round")
    assert chart.title == expected
    root = parse(chart)
    assert root[0].text == expected
    assert expected in texts(root)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="values"):
        trend(series=[Series("short", [1.0])])
    with pytest.raises(ValueError, match="HTML id"):
        trend(key="two words")


def test_template_shows_figure_and_a_table_behind_a_toggle():
    html = render_to_string("reports/_chart.html", {"chart": trend()})
    assert '<figure class="chart" id="trend-collective_efficacy">' in html
    assert '<figcaption class="chart-title">Collective efficacy</figcaption>' in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html  # not escaped
    assert "<summary>Show as table</summary>" in html
    assert "<caption>Collective efficacy</caption>" in html
    assert '<th scope="col">Onderbouw</th>' in html
    assert '<th scope="row">2024-2025 ronde 1</th>' in html
    assert '<span class="visually-hidden">no figure</span>' in html
    printed = render_to_string("reports/_chart.html", {"chart": trend(), "printed": True})
    assert "<details" not in printed
    assert '<th scope="row">2024-2025 ronde 1</th>' in printed


def test_the_chart_prints_into_a_pdf_as_text():
    with translation.override("nl"):
        chart = trend(title="Vertrouwen in ons gezamenlijk kunnen", y_label="Gemiddelde score")
        html = render_to_string("reports/_chart.html", {"chart": chart, "printed": True})
    pdf = weasyprint.HTML(string=f"<!DOCTYPE html><html><body>{html}</body></html>").write_pdf()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Vertrouwen in ons gezamenlijk kunnen" in text
    # The axis label exists only inside the SVG: WeasyPrint drew the chart, as text.
    assert "Gemiddelde score" in text


def test_importing_the_module_does_not_import_matplotlib():
    code = "import sys, dramaturg.reports.charts; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_quadrant_labels_of_teams_close_together_do_not_cover_each_other():
    from dramaturg.reports.chart_labels import LABEL_PLACES, label_places

    limits = [1.0, 5.0, 1.0, 5.0]
    close = [
        {"label": "Bovenbouw", "x": 3.49, "y": 3.26},
        {"label": "Middenbouw", "x": 3.55, "y": 3.21},
        {"label": "Onderbouw", "x": 3.95, "y": 3.84},
    ]
    places = label_places(close, limits)
    assert places[0] == LABEL_PLACES[0]
    assert places[1] != places[0]  # the second close team moves its name
    assert places[2] == LABEL_PLACES[0]  # a team far away keeps the usual place
