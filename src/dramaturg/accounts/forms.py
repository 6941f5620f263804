"""Forms for signing in and choosing a password."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from dramaturg.accounts.models import normalize_email


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with an e-mail address; the field keeps Django's name `username` for axes."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _(
            "This e-mail address and password do not match an account. Check both and try again."
        ),
        "inactive": _("This account has been switched off."),
    }

    def clean_username(self) -> str:
        return normalize_email(self.cleaned_data["username"])
