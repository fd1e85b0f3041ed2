"""A programme's matching settings, for its coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from programmes.access import coordinator_required

from ..errors import MatchingError
from ..forms.settings import MatchingSettingsForm
from ..services.mentorships import matching_settings_for
from ..services.settings import matching_settings_update


@coordinator_required
def settings_edit(request, programme):
    form = MatchingSettingsForm(request.POST or None, instance=matching_settings_for(programme))
    if request.method == "POST" and form.is_valid():
        try:
            matching_settings_update(programme=programme, by=request.user, data=form.cleaned_data)
        except MatchingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, "The matching settings have been saved. They apply to the next run."
            )
            return redirect("matching:settings", slug=programme.slug)
    if request.method == "POST":
        messages.error(request, "Please correct the errors below.")
    return render(request, "matching/settings_edit.html", {"programme": programme, "form": form})
