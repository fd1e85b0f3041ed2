from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render

from .forms import MatchingPreferencesForm, PersonalDetailsForm, ProfileForm
from .services import preferences_for, profile_for, profile_update


@login_required
def profile_detail(request):
    return render(
        request,
        "accounts/profile_detail.html",
        {"profile": profile_for(request.user), "person": request.user},
    )


@login_required
def profile_edit(request):
    profile = profile_for(request.user)
    if request.method == "POST":
        details = PersonalDetailsForm(request.POST, instance=request.user, prefix="me")
        form = ProfileForm(request.POST, instance=profile)
        if details.is_valid() and form.is_valid():
            with transaction.atomic():
                details.save()
                profile_update(user=request.user, data=form.cleaned_data)
            messages.success(request, "Your profile has been saved.")
            return redirect(request.GET.get("next") or "accounts:profile")
        messages.error(request, "Please correct the errors below.")
    else:
        details = PersonalDetailsForm(instance=request.user, prefix="me")
        form = ProfileForm(instance=profile)
    return render(request, "accounts/profile_edit.html", {"details": details, "form": form})


@login_required
def preferences_edit(request):
    prefs = preferences_for(request.user)
    form = MatchingPreferencesForm(request.POST or None, instance=prefs)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Your private matching preferences have been saved.")
            return redirect("accounts:profile")
        messages.error(request, "Please correct the errors below.")
    return render(request, "accounts/preferences_edit.html", {"form": form})
