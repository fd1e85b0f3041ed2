"""The form to close an account: the person proves it is them with their password."""

from __future__ import annotations

from django import forms


class AccountCloseForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )
    understood = forms.BooleanField(
        label="I understand that this cannot be undone.",
        error_messages={"required": "Please tick to confirm you understand."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your current password.")
        return password
