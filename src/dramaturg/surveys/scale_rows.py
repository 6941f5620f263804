"""A scale's figures as rows of a table with their readings: the round page, the dashboard
and the team page show the same rows (`templates/reports/_scale_rows.html`).

Every figure comes from the round's results object, with every suppression rule applied; the
words come from `judgements`. A negative alpha is never shown as a number (it is read as
"not interpretable"), alpha rests on at least 10 complete cases (the results object keeps it
only then), and every figure that rests on complete cases is shown with their number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dramaturg.analysis.change import change_from_summary
from dramaturg.core.localized import pick_text
from dramaturg.surveys import judgements
from dramaturg.surveys.results import Figure, RoundResults, ScaleResult, shown


@dataclass(frozen=True)
class ChangeRow:
    """The change of a mean since an earlier round, with its 95% interval and Hedges' g."""

    since: str  # the earlier round, as a label
    difference: float
    ci_low: float | None
    ci_high: float | None
    hedges_g: float | None
    g_ci_low: float | None
    g_ci_high: float | None
    reading: str


@dataclass(frozen=True)
class GroupRow:
    name: str
    n: int | None
    n_complete: int | None
    invited: int
    answered: int | None
    mean: float | None
    sd: float | None
    alpha: float | None  # only a number to show: None when negative (see alpha_note)
    alpha_note: str  # "not interpretable" for a negative alpha
    rwg_j_lindell: float | None
    reliability: float | None  # of the group's mean
    judgement: str
    mean_reading: str = ""  # how far the group's mean can be trusted
    change: ChangeRow | None = None


@dataclass(frozen=True)
class ScaleRow:
    title: str
    n: int | None
    n_complete: int | None
    mean: float | None
    sd: float | None
    alpha: float | None  # None when negative or too few complete cases
    alpha_note: str
    reliability: str
    icc1: float | None
    icc2: float | None
    icc1_ci: tuple[float, float] | None
    between: str
    flagged: list[str] = field(default_factory=list)  # statements against the others
    groups: list[GroupRow] = field(default_factory=list)
    # On the team page: the team's own figure beside the school's.
    team: GroupRow | None = None
    change: ChangeRow | None = None


def _alpha(figure: Figure) -> tuple[float | None, str]:
    if figure.alpha is not None and not figure.alpha_readable:
        return None, judgements.not_interpretable()
    return figure.alpha, ""


def change_row(since: str, before: Figure, now: Figure) -> ChangeRow | None:
    """The change from `before` to `now`, both shown with n, mean and sd; else None."""
    if before.n is None or before.mean is None or before.sd is None:
        return None
    if now.n is None or now.mean is None or now.sd is None:
        return None
    found = change_from_summary(before.n, before.mean, before.sd, now.n, now.mean, now.sd)
    values = found.as_dict()

    def value(key: str) -> float | None:  # rounded as every figure shown (`shown`)
        number = values[key]
        return None if number is None else shown(float(number))

    return ChangeRow(
        since,
        round(now.mean - before.mean, 2),
        value("ci_low"),
        value("ci_high"),
        value("hedges_g"),
        value("g_ci_low"),
        value("g_ci_high"),
        judgements.change(found.beyond_noise, found.difference),
    )


def group_row(
    results: RoundResults, target_id: int, scale: ScaleResult, change: ChangeRow | None = None
) -> GroupRow:
    target = results.target(target_id)
    figure = scale.of(target_id)
    alpha, note = _alpha(figure)
    return GroupRow(
        name=target.name,
        n=figure.n,
        n_complete=figure.n_complete,
        invited=target.invited,
        answered=target.answered,
        mean=figure.mean,
        sd=figure.sd,
        alpha=alpha,
        alpha_note=note,
        rwg_j_lindell=figure.rwg_j_lindell,
        reliability=figure.reliability,
        judgement=judgements.agreement(figure),
        mean_reading=judgements.team_mean(figure.reliability),
        change=change,
    )


def scale_row(
    results: RoundResults,
    scale: ScaleResult,
    *,
    classes: bool,
    groups: list[int] | None = None,
    team: GroupRow | None = None,
    change: ChangeRow | None = None,
) -> ScaleRow:
    """A scale's row: everyone, then the groups (by target id, in the order given)."""
    total = scale.total
    alpha, note = _alpha(total)
    return ScaleRow(
        title=pick_text(scale.title),
        n=total.n,
        n_complete=total.n_complete,
        mean=total.mean,
        sd=total.sd,
        alpha=alpha,
        alpha_note=note,
        reliability=judgements.reliability(total),
        icc1=scale.icc1,
        icc2=scale.icc2,
        icc1_ci=scale.icc1_ci,
        between=judgements.between_groups(scale.icc1, scale.shown_groups, classes=classes),
        flagged=[pick_text(item.text) for item in scale.flagged_items],
        groups=[group_row(results, key, scale) for key in groups or []],
        team=team,
        change=change,
    )
