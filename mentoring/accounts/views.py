from __future__ import annotations

import copy

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.views import ActivateTOTPView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from mentoring.forms import render_form

from .forms import MatchingPreferencesForm, PersonalDetailsForm, ProfileForm
from .redirects import safe_next_url
from .services import (
    EmailChangeUndoError,
    email_change_undo,
    email_change_undo_read,
    preferences_for,
    preferences_update,
    profile_for,
    profile_update,
)


@login_required
def profile_detail(request):
    return render(
        request,
        "accounts/profile_detail.html",
        {
            "profile": profile_for(request.user),
            "preferences": preferences_for(request.user),
            "person": request.user,
        },
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = profile_for(request.user)
    # Forms validate copies, so a rejected edit never shows on the page as if saved.
    person = copy.copy(request.user)
    if request.method == "POST":
        details = PersonalDetailsForm(request.POST, instance=person, prefix="me")
        form = ProfileForm(request.POST, instance=copy.copy(profile))
        if details.is_valid() and form.is_valid():
            profile_update(user=request.user, personal=details.cleaned_data, data=form.cleaned_data)
            messages.success(request, "Your profile has been saved.")
            return redirect(safe_next_url(request) or "accounts:profile")
    else:
        details = PersonalDetailsForm(instance=person, prefix="me")
        form = ProfileForm(instance=profile)
    return render_form(
        request,
        "accounts/profile_edit.html",
        {"details": details, "form": form, "next": safe_next_url(request)},
    )


@login_required
def preferences_edit(request: HttpRequest) -> HttpResponse:
    prefs = preferences_for(request.user)
    form = MatchingPreferencesForm(request.POST or None, instance=copy.copy(prefs))
    if request.method == "POST" and form.is_valid():
        preferences_update(user=request.user, data=form.cleaned_data)
        messages.success(request, "Your private matching preferences have been saved.")
        return redirect("accounts:profile")
    return render_form(request, "accounts/preferences_edit.html", {"form": form})


class TotpActivateView(ActivateTOTPView):
    """allauth's TOTP set-up, returning the person to `?next=` once it is on.

    A coordinator sent here by `coordinator_required` goes on to see their new
    recovery codes, then continues to the page they were trying to reach.
    """

    def form_valid(self, form):
        response = super().form_valid(form)
        # A correct code from the new app proves the second factor, as a sign-in
        # with it would: the session counts as having passed it.
        authenticator = Authenticator.objects.get(
            user=self.request.user, type=Authenticator.Type.TOTP
        )
        record_authentication(
            self.request, self.request.user, "mfa", id=authenticator.pk, type=authenticator.type
        )
        return response

    def get_success_url(self) -> str:
        url = super().get_success_url()
        next_url = safe_next_url(self.request)
        if not next_url:
            return url
        if self.did_generate_recovery_codes:
            return f"{url}?{urlencode({'next': next_url})}"
        return next_url


totp_activate = TotpActivateView.as_view()


UNDO_TEMPLATE = "account/email_change_undo.html"


@never_cache
def email_change_undo_view(request, token: str):
    """The old address's "this wasn't me" link: confirm, then restore it and sign out everywhere.

    Open to anyone holding the link (the old address's owner may be signed out); the
    change happens on POST only, so a mail scanner opening the link changes nothing.
    """
    try:
        change = email_change_undo_read(token=token)
        if request.method == "POST":
            user = email_change_undo(token=token)
    except EmailChangeUndoError as error:
        return render(request, UNDO_TEMPLATE, {"error": error.message}, status=400)
    if request.method == "POST":
        if request.user.is_authenticated and request.user.pk == user.pk:
            logout(request)
        get_adapter(request).send_mail(
            "account/email/email_change_undone",
            user.email,
            {
                "user": user,
                "reset_url": settings.SITE_URL + reverse("account_reset_password"),
            },
        )
        messages.success(
            request,
            f"Your email address is {user.email} again and every session is signed out. "
            "Please choose a new password: we have emailed you how.",
        )
        return redirect("account_reset_password")
    return render(request, UNDO_TEMPLATE, {"change": change})
