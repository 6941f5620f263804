"""The results data of a measurement round as an Excel workbook, in the reader's language.

* One sheet per scale: the round's anonymity threshold, ICC(1)/ICC(2) and ICC(1)'s interval
  and the statements that go against the others on top, then a row for everyone (the school)
  and one per team or class with n, complete cases, mean, sd, alpha (from 10 complete cases;
  a negative one as "not interpretable"), the reliability of the mean, r*wg(j), whether the
  group agrees beyond random groups, and rwg(j) for researchers; below them the change of
  each mean since the previous round that measured the scale, with its 95% interval and
  Hedges' g with its interval (only between figures shown in both rounds).
* A response-rate sheet, and a codebook (`codebook.py`) that says what every figure means.

Every figure comes from the round's results object (`surveys.results.RoundResults`), in which
every suppression rule is already applied: a group hidden there shows no number here either,
not even its n, and the ICCs are there only when no group of the scale is hidden. The cells
hold the figures as the pages show them (two decimals, rounded in the object, not only
formatted). The workbook holds no individual answers.
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
from dramaturg.reports.summaries import summaries
from dramaturg.reports.xlsx import TWO, Number, Sheet, SheetTitles
from dramaturg.surveys import judgements, results, scale_rows
from dramaturg.surveys.models import Round


def figures_after_closing() -> str:
    return _(
        "The figures appear once the round has closed, so that nobody can work out an answer "
        "by watching them change."
    )


def hidden_text() -> str:
    return _("hidden to protect anonymity")


def hidden_note(threshold: int) -> str:
    return _(
        "Hidden to protect anonymity: fewer than %(n)s people, or it would give a smaller "
        "group away."
    ) % {"n": threshold}


def group_heading(round_: Round) -> str:
    return _("Team") if round_.mode == Round.Mode.STAFF else _("Class")


def _optional(value: float | None) -> Number | None:
    return None if value is None else Number(value, TWO)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else (_("yes") if value else _("no"))


def _figure_row(sheet: Sheet, label: str, figure: results.Figure) -> None:
    if figure.suppressed:
        sheet.write(label, hidden_text())
        return
    # A negative alpha is no low reliability but a sign of a statement keyed the wrong way:
    # never a number here, as on the page.
    alpha: Number | str | None = _optional(figure.alpha)
    if figure.alpha is not None and not figure.alpha_readable:
        alpha = judgements.not_interpretable()
    sheet.write(
        label,
        Number(figure.n or 0),
        None if figure.n_complete is None else Number(figure.n_complete),
        _optional(figure.mean),
        _optional(figure.sd),
        alpha,
        _optional(figure.reliability),
        _optional(figure.rwg_j_lindell),
        _yes_no(figure.beyond_random),
        _optional(figure.rwg_j),
    )


def _round_facts(sheet: Sheet, round_: Round) -> None:
    sheet.write(capfirst(_("measurement round")), round_.title)
    sheet.write(_("Anonymity threshold"), Number(round_.anonymity_threshold))


def _notes(sheet: Sheet, round_: Round) -> None:
    sheet.blank()
    n = round_.anonymity_threshold
    for note in (
        _(
            "n is the number of people with a score on the scale; n complete the people who "
            "answered every statement, on whom alpha, r*wg(j) and rwg(j) rest. The mean and "
            "standard deviation (sd) are on the questionnaire's answer scale. Alpha (α) is "
            "given from 10 complete cases; a negative alpha is not interpretable (check the "
            "keying of the statements). The reliability of the mean is ICC(2) of the group. "
            "r*wg(j) is Lindell's agreement; 'beyond random groups' says whether the group "
            "agrees more than 19 in 20 random groups of its size from this round. rwg(j) (uniform "
            "null) rises with the number of statements and is given for researchers only."
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


def _previous(
    scale: results.ScaleResult, earlier: list[tuple[Round, results.RoundResults]]
) -> tuple[Round, results.RoundResults, results.ScaleResult] | None:
    """The latest earlier round that measured the same scale, with its results."""
    for before, found in earlier:
        for other in found.scales:
            if (other.instrument, other.scale) == (scale.instrument, scale.scale):
                return before, found, other
    return None


def _change_block(
    sheet: Sheet,
    found: results.RoundResults,
    scale: results.ScaleResult,
    earlier: list[tuple[Round, results.RoundResults]],
) -> None:
    """The change of each mean since the previous round that measured the scale, with its
    95% interval, Hedges' g and its interval; only between figures shown in both rounds."""
    previous = _previous(scale, earlier)
    if previous is None:
        return
    before_round, before, before_scale = previous
    sheet.blank()
    sheet.heading(_("Change since %(round)s, with 95%% intervals") % {"round": before_round.title})
    sheet.header(
        group_heading(before_round),
        _("Change"),
        _("Interval from"),
        _("Interval to"),
        "Hedges' g",
        _("Interval from"),
        _("Interval to"),
        _("What it says"),
    )
    pairs = [(_("Everyone"), before_scale.total, scale.total)]
    for target in found.targets:
        match = next(
            (
                t
                for t in before.targets
                if (t.team_id, t.class_id) == (target.team_id, target.class_id)
            ),
            None,
        )
        if match is not None:
            pairs.append((target.name, before_scale.of(match.id), scale.of(target.id)))
    for label, then, now in pairs:
        change = scale_rows.change_row(before_round.title, then, now)
        if change is None:
            sheet.write(label, _("no figure in one of the rounds"))
            continue
        sheet.write(
            label,
            Number(change.difference, TWO),
            *(
                _optional(value)
                for value in (
                    change.ci_low,
                    change.ci_high,
                    change.hedges_g,
                    change.g_ci_low,
                    change.g_ci_high,
                )
            ),
            change.reading,
        )


def earlier_results(round_: Round) -> list[tuple[Round, results.RoundResults]]:
    """The school's closed rounds of the same kind before this one, latest first."""
    rounds = list(
        Round.objects.filter(school=round_.school, mode=round_.mode, opens_on__lt=round_.opens_on)
        .select_related("school")
        .order_by("-opens_on", "-pk")
    )
    found = summaries(rounds)
    return [(r, found[r.pk]) for r in rounds if found[r.pk].closed]


def write_scale(
    sheet: Sheet,
    round_: Round,
    found: results.RoundResults,
    scale: results.ScaleResult,
    earlier: list[tuple[Round, results.RoundResults]] | None = None,
) -> None:
    sheet.title(pick_text(scale.title))
    sheet.write(_("Questionnaire"), pick_text(scale.instrument_title))
    _round_facts(sheet, round_)
    # The object leaves the ICCs out when a group is hidden; say so rather than leave a blank.
    any_hidden = scale.total.suppressed or any(f.suppressed for f in scale.groups.values())
    for label, value in (("ICC(1)", scale.icc1), ("ICC(2)", scale.icc2)):
        if value is None and any_hidden:
            sheet.write(label, hidden_text())
        else:
            sheet.write(label, _optional(value))
    if scale.icc1_ci:
        low, high = scale.icc1_ci
        sheet.write(_("ICC(1) 95% interval"), Number(low, TWO), Number(high, TWO))
    for item in scale.flagged_items:
        sheet.write(judgements.against_the_others(), item.id, pick_text(item.text))
    sheet.blank()
    header = sheet.header(
        group_heading(round_),
        "n",
        _("n complete"),
        _("Mean"),
        "sd",
        "α",
        _("Reliability of the mean"),
        "r*wg(j)",
        _("Beyond random groups"),
        "rwg(j)",
    )
    sheet.freeze_below(header)
    _figure_row(sheet, _("Everyone"), scale.total)
    for target in found.targets:
        _figure_row(sheet, target.name, scale.of(target.id))
    if earlier:
        _change_block(sheet, found, scale, earlier)
    _notes(sheet, round_)


def write_empty_scale(sheet: Sheet, round_: Round, found: results.RoundResults, scale) -> None:
    sheet.title(pick_text(scale.title))
    sheet.write(_("Questionnaire"), pick_text(scale.instrument_title))
    _round_facts(sheet, round_)
    sheet.blank()
    if not found.closed:
        sheet.write(figures_after_closing())
    else:
        sheet.write(_("Nobody has answered yet."))


def write_rates(sheet: Sheet, round_: Round, found: results.RoundResults) -> None:
    sheet.title(_("Response rate"))
    _round_facts(sheet, round_)
    sheet.write(_("People asked"), Number(found.asked))
    sheet.blank()
    header = sheet.header(group_heading(round_), _("Invited"), _("Answered"), _("Response rate"))
    sheet.freeze_below(header)
    rows: list[tuple[str, int, int | None, int | None]] = [
        (_("Everyone"), found.invited, found.answered, found.percent)
    ]
    rows += [(t.name, t.invited, t.answered, t.percent) for t in found.targets]
    for label, count, done, percent in rows:
        if done is None:
            sheet.write(label, hidden_text())
        else:
            # The whole percentage the page shows, not the exact share.
            share = None if percent is None else Number(percent / 100, xlsx.PERCENT)
            sheet.write(label, Number(count), Number(done), share)
    sheet.blank()
    sheet.write(hidden_note(round_.anonymity_threshold))


def results_workbook(round_: Round) -> Workbook:
    """The workbook, in the active language."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "Dramaturg"
    workbook.properties.title = round_.title
    found = results.round_results(round_)
    rates_title, codebook_title = _("Response rate"), _("Codebook")
    titles = SheetTitles(rates_title, codebook_title)
    instruments = [ri.instrument for ri in round_.instruments.order_by("position")]
    sheet_of: dict[tuple[str, str], str] = {}
    earlier = earlier_results(round_) if found.has_answers and found.closed else []
    widths = (34, 10, 12, 10, 10, 12, 14, 10, 14, 10)
    for scale in found.scales:
        title = titles.take(pick_text(scale.title))
        sheet_of[(scale.instrument, scale.scale)] = title
        sheet = Sheet(workbook.create_sheet(title), widths)
        if found.has_answers and found.closed:
            write_scale(sheet, round_, found, scale, earlier)
        else:
            write_empty_scale(sheet, round_, found, scale)
    write_rates(Sheet(workbook.create_sheet(rates_title), (34, 12, 12, 14)), round_, found)
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
