"""The results data of a measurement round as an Excel workbook, in the reader's language.

* One sheet per scale: the round's anonymity threshold and ICC(1)/ICC(2) on top, then a row
  for everyone (the school) and one per team or class with n, mean, sd, alpha and rwg(j).
* A response-rate sheet, and a codebook (`codebook.py`) that says what every figure means.

Every figure comes from `surveys.results`, the one place that decides what may be shown: a
group that is hidden there shows no number here either, not even its n. The workbook holds
no individual answers. ICC(1) and ICC(2) come from the spread between *all* groups, so
together with the shown figures they could give a hidden group's mean away; they are left
out of a scale in which any group is hidden.
"""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from dramaturg.core.localized import pick_text
from dramaturg.reports import xlsx
from dramaturg.reports.codebook import write_codebook
from dramaturg.reports.exporters import ROUND, XLSX, Exporter, register
from dramaturg.reports.xlsx import THREE, TWO, Number, Sheet, SheetTitles
from dramaturg.surveys import results
from dramaturg.surveys.instruments import Instrument, Scale
from dramaturg.surveys.models import Round, RoundTarget


def hidden_text() -> str:
    return _("hidden to protect anonymity")


def hidden_note(threshold: int) -> str:
    return _(
        "Hidden to protect anonymity: fewer than %(n)s people, or it would give a smaller "
        "group away."
    ) % {"n": threshold}


def group_heading(round_: Round) -> str:
    return _("Team") if round_.mode == Round.Mode.STAFF else _("Class")


def _optional(value: float | None, number_format: str) -> Number | None:
    return None if value is None else Number(value, number_format)


def _figure_row(sheet: Sheet, label: str, figure: results.Figure) -> None:
    if figure.suppressed:
        sheet.write(label, hidden_text())
        return
    sheet.write(
        label,
        Number(figure.n),
        _optional(figure.mean, TWO),
        _optional(figure.sd, TWO),
        _optional(figure.alpha, THREE),
        _optional(figure.rwg_j, THREE),
    )


def _round_facts(sheet: Sheet, round_: Round) -> None:
    sheet.write(capfirst(_("measurement round")), round_.title)
    sheet.write(_("Anonymity threshold"), Number(round_.anonymity_threshold))


def _notes(sheet: Sheet, round_: Round) -> None:
    sheet.blank()
    n = round_.anonymity_threshold
    for note in (
        _(
            "n is the number of people with a score on the scale; the mean and standard "
            "deviation (sd) are on the questionnaire's answer scale. Alpha (α) says how "
            "consistently the statements measure one thing (0.7 or more is good); rwg(j) says "
            "how far a team agrees (0.7 or more: largely agrees)."
        ),
        hidden_note(n),
        _(
            "ICC(1) is the share of the differences between people that lies between the "
            "groups; ICC(2) is how reliably the groups' means differ. They are left out when "
            "a group is hidden, because they could give its mean away."
        ),
        _(
            "An empty cell: the figure cannot be computed, for example with too few complete "
            "answers."
        ),
    ):
        sheet.write(note)


def write_scale(
    sheet: Sheet, round_: Round, result: results.ScaleResult, targets: list[RoundTarget]
) -> None:
    sheet.title(pick_text(result.scale.title))
    sheet.write(_("Questionnaire"), pick_text(result.instrument.title))
    _round_facts(sheet, round_)
    figures = [result.by_target.get(t.pk, results.Figure(0)) for t in targets]
    # Only groups with answers count here; a team without any answer is not in the ICC.
    any_hidden = result.total.suppressed or any(f.suppressed for f in result.by_target.values())
    for label, value in (("ICC(1)", result.icc1), ("ICC(2)", result.icc2)):
        if any_hidden:
            sheet.write(label, hidden_text())
        else:
            sheet.write(label, _optional(value, THREE))
    sheet.blank()
    header = sheet.header(group_heading(round_), "n", _("Mean"), "sd", "α", "rwg(j)")
    sheet.freeze_below(header)
    _figure_row(sheet, _("Everyone"), result.total)
    for target, figure in zip(targets, figures, strict=True):
        _figure_row(sheet, str(target), figure)
    _notes(sheet, round_)


def write_empty_scale(sheet: Sheet, round_: Round, instrument: Instrument, scale: Scale) -> None:
    sheet.title(pick_text(scale.title))
    sheet.write(_("Questionnaire"), pick_text(instrument.title))
    _round_facts(sheet, round_)
    sheet.blank()
    sheet.write(_("Nobody has answered yet."))


def write_rates(sheet: Sheet, round_: Round, counts: results.Turnout) -> None:
    sheet.title(_("Response rate"))
    _round_facts(sheet, round_)
    sheet.blank()
    header = sheet.header(group_heading(round_), _("Invited"), _("Answered"), _("Response rate"))
    sheet.freeze_below(header)
    rates = counts.rates
    invited = sum(rate.invited for rate in rates)
    answered = counts.total
    rows = [(_("Everyone"), invited, answered)]
    rows += [(str(rate.target), rate.invited, rate.answered) for rate in rates]
    for label, count, done in rows:
        if done is None:
            sheet.write(label, hidden_text())
        else:
            share = Number(done / count, xlsx.PERCENT) if count else None
            sheet.write(label, Number(count), Number(done), share)
    sheet.blank()
    sheet.write(hidden_note(round_.anonymity_threshold))


def results_workbook(round_: Round) -> Workbook:
    """The workbook, in the active language."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "Dramaturg"
    workbook.properties.title = round_.title
    counts = results.turnout(round_)
    targets = counts.targets
    rates_title, codebook_title = _("Response rate"), _("Codebook")
    titles = SheetTitles(rates_title, codebook_title)
    instruments = [ri.instrument for ri in round_.instruments.order_by("position")]
    sheet_of: dict[tuple[str, str], str] = {}
    widths = (34, 10, 12, 10, 10, 10)
    if round_.responses.exists():
        for result in results.round_results(round_, counts.hidden):
            title = titles.take(pick_text(result.scale.title))
            sheet_of[(result.instrument.id, result.scale.id)] = title
            write_scale(Sheet(workbook.create_sheet(title), widths), round_, result, targets)
    else:
        for instrument in instruments:
            for scale in instrument.scales:
                title = titles.take(pick_text(scale.title))
                sheet_of[(instrument.id, scale.id)] = title
                sheet = Sheet(workbook.create_sheet(title), widths)
                write_empty_scale(sheet, round_, instrument, scale)
    write_rates(Sheet(workbook.create_sheet(rates_title), (34, 12, 12, 14)), round_, counts)
    codebook = Sheet(workbook.create_sheet(codebook_title), (44, 80, 30), wrap=(2,))
    write_codebook(codebook, round_, instruments, sheet_of)
    return workbook


class ResultsWorkbook(Exporter):
    key = "results_xlsx"
    label = gettext_lazy("Results data")
    format_name = "Excel"
    kind = ROUND
    content_type = XLSX
    extension = "xlsx"

    def build(self, obj: Round) -> bytes:
        return xlsx.save(results_workbook(obj))


register(ResultsWorkbook())
