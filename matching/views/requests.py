"""Requests to a mentor: the mentee's and the mentor's lists, a request, replies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mentoring.forms import refuse_form

from ..errors import MatchingError
from ..forms.requests import RespondForm
from ..models import MentorRequest
from ..selectors import request_for, requests_received_by, requests_sent_by
from ..services import mentorships as mentorship_services
from ..services import requests as services

PER_PAGE = 25


@login_required
def my_requests(request):
    page_obj = Paginator(requests_sent_by(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "matching/request_list.html", {"page_obj": page_obj, "box": "sent"})


@login_required
def requests_to_me(request):
    page_obj = Paginator(requests_received_by(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "matching/request_list.html", {"page_obj": page_obj, "box": "received"})


def _respond_forms(bound: RespondForm | None = None) -> dict:
    forms = {
        "accept_form": RespondForm(decision="accept", auto_id="accept-%s"),
        "decline_form": RespondForm(decision="decline", auto_id="decline-%s"),
    }
    if bound is not None and bound.data.get("decision") in ("accept", "decline"):
        forms[f"{bound.data['decision']}_form"] = bound
    return forms


def _render_detail(request, mentor_request: MentorRequest, *, bound=None, status=200):
    is_mentor = mentor_request.mentor_id == request.user.pk
    context = {
        "req": mentor_request,
        "programme": mentor_request.programme,
        "is_mentor": is_mentor,
        "waiting": mentor_request.status == MentorRequest.Status.PENDING
        and not mentor_request.overdue,
    }
    if is_mentor:
        programme = mentor_request.programme
        membership = mentorship_services.mentor_membership(
            programme=programme, mentor_id=request.user.pk
        )
        context["capacity"] = (membership.capacity or 0) if membership else 0
        context["load"] = mentorship_services.mentor_load(
            programme=programme, mentor_id=request.user.pk
        )
        context.update(_respond_forms(bound))
    return render(request, "matching/request_detail.html", context, status=status)


@login_required
def request_detail(request, pk: int):
    mentor_request = get_object_or_404(request_for(user=request.user, pk=pk))
    return _render_detail(request, mentor_request)


@login_required
@require_POST
def request_respond(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the mentor asked: the mentee (who can see the request) gets 404 here.
    mentor_request = get_object_or_404(
        request_for(user=request.user, pk=pk).filter(mentor=request.user)
    )
    decision = request.POST.get("decision")
    auto_id = f"{decision}-%s" if decision in ("accept", "decline") else "id_%s"
    form = RespondForm(request.POST, auto_id=auto_id)
    if not form.is_valid():
        return _render_detail(request, mentor_request, bound=form, status=refuse_form(request))
    data = form.cleaned_data
    mentee = mentor_request.mentee.full_name
    try:
        if data["decision"] == "accept":
            mentorship = services.request_accept(
                request_id=mentor_request.pk, mentor=request.user, message=data["message"]
            )
        else:
            services.request_decline(
                request_id=mentor_request.pk,
                mentor=request.user,
                reason=data.get("reason", ""),
                message=data["message"],
            )
    except MatchingError as error:
        messages.error(request, error.message)
        return redirect("matching:request_detail", pk=mentor_request.pk)
    if data["decision"] == "accept":
        messages.success(
            request,
            f"You are now mentoring {mentee}. We have emailed them the good news; "
            "a good first step is agreeing how you will meet.",
        )
        return redirect("matching:mentorship_detail", pk=mentorship.pk)
    messages.success(request, f"You declined {mentee}'s request. We have let them know kindly.")
    return redirect("matching:requests_to_me")


@login_required
@require_POST
def request_withdraw(request, pk: int):
    # Only the mentee who asked: the mentor gets 404 here.
    mentor_request = get_object_or_404(
        request_for(user=request.user, pk=pk).filter(mentee=request.user)
    )
    try:
        services.request_withdraw(request_id=mentor_request.pk, mentee=request.user)
    except MatchingError as error:
        messages.error(request, error.message)
        return redirect("matching:request_detail", pk=mentor_request.pk)
    messages.success(
        request,
        f"You have withdrawn your request to {mentor_request.mentor.full_name}. "
        "You can ask another mentor now.",
    )
    return redirect("matching:my_requests")
