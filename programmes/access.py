"""Who may reach a programme's management pages.

Views fetch the programme through `Programme.objects.coordinated_by(user)`, so a
coordinator of another programme (or anyone else) gets 404, never a hint that
the programme exists. Where the programme requires it, a coordinator must have
two-factor authentication set up and must have used it to sign in this session:
one check, `mfa_setup_redirect`, for every page a coordinator opens as coordinator.
"""

from __future__ import annotations

from functools import wraps

from allauth.account.authentication import get_authentication_records
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


def member_or_coordinator_mfa_redirect(
    request, programme: Programme, *, member_ids: tuple[int | None, ...]
) -> HttpResponseRedirect | None:
    """For a page both its members and the programme's coordinators may open.

    The members (a mentorship's mentor and mentee) reach it as themselves; anyone
    else can only be there as the programme's coordinator, so the MFA rule applies.
    """
    if request.user.pk in member_ids:
        return None
    return mfa_setup_redirect(request, programme)


def passed_mfa_this_session(request) -> bool:
    """Whether this session's sign-in (or a later check) included the second factor.

    Having an authenticator set up is not enough: a session opened without it (a
    sign-in that skipped it) must not reach pages that require it.
    """
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def mfa_setup_redirect(request, programme: Programme) -> HttpResponseRedirect | None:
    """Apply the programme's coordinator MFA rule; None when the person may go on.

    Without two-factor authentication, the coordinator is sent to set it up; with
    it set up but not used in this session, to enter a code. Either way they come
    back to the page they asked for.
    """
    if not programme.coordinators_require_mfa:
        return None
    next_query = urlencode({"next": request.get_full_path()})
    if not is_mfa_enabled(request.user):
        messages.warning(
            request,
            f"{programme.name} asks its coordinators to use two-factor authentication. "
            "Set it up now to continue.",
        )
        return redirect(f"{reverse('mfa_activate_totp')}?{next_query}")
    if passed_mfa_this_session(request):
        return None
    messages.info(
        request,
        f"{programme.name} asks its coordinators to confirm it is them with two-factor "
        "authentication. Enter a code from your authenticator app to continue.",
    )
    return redirect(f"{reverse('mfa_reauthenticate')}?{next_query}")
