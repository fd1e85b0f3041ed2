"""A programme's matching settings, for its coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from mentoring.forms import form_error, render_form
from programmes.access import coordinator_required

from ..errors import MatchingError
from ..forms.settings import MatchingSettingsForm
from ..services.mentorships import matching_settings_for
from ..services.settings import matching_settings_update


@coordinator_required
def settings_edit(request: HttpRequest, programme) -> HttpResponse:
    form = MatchingSettingsForm(request.POST or None, instance=matching_settings_for(programme))
    if request.method == "POST" and form.is_valid():
        try:
            matching_settings_update(programme=programme, by=request.user, data=form.cleaned_data)
        except MatchingError as error:
            form_error(form, error)
        else:
            messages.success(
                request, "The matching settings have been saved. They apply to the next run."
            )
            return redirect("matching:settings", slug=programme.slug)
    return render_form(
        request, "matching/settings_edit.html", {"programme": programme, "form": form}
    )
