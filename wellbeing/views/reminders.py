"""The check-in page's switch: invite me to check in at my programme's cadence.

It only ever changes the signed-in person's own choice: there is no person in the URL
or the form to point at someone else.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..reminders import checkin_invitations_set, invitation_switch_for


@login_required
@require_POST
def checkin_invitations(request):
    on = request.POST.get("invite") == "on"
    checkin_invitations_set(user=request.user, on=on)
    if not on:
        messages.success(request, "We will not invite you to check in.")
    elif (cadence := invitation_switch_for(user=request.user).cadence_days) is None:
        messages.info(
            request,
            "Saved. Invitations start once you are a mentor or mentee in a running programme.",
        )
    else:
        messages.success(request, f"We will invite you to check in every {cadence} days.")
    return redirect(reverse("wellbeing:checkin_home") + "#checkin-invitations")
