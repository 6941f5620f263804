"""Reading cards: one stage, all cards, one card; and starting a new card."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dramaturg.cards.errors import CardError
from dramaturg.cards.forms import CardCreateForm, StageForm
from dramaturg.cards.models import Card
from dramaturg.cards.services import content
from dramaturg.cards.snapshot import pick
from dramaturg.cards.views.common import can, card_context, card_url, get_card, stage_info
from dramaturg.core.stages import STAGE_INFO, Stage
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import school_view


def _cards(request: HttpRequest):
    return Card.objects.filter(school=request.school).select_related("team")  # type: ignore[attr-defined]


@school_view()
def stage_page(request: HttpRequest, stage: str) -> HttpResponse:
    info = stage_info(stage)
    if info is None:
        raise Http404
    cards = list(_cards(request).filter(stage=stage))
    return render(
        request,
        "cards/stage.html",
        {
            "school": request.school,  # type: ignore[attr-defined]
            "info": info,
            "cards": [c for c in cards if c.state != Card.State.ARCHIVED],
            "archived": [c for c in cards if c.state == Card.State.ARCHIVED],
            "can_facilitate": can(request, Perm.FACILITATE),
        },
    )


@school_view()
def card_list(request: HttpRequest) -> HttpResponse:
    cards = list(_cards(request))
    groups = [
        (info, [c for c in cards if c.stage == info.stage and c.state != Card.State.ARCHIVED])
        for info in STAGE_INFO
    ]
    return render(
        request,
        "cards/list.html",
        {
            "school": request.school,  # type: ignore[attr-defined]
            "groups": groups,
            "archived": [c for c in cards if c.state == Card.State.ARCHIVED],
            "can_facilitate": can(request, Perm.FACILITATE),
        },
    )


@school_view(Perm.FACILITATE)
def card_create(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    stage = request.POST.get("stage") or request.GET.get("stage") or ""
    if stage not in Stage.values:
        # Step one: pick the stage (a GET form, so it works without JavaScript).
        stage_form = StageForm(request.GET if "stage" in request.GET else None)
        return render(request, "cards/create.html", {"school": school, "stage_form": stage_form})
    form = CardCreateForm(
        school, stage, request.POST if request.method == "POST" else None, initial={"stage": stage}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            card = content.create_card(
                request.user,
                school,
                stage=data["stage"],
                title_nl=data["title_nl"],
                title_en=data["title_en"],
                team=data["team"],
                template_key=data["template"],
            )
        except CardError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request, _("The card is ready. It is a draft: edit it with your team.")
            )
            return redirect(card_url(card))
    language = request.LANGUAGE_CODE  # type: ignore[attr-defined]
    templates = [
        {
            "key": t.key,
            "title": pick(t.title, language),
            "introduction": pick(t.introduction, language),
            "counts": (len(t.goals), len(t.agreements), len(t.indicators)),
        }
        for t in form.templates
    ]
    chosen = form["template"].value() or ""
    return render(
        request,
        "cards/create.html",
        {
            "school": school,
            "form": form,
            "info": stage_info(stage),
            "templates": templates,
            "chosen_template": chosen,
        },
    )


@school_view()
def card_detail(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_card(request, card_id)
    return render(request, "cards/detail.html", card_context(request, card))
