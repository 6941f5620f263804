"""The card in WMK's layout: its indicators as statements scored 1–4, as Excel and Word.

ParnasSys|WMK is the quality-care tool many Dutch schools use. A school makes its own
quality cards there as a list of indicator statements that the team scores on a 4-point
scale. These files hold exactly that, so a school can enter the card in WMK by hand
(docs/wmk.md says how): the card's title, stage and version on top, then one row per
indicator with its number, its statement, the four scale labels and an empty score column
(also usable as a paper self-evaluation). Dramaturg does not connect to WMK.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.datavalidation import DataValidation

from dramaturg.cards.models import Card
from dramaturg.reports import word, xlsx
from dramaturg.reports.card_data import CardData, CardExporter, load
from dramaturg.reports.exporters import XLSX, register
from dramaturg.reports.xlsx import Number, Sheet

# The usual WMK labels of the four points of the scale.
SCALE = (
    (1, pgettext_lazy("WMK score", "Insufficient")),
    (2, pgettext_lazy("WMK score", "Moderate")),
    (3, pgettext_lazy("WMK score", "Sufficient")),
    (4, pgettext_lazy("WMK score", "Good")),
)
BOX = Border(*(Side(style="thin", color="808080"),) * 4)
CENTRE = Alignment(horizontal="center", vertical="top")


def scale_line() -> str:
    return " · ".join(f"{n} = {label}" for n, label in SCALE)


def header() -> list[str]:
    return [_("No."), _("Statement"), *(str(n) for n, _label in SCALE), _("Score (1–4)")]


def heading_facts(data: CardData) -> list[tuple[str, str]]:
    return [
        (_("Stage"), data.stage.label),
        (_("Team"), data.team),
        (_("School"), data.card.school.name),
        (_("Version"), data.mark),
        (_("Scale"), scale_line()),
    ]


def note() -> str:
    return _(
        "To use this card in WMK, make it there as your school's own quality card: add each "
        "statement as an indicator and keep the 1–4 scale. Dramaturg does not connect to WMK. "
        "The score column is for a self-evaluation on paper."
    )


def wmk_workbook(card: Card) -> Workbook:
    data = load(card)
    workbook = Workbook()
    sheet = Sheet(workbook.active, widths=(6, 70, 13, 13, 13, 13, 12), wrap=(2,))
    sheet.ws.title = "WMK"
    workbook.properties.creator = "Dramaturg"
    workbook.properties.title = card.title
    sheet.title(card.title)
    for label, value in heading_facts(data):
        row = sheet.write(label, value)
        sheet.ws.cell(row=row, column=1).font = xlsx.BOLD
    sheet.blank()
    top = sheet.header(*header())
    sheet.freeze_below(top)
    for column in range(3, 8):
        sheet.ws.cell(row=top, column=column).alignment = CENTRE
    labels = [str(label) for _n, label in SCALE]
    for number, indicator in enumerate(data.indicators, start=1):
        row = sheet.write(Number(number), indicator.text, *labels)
        for column in range(3, 7):
            sheet.ws.cell(row=row, column=column).alignment = CENTRE
        sheet.ws.cell(row=row, column=7).border = BOX
    if data.indicators:
        first, last = top + 1, top + len(data.indicators)
        rule = DataValidation(type="whole", operator="between", formula1="1", formula2="4")
        rule.error = _("A score is a whole number from 1 to 4.")
        rule.errorTitle = _("Score (1–4)")
        rule.add(f"G{first}:G{last}")
        sheet.ws.add_data_validation(rule)
    else:
        sheet.write(None, _("No indicators yet."))
    sheet.blank()
    sheet.write(None, note(), font=Font(italic=True))
    setup = sheet.ws.page_setup
    setup.orientation, setup.paperSize = "landscape", sheet.ws.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.ws.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.ws.print_title_rows = f"{top}:{top}"
    return workbook


def wmk_docx(card: Card) -> bytes:
    data = load(card)
    document = word.new_document(card.title, data.language, landscape=True)
    word.footer(document, f"{card.title} · WMK")
    word.heading(document, card.title, 0)
    for label, value in heading_facts(data):
        word.labelled(document, label, value)
    word.paragraph(document)
    labels = [str(label) for _n, label in SCALE]
    rows = [
        [str(number), indicator.text, *labels, ""]
        for number, indicator in enumerate(data.indicators, start=1)
    ]
    if rows:
        word.table(document, header(), rows, widths=[0.5, 6, 1.2, 1.2, 1.2, 1.2, 1.1])
    else:
        word.paragraph(document, _("No indicators yet."), italic=True)
    word.paragraph(document)
    word.muted(document, note())
    return word.save(document)


class WmkWorkbook(CardExporter):
    key = "wmk_xlsx"
    label = gettext_lazy("WMK layout")
    format_name = "Excel"
    content_type = XLSX
    extension = "xlsx"

    def build(self, obj: Card) -> bytes:
        return xlsx.save(wmk_workbook(obj))


class WmkDocx(CardExporter):
    key = "wmk_docx"
    label = gettext_lazy("WMK layout")
    format_name = "Word"
    content_type = word.DOCX
    extension = "docx"

    def build(self, obj: Card) -> bytes:
        return wmk_docx(obj)


register(WmkWorkbook())
register(WmkDocx())
