"""Inviting people to a programme, and accepting an invitation by its link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from mentoring.forms import form_error, refuse_form, render_form
from mentoring.middleware import declared_body_size

from ..access import coordinator_required
from ..errors import ProgrammeError
from ..forms.invitations import InvitationFilterForm, InvitationForm, InvitationUploadForm
from ..models import Invitation
from ..selectors.invitations import invitation_counts, invitations_for
from ..services import invitation_import
from ..services import invitations as services

PAGE_SIZE = 25


@coordinator_required
def invitation_list(request: HttpRequest, programme) -> HttpResponse:
    form = InvitationForm(request.POST) if request.method == "POST" else InvitationForm()
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.invitation_create(
                programme=programme, invited_by=request.user, **form.cleaned_data
            )
        except ProgrammeError as error:
            form_error(form, error)
        else:
            invitation = issued.invitation
            role = invitation.get_role_display().lower()
            note = " The earlier link no longer works." if issued.replaced_earlier else ""
            messages.success(request, f"Invitation sent to {invitation.email} as a {role}.{note}")
            return redirect("programmes:invitations", slug=programme.slug)
    filters = InvitationFilterForm(request.GET).cleaned()
    invitations = invitations_for(programme=programme, state=filters["state"], search=filters["q"])
    page_obj = Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_form(
        request,
        "programmes/invitation_list.html",
        {
            "programme": programme,
            "form": form,
            "page_obj": page_obj,
            "invitations": page_obj.object_list,
            "state": filters["state"],
            "q": filters["q"],
            "counts": invitation_counts(programme=programme),
            "states": services.STATES,
        },
    )


# The largest file plus the form's other fields and the multipart framing.
UPLOAD_REQUEST_MAX_BYTES = invitation_import.MAX_IMPORT_BYTES + 64 * 1024


@csrf_exempt  # CSRF is checked just below, once the size is known to be acceptable
@coordinator_required
def invitation_upload(request, programme):
    """Refuse an oversized file by its declared length, before any of it is read.

    Checking the CSRF token reads the body (the token is a form field), so it happens
    after this check, in `_invitation_upload`.
    """
    if request.method == "POST" and declared_body_size(request) > UPLOAD_REQUEST_MAX_BYTES:
        form = InvitationUploadForm(data={}, files={})
        form.errors["file"] = form.error_class([InvitationUploadForm.too_large_message()])
        messages.error(request, "Nothing was imported: check the file below.")
        return render(
            request,
            "programmes/invitation_upload.html",
            {"programme": programme, "form": form, "errors": []},
            status=413,
        )
    return _invitation_upload(request, programme)


@csrf_protect
def _invitation_upload(request: HttpRequest, programme) -> HttpResponse:
    posted = request.method == "POST"
    form = InvitationUploadForm(request.POST, request.FILES) if posted else InvitationUploadForm()
    errors = []
    if posted and form.is_valid():
        try:
            invitations = invitation_import.invitations_import_csv(
                programme=programme, file=form.cleaned_data["file"], invited_by=request.user
            )
        except invitation_import.InvitationImportError as error:
            errors = error.errors
            messages.error(request, error.message)
        except ProgrammeError as error:
            messages.error(request, error.message)
        else:
            count = len(invitations)
            messages.success(request, f"{count} invitation{'s' if count != 1 else ''} sent.")
            return redirect("programmes:invitations", slug=programme.slug)
    return render(
        request,
        "programmes/invitation_upload.html",
        {"programme": programme, "form": form, "errors": errors},
        status=refuse_form(request) if posted and form.errors else 200,
    )


@coordinator_required
@require_POST
def invitation_revoke(request, pk, programme):
    invitation = get_object_or_404(
        Invitation.objects.visible_to(request.user).filter(programme=programme), pk=pk
    )
    try:
        services.invitation_revoke(invitation=invitation)
    except ProgrammeError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"The invitation for {invitation.email} was revoked: its link no longer works."
        )
    return redirect("programmes:invitations", slug=programme.slug)


def invitation_accept(request, token):
    """Anyone with the link may see what it offers; accepting needs the invited address."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "programmes/invitation_invalid.html", status=404)
    user = request.user
    if invitation.state != "pending":
        return render(
            request,
            "programmes/invitation_unavailable.html",
            {"invitation": invitation, "programme": invitation.programme},
            status=410,
        )
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return _accept(request, token)
    email_matches = user.is_authenticated and services.email_is_verified_for(
        user=user, email=invitation.email
    )
    return render(
        request,
        "programmes/invitation_accept.html",
        {
            "invitation": invitation,
            "programme": invitation.programme,
            "email_matches": email_matches,
            "next_query": urlencode({"next": request.get_full_path()}),
        },
    )


def _accept(request, token):
    try:
        invitation = services.invitation_accept(token=token, user=request.user)
    except ProgrammeError as error:
        messages.error(request, error.message)
        return redirect(request.path)
    programme = invitation.programme
    messages.success(
        request,
        f"Welcome to {programme.name}! You have joined as a "
        f"{invitation.get_role_display().lower()}.",
    )
    profile = getattr(request.user, "profile", None)
    if profile is None or not profile.is_complete:
        messages.info(
            request, "Please complete your profile so we can match you well in the programme."
        )
        next_query = urlencode({"next": programme.get_absolute_url()})
        return redirect(f"{reverse('accounts:profile_edit')}?{next_query}")
    return redirect(programme)
