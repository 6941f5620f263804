"""The codebook sheet of a results workbook: what the round asked and how it was scored.

For the round: its dates, who answered and the anonymity threshold. For every questionnaire
(as frozen in the round): its licence and citation, the answer options with their labels,
how "don't know" counts, and per scale the sheet that holds it, the minimum of answered
statements for a score, and every statement with its code and whether it is reverse-keyed.
"""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from dramaturg.core.localized import pick_text
from dramaturg.reports.xlsx import Number, Sheet
from dramaturg.surveys.instruments import Instrument, Scale
from dramaturg.surveys.models import Round


def _round_block(sheet: Sheet, round_: Round) -> None:
    sheet.write(capfirst(_("measurement round")), round_.title)
    sheet.write(_("School"), round_.school.name)
    sheet.write(_("Who answers"), round_.get_mode_display())
    sheet.write(_("Opens on"), round_.opens_on)
    closes = sheet.write(_("Closes on"), round_.last_day)
    if round_.closed_early_on:
        sheet.ws.cell(row=closes, column=3, value=_("closed early"))
    sheet.write(_("Anonymity threshold"), Number(round_.anonymity_threshold))
    sheet.write(
        None,
        _(
            "A team or class with fewer people than the threshold shows no figures, and neither "
            "does any group that would let someone work out a smaller group's answers."
        ),
    )


def _options(sheet: Sheet, instrument: Instrument) -> None:
    sheet.header(_("Value"), _("Label"))
    for option in instrument.options:
        sheet.write(Number(option.value), pick_text(option.label))
    if instrument.dont_know:
        sheet.write(
            Number(0),
            pick_text(instrument.dont_know),
            _("missing: left out of every figure"),
        )
    sheet.write(
        None,
        _(
            "A reverse-keyed statement is scored as %(top)s minus the answer. A person's score on "
            "a scale is the mean of their answered statements."
        )
        % {"top": instrument.option_count + 1},
    )


def _scale(sheet: Sheet, scale: Scale, sheet_title: str | None) -> None:
    sheet.blank()
    sheet.heading(pick_text(scale.title))
    sheet.write(_("Code"), scale.id)
    if sheet_title:
        sheet.write(_("Worksheet"), sheet_title)
    sheet.write(_("Minimum of answered statements for a score"), Number(scale.min_items))
    sheet.header(_("Code"), _("Statement"), _("Reverse-keyed"))
    for item in scale.items:
        sheet.write(item.id, pick_text(item.text), _("yes") if item.reverse else _("no"))


def _instrument(sheet: Sheet, instrument: Instrument, sheet_of: dict[tuple[str, str], str]):
    sheet.blank()
    sheet.heading(pick_text(instrument.title))
    sheet.write(_("Code"), instrument.id)
    sheet.write(_("Version"), Number(instrument.version))
    sheet.write(_("Licence"), instrument.licence)
    sheet.write(_("Citation"), instrument.citation)
    sheet.blank()
    _options(sheet, instrument)
    for scale in instrument.scales:
        _scale(sheet, scale, sheet_of.get((instrument.id, scale.id)))


def write_codebook(
    sheet: Sheet,
    round_: Round,
    instruments: list[Instrument],
    sheet_of: dict[tuple[str, str], str],
) -> None:
    sheet.title(_("Codebook"))
    sheet.write(
        _(
            "This workbook holds figures per scale for the whole school and for each team or "
            "class. It holds no individual answers."
        )
    )
    sheet.blank()
    _round_block(sheet, round_)
    for instrument in instruments:
        _instrument(sheet, instrument, sheet_of)
