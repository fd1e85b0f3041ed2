"""The mentor directory a mentee browses, a mentor's page, and mentors' own settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from mentoring.forms import INVALID_FORM_MESSAGE, form_error, render_form
from programmes.models import Programme

from ..errors import MatchingError
from ..forms.mentor import MentorSettingsForm
from ..forms.requests import ConflictForm, DirectoryFilterForm, RequestForm
from ..selectors import (
    mentor_offer_for,
    offers_for,
    programmes_as_mentee,
    programmes_as_mentor,
    ranked_mentors_for,
    request_limits_for,
)
from ..services import mentorships as mentorship_services
from ..services import requests as request_services

PER_PAGE = 25


def _programme_for_mentee(request, slug: str) -> Programme:
    """The programme, if the person is one of its mentees; 404 for everyone else."""
    return get_object_or_404(programmes_as_mentee(user=request.user), slug=slug)


def _requests_closed(request, programme: Programme):
    messages.info(
        request,
        f"In {programme.name} the coordinators match mentees with mentors; "
        "we will email you when they have found you one.",
    )
    return redirect(programme)


@login_required
def directory(request, slug: str):
    programme = _programme_for_mentee(request, slug)
    if not programme.allows_mentee_requests:
        return _requests_closed(request, programme)
    filter_form = DirectoryFilterForm(request.GET or None)
    ranked = ranked_mentors_for(
        programme=programme, mentee=request.user, filters=filter_form.filters()
    )
    page_obj = Paginator(ranked, PER_PAGE).get_page(request.GET.get("page"))
    offers = offers_for(programme=programme, mentee=request.user, ranked=list(page_obj))
    return render(
        request,
        "matching/directory.html",
        {
            "programme": programme,
            "filter_form": filter_form,
            "filtered": bool(filter_form.filters()),
            "page_obj": page_obj,
            "offers": offers,
            "limits": request_limits_for(programme=programme, mentee=request.user),
        },
    )


def _render_mentor(request, programme, offer, *, form=None, status=200):
    return render(
        request,
        "matching/mentor_detail.html",
        {
            "programme": programme,
            "offer": offer,
            "mentor": offer.mentor,
            "profile": getattr(offer.mentor, "profile", None),
            "form": form or RequestForm(),
            "conflict_form": ConflictForm(),
            "limits": request_limits_for(programme=programme, mentee=request.user),
        },
        status=status,
    )


@login_required
def mentor_detail(request, slug: str, mentor_id: int):
    programme = _programme_for_mentee(request, slug)
    if not programme.allows_mentee_requests:
        return _requests_closed(request, programme)
    offer = mentor_offer_for(programme=programme, mentee=request.user, mentor_id=mentor_id)
    if offer is None:
        raise Http404("This mentor is not offered to you.")
    return _render_mentor(request, programme, offer)


@login_required
@require_POST
def request_create(request: HttpRequest, slug: str, mentor_id: int) -> HttpResponse:
    programme = _programme_for_mentee(request, slug)
    form = RequestForm(request.POST)
    if form.is_valid():
        try:
            sent = request_services.request_create(
                programme=programme,
                mentee=request.user,
                mentor_id=mentor_id,
                message=form.cleaned_data["message"],
            )
        except MatchingError as error:
            form_error(form, error)
        else:
            until = date_format(timezone.localtime(sent.expires_at), "j F")
            messages.success(
                request,
                f"Your request has been sent to {sent.mentor.full_name}. They have until "
                f"{until} to reply, and we will email you when they do.",
            )
            return redirect("matching:request_detail", pk=sent.pk)
    for error in form.non_field_errors() or [INVALID_FORM_MESSAGE]:
        messages.error(request, error)
    offer = mentor_offer_for(programme=programme, mentee=request.user, mentor_id=mentor_id)
    if offer is None:
        return redirect("matching:directory", slug=programme.slug)
    return _render_mentor(request, programme, offer, form=form, status=400)


@login_required
@require_POST
def conflict_declare(request, slug: str, mentor_id: int):
    programme = _programme_for_mentee(request, slug)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how you know this person.")
        return redirect("matching:directory", slug=programme.slug)
    try:
        request_services.conflict_declare(
            programme=programme,
            mentee=request.user,
            mentor_id=mentor_id,
            kind=form.cleaned_data["kind"],
        )
    except MatchingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Thank you for telling us. We will not suggest this person as your mentor "
            f"in {programme.name}, and they have not been told.",
        )
    return redirect("matching:directory", slug=programme.slug)


@login_required
def mentor_settings(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(programmes_as_mentor(user=request.user), slug=slug)
    membership = mentorship_services.mentor_membership(
        programme=programme, mentor_id=request.user.pk
    )
    if membership is None:  # ended between the two reads
        raise Http404("Not a mentor of this programme.")
    load = mentorship_services.mentor_load(programme=programme, mentor_id=request.user.pk)
    initial = {
        "capacity": membership.capacity or programme.default_mentor_capacity,
        "accepting_mentees": membership.accepting_mentees,
    }
    form = MentorSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mentorship_services.mentor_settings_update(
                programme=programme, mentor_id=request.user.pk, **form.cleaned_data
            )
        except MatchingError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Your mentor settings for {programme.name} are saved.")
            return redirect("matching:mentor_settings", slug=programme.slug)
    return render_form(
        request,
        "matching/mentor_settings.html",
        {
            "programme": programme,
            "membership": membership,
            "load": load,
            "capacity": membership.capacity or 0,
            "form": form,
        },
    )
