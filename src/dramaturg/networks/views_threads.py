"""Pages of the leaders' conversations: the list (with a form to start one), a conversation
with its replies (with a form to reply), and deleting one's own post.

`network_view()` keeps everyone who does not take part out with a 404; a conversation is
looked up by network and id, so one of another network is a 404 too. Every form works without
JavaScript. Pages show a post's `byline` only (conversations.attach_bylines), never its author
or school, so a hidden post gives nothing away.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dramaturg.networks import conversations
from dramaturg.networks.access import network_view
from dramaturg.networks.conversations import ConversationError
from dramaturg.networks.forms_threads import ReplyForm, ThreadForm
from dramaturg.networks.models import Reply

PER_PAGE = 25


def _thread_url(request: HttpRequest, thread_id: int, fragment: str = "") -> str:
    slug = request.network.slug  # type: ignore[attr-defined]
    url = reverse("networks:thread", args=[slug, thread_id])
    return f"{url}#{fragment}" if fragment else url


@network_view()
def threads(request: HttpRequest) -> HttpResponse:
    network, taking_part = request.network, request.participant  # type: ignore[attr-defined]
    if request.method == "POST":
        form = ThreadForm(request.POST, role=taking_part.role)
        if form.is_valid():
            try:
                thread = conversations.start_thread(
                    request.user,
                    network,
                    form.cleaned_data["kind"],
                    form.cleaned_data["title"],
                    form.cleaned_data["body"],
                    form.cleaned_data["show_school"],
                )
            except ConversationError as error:
                form.add_conversation_error(error)
            else:
                messages.success(request, _("Your conversation has been started."))
                return redirect(_thread_url(request, thread.pk))
    else:
        form = ThreadForm(role=taking_part.role)
    page = Paginator(conversations.threads_of(network), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "network": network,
        "participant": taking_part,
        "page": page,
        "threads": conversations.attach_bylines(page.object_list, request.user),
        "form": form,
    }
    return render(request, "networks/threads.html", context)


@network_view()
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    network, taking_part = request.network, request.participant  # type: ignore[attr-defined]
    conversation = conversations.thread_in(network, thread_id)
    if request.method == "POST":
        form = ReplyForm(request.POST, role=taking_part.role)
        if form.is_valid():
            try:
                posted = conversations.reply(
                    request.user,
                    conversation,
                    form.cleaned_data["body"],
                    form.cleaned_data["show_school"],
                )
            except ConversationError as error:
                form.add_conversation_error(error)
            else:
                messages.success(request, _("Your reply has been added."))
                return redirect(_thread_url(request, conversation.pk, f"reply-{posted.pk}"))
    else:
        form = ReplyForm(role=taking_part.role)
    conversations.attach_bylines([conversation], request.user)
    context = {
        "network": network,
        "participant": taking_part,
        "thread": conversation,
        "replies": conversations.attach_bylines(
            conversations.replies_of(conversation), request.user
        ),
        "form": form,
    }
    return render(request, "networks/thread.html", context)


@network_view()
@require_POST
def thread_delete(request: HttpRequest, thread_id: int) -> HttpResponse:
    network = request.network  # type: ignore[attr-defined]
    conversation = conversations.thread_in(network, thread_id)
    conversations.remove_own(request.user, conversation)
    messages.success(request, _("Your conversation and its replies have been deleted."))
    return redirect("networks:threads", network.slug)


@network_view()
@require_POST
def reply_delete(request: HttpRequest, thread_id: int, reply_id: int) -> HttpResponse:
    conversation = conversations.thread_in(request.network, thread_id)  # type: ignore[attr-defined]
    posted = get_object_or_404(Reply, thread=conversation, pk=reply_id)
    conversations.remove_own(request.user, posted)
    messages.success(request, _("Your reply has been deleted."))
    return redirect(_thread_url(request, conversation.pk, "replies"))
