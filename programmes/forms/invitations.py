"""Forms for inviting people: one at a time, or a CSV file of many."""

from __future__ import annotations

from django import forms
from django.core.validators import FileExtensionValidator

from ..models import Application
from ..services.invitation_import import MAX_IMPORT_BYTES
from ..services.invitations import NAME_MAX_LENGTH, STATES


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The invitation link only works for this address.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text="Optional: used to greet them in the email.",
    )
    role = forms.ChoiceField(
        label="Invite as",
        choices=Application.Role.choices,
        widget=forms.RadioSelect,
        initial=Application.Role.MENTEE,
    )


class InvitationFilterForm(forms.Form):
    """The list's filters, read from the query string; bad values are simply ignored."""

    state = forms.ChoiceField(
        choices=[("", "All")] + [(s, s.title()) for s in STATES], required=False
    )
    q = forms.CharField(label="Search by name or email", max_length=100, required=False)

    def cleaned(self) -> dict:
        if self.is_valid():
            return self.cleaned_data
        return {"state": "", "q": ""}


class InvitationUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        validators=[FileExtensionValidator(["csv", "txt"])],
        help_text="A header row, then one person per row: email, role (mentor or mentee) "
        "and optionally full_name. Up to 2,000 rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser checks the size before sending (static/js/site.js); the server
        # checks it again before reading the body.
        self.fields["file"].widget.attrs.update(
            {"data-max-bytes": MAX_IMPORT_BYTES, "data-too-large": self.too_large_message()}
        )

    @staticmethod
    def too_large_message() -> str:
        return (
            f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB. "
            "Split it into smaller files."
        )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(self.too_large_message())
        return file
