"""Who may reach a programme's management pages.

Views fetch the programme through `Programme.objects.coordinated_by(user)`, so a
coordinator of another programme (or anyone else) gets 404, never a hint that
the programme exists. Where the programme requires it, a coordinator without
two-factor authentication is sent to set it up first.
"""

from __future__ import annotations

from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode

from .models import Programme


def coordinator_required(view):
    """Load `slug` as a programme the person coordinates; pass it as `programme`."""

    @login_required
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        programme = get_object_or_404(Programme.objects.coordinated_by(request.user), slug=slug)
        needs_mfa = mfa_setup_redirect(request, programme)
        if needs_mfa is not None:
            return needs_mfa
        return view(request, *args, programme=programme, **kwargs)

    return wrapper


def mfa_setup_redirect(request, programme: Programme) -> HttpResponseRedirect | None:
    """Send a coordinator without two-factor authentication to set it up, if required.

    For every page a coordinator reaches as coordinator, including those outside the
    programme's management pages (a mentorship's names and dates).
    """
    if not programme.coordinators_require_mfa or is_mfa_enabled(request.user):
        return None
    messages.warning(
        request,
        f"{programme.name} asks its coordinators to use two-factor authentication. "
        "Set it up now to continue.",
    )
    return redirect(
        f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}"
    )
