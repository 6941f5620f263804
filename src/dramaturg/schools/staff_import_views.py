"""The staff import pages: upload → preview → confirm, under /s/<school>/staff/import/.

Nothing is written until the leader confirms the preview.

Between the steps the parsed rows wait in the session, not in a signed payload that the
browser sends back. The reasons: the session lives in the database, which every application
server shares; the rows (at most ``MAX_ROWS`` of four short texts, some tens of kilobytes)
never travel back and forth through the browser or sit in hidden fields of the page; and a
confirm can be made single-use by replacing the entry. The entry is
``{"token", "filename", "rows"}`` under a key per school; the preview's form carries the
token and the plan's fingerprint:

- a confirm whose token does not match (expired session, another list uploaded since, a
  forged post) writes nothing and says so;
- after an import the entry is replaced by ``{"token", "imported": True}``, so a second
  click on the same confirm button is answered with "already imported" and writes nothing
  (and should two clicks race, the import is idempotent and serialised per school);
- the fingerprint makes the service refuse when the staff list changed between preview and
  confirm (another leader imported or edited), so what is written is what was shown.

The rows are checked again on every step, so session data is never trusted as checked.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from dramaturg.accounts.models import Invitation
from dramaturg.schools import services
from dramaturg.schools.invitations import InvitationError, invite_to_school
from dramaturg.schools.models import School
from dramaturg.schools.roles import Perm
from dramaturg.schools.spreadsheets import clean_text
from dramaturg.schools.staff_import import (
    DUTCH_HEADER,
    EXAMPLE_ROWS,
    MAX_ROWS,
    StaffRow,
    render_csv,
    rows_from_data,
)
from dramaturg.schools.staff_import_forms import StaffImportForm
from dramaturg.schools.staff_import_plan import StaffImportError, plan_import
from dramaturg.schools.tenancy import school_view


def _session_key(school: School) -> str:
    return f"staff_import:{school.pk}"


def _entry(request: HttpRequest, school: School) -> dict[str, Any] | None:
    entry = request.session.get(_session_key(school))
    return entry if isinstance(entry, dict) and isinstance(entry.get("token"), str) else None


def _rows(entry: dict[str, Any]) -> list[StaffRow] | None:
    """The waiting rows, or None when there are none (or the entry is from an older format)."""
    data = entry.get("rows")
    if not isinstance(data, list):
        return None
    try:
        return rows_from_data(data)
    except ValueError:
        return None


@school_view(Perm.MANAGE_STAFF)
def staff_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload. A file that cannot be used at all is refused here, with the reasons."""
    school = request.school  # type: ignore[attr-defined]
    if request.method == "POST":
        form = StaffImportForm(request.POST, request.FILES)
        if form.is_valid() and form.parsed is not None:
            request.session[_session_key(school)] = {
                "token": secrets.token_urlsafe(16),
                "filename": clean_text(form.cleaned_data["file"].name or "")[:100],
                "rows": [row.to_data() for row in form.parsed.rows],
            }
            return redirect("schools:staff_import_preview", school_slug=school.slug)
    else:
        form = StaffImportForm()
    return render(
        request,
        "schools/staff_import.html",
        {
            "school": school,
            "form": form,
            "header": DUTCH_HEADER,
            "example_rows": EXAMPLE_ROWS,
            "max_rows": MAX_ROWS,
        },
    )


@school_view(Perm.MANAGE_STAFF)
def staff_import_preview(request: HttpRequest) -> HttpResponse:
    """Step 2: every row with its problems or what will happen; confirm only when all is well."""
    school = request.school  # type: ignore[attr-defined]
    entry = _entry(request, school)
    if entry is not None and entry.get("imported"):
        messages.info(request, _("This staff list has been imported."))
        return redirect("schools:staff", school_slug=school.slug)
    rows = _rows(entry) if entry is not None else None
    if entry is None or rows is None:
        messages.info(request, _("There is no staff list waiting to be checked. Upload the file."))
        return redirect("schools:staff_import", school_slug=school.slug)
    plan = plan_import(school, rows, actor=request.user)
    return render(
        request,
        "schools/staff_import_preview.html",
        {
            "school": school,
            "plan": plan,
            "counts": plan.counts,
            "token": entry["token"],
            "filename": entry.get("filename", ""),
        },
    )


@school_view(Perm.MANAGE_STAFF)
@require_POST
def staff_import_confirm(request: HttpRequest) -> HttpResponse:
    """Step 3: import what the preview showed, once; or cancel."""
    school = request.school  # type: ignore[attr-defined]
    entry = _entry(request, school)
    token = request.POST.get("token", "")
    if entry is None or not token or not constant_time_compare(entry["token"], token):
        messages.error(
            request,
            _(
                "Nothing was imported: this staff list is no longer waiting to be imported "
                "(it was cancelled, replaced by another upload, or the session ended). "
                "Upload the file again."
            ),
        )
        return redirect("schools:staff_import", school_slug=school.slug)
    if entry.get("imported"):
        messages.info(
            request, _("This staff list has already been imported; nothing more was changed.")
        )
        return redirect("schools:staff", school_slug=school.slug)
    if request.POST.get("action") == "cancel":
        del request.session[_session_key(school)]
        messages.info(request, _("The import was cancelled. Nothing was changed."))
        return redirect("schools:staff", school_slug=school.slug)
    rows = _rows(entry)
    if rows is None:
        del request.session[_session_key(school)]
        messages.error(request, _("Nothing was imported. Upload the file again."))
        return redirect("schools:staff_import", school_slug=school.slug)
    try:
        result = services.import_staff(
            request.user,
            school,
            rows,
            expected_fingerprint=request.POST.get("fingerprint", ""),
        )
    except StaffImportError as error:
        messages.error(request, str(error.note))
        return redirect("schools:staff_import_preview", school_slug=school.slug)
    request.session[_session_key(school)] = {"token": token, "imported": True}
    invited, not_sent = invite_imported(request.user, school, result)
    if invited:
        messages.info(
            request,
            ngettext(
                "An invitation to choose a password was e-mailed to %(count)s new person.",
                "Invitations to choose a password were e-mailed to %(count)s new people.",
                invited,
            )
            % {"count": invited},
        )
    if not_sent:
        messages.error(
            request,
            _(
                "%(count)s invitation(s) could not be sent; send them again from the "
                "invitations page."
            )
            % {"count": not_sent},
        )
    messages.success(
        request,
        _(
            "The staff list has been imported. Added: %(added)s. Changed: %(updated)s. "
            "No change: %(unchanged)s. New teams: %(teams)s."
        )
        % {
            "added": result.added,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "teams": result.teams_created,
        },
    )
    return redirect("schools:staff", school_slug=school.slug)


def invite_imported(actor, school, result) -> tuple[int, int]:
    """Mail a link to everyone the import added who cannot log in to this school yet.

    New people choose a password through it; a person whose address already has an account
    elsewhere joins only by accepting it. A pending invitation is not sent again.
    """
    people = [
        (m.user.email, m.user.display_name, m.role, list(m.teams.all()))
        for m in result.new_memberships
        if not m.user.has_usable_password()
    ] + [(row.email, row.name, row.role, teams) for row, teams in result.to_invite]
    invited = not_sent = 0
    for email, name, role, teams in people:
        if Invitation.objects.usable().filter(email=email, school=school).exists():
            continue
        try:
            invite_to_school(actor, school, email=email, display_name=name, role=role, teams=teams)
            invited += 1
        except InvitationError:
            not_sent += 1
    return invited, not_sent


@school_view(Perm.MANAGE_STAFF)
def staff_import_example(request: HttpRequest) -> HttpResponse:
    """An example list with Dutch headings, in the form Dutch Excel opens directly.

    The BOM makes Excel read UTF-8 (accents intact); ';' is its delimiter in a Dutch locale.
    """
    content = "\ufeff" + render_csv(EXAMPLE_ROWS, header=DUTCH_HEADER, delimiter=";")
    return HttpResponse(
        content.encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="personeelslijst-voorbeeld.csv"'},
    )
