"""Writing Word documents (python-docx) that people go on editing.

* Real structure: headings, bulleted and numbered lists (every numbered list starts at 1),
  tables whose header row repeats on each page; no text boxes or fixed layouts.
* A4 pages, the document's language set for the spelling checker, and a footer with the
  document's title and the page number ("3 / 7", as Word fields, so it stays right when
  the text changes).
* Texts that people typed are cleaned of the control characters Word files cannot hold,
  instead of failing the export; line breaks stay line breaks.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARGIN = Mm(20)
MUTED = RGBColor(0x55, 0x55, 0x55)
LANGUAGE_TAGS = {"nl": "nl-NL", "en": "en-GB"}
# What follows a paragraph's borders in its properties (Word insists on the schema's order).
_AFTER_BORDERS = (
    "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId "
    "cnfStyle rPr sectPr pPrChange"
)
AFTER_BORDERS = tuple(f"w:{name}" for name in _AFTER_BORDERS.split())
LINE = {"val": "single", "sz": "4", "space": "1", "color": "999999"}


def clean(value: object) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def new_document(title: str, language: str, *, landscape: bool = False) -> Document:
    document = new_docx()
    properties = document.core_properties
    properties.title = clean(title)
    properties.author = properties.last_modified_by = "Dramaturg"
    properties.comments = ""
    properties.language = LANGUAGE_TAGS.get(language[:2], language)
    section = document.sections[0]
    short, long = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = long, short
    else:
        section.page_width, section.page_height = short, long
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), properties.language)
    normal.element.get_or_add_rPr().insert_element_before(
        lang, "w:eastAsianLayout", "w:specVanish", "w:oMath"
    )
    return document


def text_width(document: Document) -> int:
    section = document.sections[-1]
    sizes = (section.page_width, section.left_margin, section.right_margin)
    width, left, right = (int(size or 0) for size in sizes)
    return width - left - right


def _field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES): Word fills in the value when it lays the pages out."""
    for kind in ("begin", "instruction", "separate", "value", "end"):
        run = paragraph.add_run("1" if kind == "value" else None)
        if kind == "instruction":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
            run._r.append(element)
        elif kind != "value":
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)


def footer(document: Document, text: str) -> None:
    """The title on the left and "page / pages" on the right of every page."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.style = document.styles["Normal"]
    paragraph.paragraph_format.tab_stops.add_tab_stop(text_width(document), WD_TAB_ALIGNMENT.RIGHT)
    title = paragraph.add_run(clean(text) + "\t")
    title.font.size = Pt(8)
    title.font.color.rgb = MUTED
    _field(paragraph, "PAGE")
    paragraph.add_run(" / ")
    _field(paragraph, "NUMPAGES")
    for run in paragraph.runs[1:]:
        run.font.size = Pt(8)
        run.font.color.rgb = MUTED


def heading(document: Document, text: str, level: int) -> Paragraph:
    return document.add_heading(clean(text), level)


def paragraph(document: Document, text: str = "", *, italic: bool = False) -> Paragraph:
    result = document.add_paragraph()
    if text:
        run = result.add_run(clean(text))
        run.italic = italic
    return result


def muted(document: Document, text: str) -> Paragraph:
    result = document.add_paragraph()
    run = result.add_run(clean(text))
    run.font.color.rgb = MUTED
    run.font.size = Pt(9)
    return result


def labelled(document: Document, label: str, text: str) -> Paragraph:
    """A paragraph such as "Who: the whole team", with the label in bold."""
    result = document.add_paragraph()
    result.add_run(clean(label) + ": ").bold = True
    result.add_run(clean(text))
    result.paragraph_format.space_after = Pt(2)
    return result


def bullets(document: Document, items: list[str]) -> None:
    for item in items:
        document.add_paragraph(clean(item), style="List Bullet")


def _restarted_numbering(document: Document) -> int:
    """A new numbering instance of the "List Number" style that starts again at 1."""
    numbering = document.part.numbering_part.element
    style_num_id = document.styles["List Number"].element.pPr.numPr.numId.val
    abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return num.numId


def numbered(document: Document, items: list[str]) -> None:
    num_id = _restarted_numbering(document)
    for item in items:
        result = document.add_paragraph(clean(item), style="List Number")
        result._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = num_id


def _repeat_as_header(row) -> None:
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def table(
    document: Document, header: list[str], rows: list[list[str]], widths: list[float]
) -> Table:
    """A grid with a bold header row that repeats on every page; `widths` are shares of the
    text width (they need not add up to one)."""
    total = sum(widths)
    columns = [int(text_width(document) * share / total) for share in widths]
    result = document.add_table(rows=1, cols=len(header))
    result.style = document.styles["Table Grid"]
    result.autofit = False
    _repeat_as_header(result.rows[0])
    for cell, text, width in zip(result.rows[0].cells, header, columns, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(clean(text)).bold = True
    for values in rows:
        cells = result.add_row().cells
        for cell, text, width in zip(cells, values, columns, strict=True):
            cell.width = width
            if text:
                cell.paragraphs[0].add_run(clean(text))
    return result


def ruled_lines(document: Document, count: int) -> None:
    """Blank lines to write on by hand: empty paragraphs with a line under each."""
    for _n in range(count):
        line = document.add_paragraph()
        line.paragraph_format.line_spacing = Pt(26)
        line.paragraph_format.space_after = Pt(0)
        borders = OxmlElement("w:pBdr")
        # Word joins the borders of equal neighbouring paragraphs: "between" draws the line
        # between two of them, "bottom" the one under the last (in the schema's order).
        for edge in ("bottom", "between"):
            border = OxmlElement(f"w:{edge}")
            for name, value in LINE.items():
                border.set(qn(f"w:{name}"), value)
            borders.append(border)
        line._p.get_or_add_pPr().insert_element_before(borders, *AFTER_BORDERS)


def save(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
