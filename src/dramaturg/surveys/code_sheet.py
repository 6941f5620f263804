"""A printable A4 sheet of single-use student codes for one class, cut into slips by the teacher.

Rendered with fpdf2's core fonts (Helvetica, Courier). Those only know the Windows-1252
character set, so every string passes through `_safe`, which keeps what the fonts can show and
replaces anything else (an accent-stripped form if there is one, else "?"). A school name with
an unusual character therefore never crashes the sheet.
"""

from __future__ import annotations

import datetime
import unicodedata

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from fpdf import FPDF

Font = tuple[str, str, float]

# The core fonts are written with /WinAnsiEncoding, a superset of latin-1 that adds curly
# quotes, dashes and letters such as Š.
ENCODING = "windows-1252"

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 10.0
GRID_TOP = 33.0  # below the page header
GRID_BOTTOM = PAGE_H - 14.0  # above the page number
COLUMNS, ROWS = 2, 6
SLIP_W = (PAGE_W - 2 * MARGIN) / COLUMNS
SLIP_H = (GRID_BOTTOM - GRID_TOP) / ROWS
PAD = 5.0
PER_PAGE = COLUMNS * ROWS


def _safe(text: object) -> str:
    """Collapse whitespace and replace characters the core fonts cannot encode."""
    out = []
    for char in " ".join(str(text).split()):
        try:
            char.encode(ENCODING)
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode(ENCODING, "ignore").decode(ENCODING)
            out.append(base or "?")
    return "".join(out)


class _Sheet(FPDF):
    def __init__(self, *, heading: str, subheading: str, instruction: str, page_label: str):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.core_fonts_encoding = ENCODING
        self.heading, self.subheading = heading, subheading
        self.instruction, self.page_label = instruction, page_label
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=False)

    def fit(self, text: str, width: float, family: str, style: str, size: float) -> str:
        """Set the largest font size (down to 60%) at which text fits; truncate if it never does."""
        smallest = size * 0.6
        self.set_font(family, style, size)
        while size > smallest and self.get_string_width(text) > width:
            size -= 0.5
            self.set_font(family, style, size)
        if self.get_string_width(text) > width:
            while text and self.get_string_width(text + "...") > width:
                text = text[:-1]
            text += "..."
        return text

    def line_at(self, x: float, y: float, w: float, h: float, text: str, font: Font) -> None:
        family, style, size = font
        self.set_xy(x, y)
        self.cell(w, h, self.fit(text, w, family, style, size))

    def paragraph(self, x: float, y: float, w: float, h: float, text: str, font: Font) -> None:
        """Wrap text over at most two lines, each fitted like `line_at`."""
        self.set_font(*font)
        lines = self.multi_cell(w, h, text, dry_run=True, output="LINES")
        assert isinstance(lines, list)
        for i, line in enumerate(lines[:2]):
            self.line_at(x, y + h * i, w, h, line, font)

    def header(self) -> None:
        width = PAGE_W - 2 * MARGIN
        self.set_text_color(0)
        self.line_at(MARGIN, MARGIN, width, 6, self.heading, ("Helvetica", "B", 13))
        self.line_at(MARGIN, MARGIN + 6, width, 5, self.subheading, ("Helvetica", "", 9))
        self.paragraph(MARGIN, MARGIN + 11.5, width, 4, self.instruction, ("Helvetica", "", 8.5))

    def footer(self) -> None:
        self.set_text_color(90)
        self.set_font("Helvetica", "", 8)
        self.set_xy(MARGIN, PAGE_H - MARGIN - 4)
        label = self.page_label % {"page": self.page_no(), "total": self.str_alias_nb_pages}
        self.cell(PAGE_W - 2 * MARGIN, 4, label, align="C")

    def cut_lines(self, used: int) -> None:
        """Dashed lines around and between the slips on this page."""
        rows = -(-used // COLUMNS)
        bottom = GRID_TOP + rows * SLIP_H
        self.set_draw_color(150)
        self.set_line_width(0.2)
        self.set_dash_pattern(dash=2, gap=1.5)
        for row in range(rows + 1):
            y = GRID_TOP + row * SLIP_H
            self.line(MARGIN, y, PAGE_W - MARGIN, y)
        for column in range(COLUMNS + 1):
            x = MARGIN + column * SLIP_W
            self.line(x, GRID_TOP, x, bottom)
        self.set_dash_pattern()

    def slip(self, x: float, y: float, texts: dict[str, str], code: str) -> None:
        w = SLIP_W - 2 * PAD
        x += PAD
        y += 3.5
        self.set_text_color(90)
        self.line_at(x, y, w, 4, texts["school"], ("Helvetica", "", 8))
        self.set_text_color(0)
        self.line_at(x, y + 4, w, 5.5, texts["title"], ("Helvetica", "B", 10.5))
        self.line_at(x, y + 9.5, w, 5, texts["go_to"], ("Helvetica", "", 9))
        self.line_at(x, y + 14.5, w, 10, code, ("Courier", "B", 22))
        self.line_at(x, y + 25, w, 4.5, texts["closes"], ("Helvetica", "", 8.5))
        self.set_text_color(70)
        self.paragraph(x, y + 30, w, 3.4, texts["anonymous"], ("Helvetica", "I", 7.5))
        self.set_text_color(0)


def code_sheet_pdf(
    *,
    school: str,
    round_title: str,
    class_name: str,
    codes: list[str],
    answer_url: str,
    closes_on: datetime.date,
    language: str,
) -> bytes:
    """Return an A4 PDF with one cut-out slip per code, 12 slips per page, in the given order."""
    with translation.override(language):
        count = len(codes)
        pdf = _Sheet(
            heading=_safe(
                ngettext("Class %(name)s: %(count)s code", "Class %(name)s: %(count)s codes", count)
                % {"name": class_name, "count": count}
            ),
            subheading=_safe(f"{school} · {round_title}"),
            instruction=_safe(
                gettext(
                    "For the teacher: cut along the dashed lines and hand out one slip per "
                    "student, in random order. Each code can be used only once."
                )
            ),
            page_label=_safe(gettext("Page %(page)s of %(total)s")),
        )
        pdf.set_title(_safe(f"{round_title} - {class_name}"))
        pdf.set_creator("Dramaturg")
        texts = {
            "school": _safe(school),
            "title": _safe(round_title),
            "go_to": _safe(gettext("Go to %(url)s and enter this code:") % {"url": answer_url}),
            "closes": _safe(
                gettext("Open until %(date)s") % {"date": date_format(closes_on, "j F Y")}
            ),
            "anonymous": _safe(
                gettext("Your answers are anonymous: this code is not linked to your name.")
            ),
        }
        for start in range(0, max(count, 1), PER_PAGE):
            pdf.add_page()
            page_codes = codes[start : start + PER_PAGE]
            if page_codes:
                pdf.cut_lines(len(page_codes))
            for i, code in enumerate(page_codes):
                row, column = divmod(i, COLUMNS)
                x = MARGIN + column * SLIP_W
                pdf.slip(x, GRID_TOP + row * SLIP_H, texts, _safe(code))
        return bytes(pdf.output())
