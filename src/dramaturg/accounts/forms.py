"""Forms for signing in, inviting people and accepting an invitation with a new password."""

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from dramaturg.accounts.models import User, normalize_email


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


def _password_help() -> str:
    return " ".join(str(text) for text in password_validation.password_validators_help_texts())


class AcceptInvitationForm(SetPasswordMixin, forms.Form):
    """A new person accepts an invitation: their name and a password, typed twice."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        error_messages={"required": _("Fill in your name, as your colleagues know you.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=lazy(_password_help, str)(),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        self.email = email
        super().__init__(*args, **kwargs)

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Fill in your name, as your colleagues know you."))
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.validate_passwords()
        # A provisional user, so the validators can refuse a password that looks like the
        # person's own name or e-mail address.
        provisional = User(email=self.email, display_name=cleaned.get("display_name", ""))
        self.validate_password_for_user(provisional)
        return cleaned
