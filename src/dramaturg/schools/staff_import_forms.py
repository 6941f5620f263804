"""The upload form of the staff import: one file, read and checked while the form is cleaned."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from dramaturg.schools.staff_import import MAX_ROWS, ParsedFile, parse_staff_file

ACCEPT = ",".join(
    [
        ".csv",
        ".xlsx",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
)


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("Staff list (CSV or Excel)"),
        help_text=_(
            "One person per row. The first row names the columns: naam, e-mail, team and rol "
            "(English works too: name, email, team, role). Several teams in one cell are "
            "separated by a comma. Roles: schoolleider, ontwikkelgroep or teamlid; an empty "
            "role means team member. Example row: Anna de Vries; anna@school.nl; Onderbouw; "
            "teamlid."
        ),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "required": _("Choose the file with the staff list."),
            "empty": _("The file is empty."),
            "invalid": _("No file was received. Choose the file and try again."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set by clean_file: the rows, each with its own problems, for the preview.
        self.parsed: ParsedFile | None = None

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        limit = settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "The file is larger than %(limit)s. A staff list of %(rows)s people is "
                    "much smaller: save only the staff list, as CSV or .xlsx."
                ),
                code="too_large",
                params={"limit": filesizeformat(limit), "rows": MAX_ROWS},
            )
        parsed = parse_staff_file(upload.name or "", upload.read())
        if parsed.problems:
            # One message, not one per problem: the shared field template gives every error
            # of a field the same element id. Rendered now, in the request's language.
            raise forms.ValidationError(
                " ".join(str(note) for note in parsed.problems), code=parsed.problems[0].code
            )
        self.parsed = parsed
        return upload
