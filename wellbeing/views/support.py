"""Asking to be contacted, the welfare leads' inbox, and referrals.

Support requests are fetched only through `SupportRequest.objects.visible_to`: the
person who asked and the programme's welfare leads. A coordinator, a mentor or a
welfare lead of another programme gets 404. Lists show who and when, never what was
written: the details are on the request's own page, where each read by someone
other than its owner is written to the access log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentoring.forms import form_error, refuse_form, render_form
from programmes.errors import ProgrammeError
from programmes.models import Programme

from ..forms.support import ReferralForm, SupportRequestForm, SupportRequestUpdateForm
from ..models import Referral, SupportRequest, SupportService
from ..selectors import support as selectors
from ..services import support as services
from ..services.access import SUPPORT_REQUEST, access_record

PER_PAGE = 25
Status = SupportRequest.Status


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _mine_url() -> str:
    return f"{reverse('wellbeing:support_requests')}?view=mine"


# Asking for contact ----------------------------------------------------------------


@login_required
def support_request_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.visible_to(request.user), slug=slug)
    if not services.can_ask(user=request.user, programme=programme):
        raise Http404("Not a mentor or mentee of this programme.")
    if not services.welfare_leads_of(programme, excluding=request.user):
        if request.method == "POST":
            messages.error(request, services.no_welfare_lead_message(programme))
        return render(
            request, "wellbeing/support_request_unavailable.html", {"programme": programme}
        )
    form = SupportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_request_create(
                user=request.user, programme=programme, **form.cleaned_data
            )
        except ProgrammeError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"Your request has been sent to the welfare team of {programme.name}. "
                "They will be in touch the way you asked. You can follow it here.",
            )
            return redirect(_mine_url())
    return render_form(
        request, "wellbeing/support_request_create.html", {"programme": programme, "form": form}
    )


# Lists and details --------------------------------------------------------------------


@login_required
def support_request_list(request):
    user = request.user
    is_lead = selectors.leads_anywhere(user=user)
    inbox = is_lead and request.GET.get("view") != "mine"
    if inbox:
        requests = selectors.support_inbox_for(user=user)
    else:
        requests = selectors.support_requests_of(user=user)
    context = {
        "is_lead": is_lead,
        "inbox": inbox,
        "page_obj": _page(request, requests),
        "waiting_count": (
            selectors.support_inbox_for(user=user).filter(status=Status.OPEN).count()
            if is_lead
            else 0
        ),
        # A handful at most: each is answered or declined on its own page.
        "referrals": [] if inbox else list(selectors.referrals_waiting_for(user=user)[:PER_PAGE]),
    }
    return render(request, "wellbeing/support_request_list.html", context)


def _visible_request(request, pk: int) -> SupportRequest:
    return get_object_or_404(
        SupportRequest.objects.visible_to(request.user).select_related(
            "user", "programme", "handled_by", "referral__service"
        ),
        pk=pk,
    )


@login_required
def support_request_detail(request, pk: int):
    support_request = _visible_request(request, pk)
    user = request.user
    is_owner = support_request.user_id == user.pk
    is_lead = services.is_welfare_lead(user=user, programme_id=support_request.programme_id)
    if not is_owner:
        access_record(
            actor=user,
            subject=support_request.user,
            record_type=SUPPORT_REQUEST,
            record_id=support_request.pk,
        )
    moves = set()
    if is_lead:
        moves.update(services.LEAD_MOVES.get(support_request.status, ()))
    if is_owner:
        moves.update(services.OWNER_MOVES.get(support_request.status, ()))
    return render(
        request,
        "wellbeing/support_request_detail.html",
        {
            "support_request": support_request,
            "is_owner": is_owner,
            "is_lead": is_lead,
            "can_mark_contacted": is_lead and Status.CONTACTED in moves,
            "can_close": is_lead and Status.CLOSED in moves,
            "can_withdraw": is_owner and not is_lead and Status.CLOSED in moves,
        },
    )


UPDATE_MESSAGES = {
    Status.CONTACTED: "Marked as contacted. Close the request once nothing more is needed.",
    Status.CLOSED: "The support request is closed.",
}


@login_required
@require_POST
def support_request_update(request, pk: int):
    support_request = _visible_request(request, pk)
    form = SupportRequestUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to mark the request contacted or closed.")
        return redirect("wellbeing:support_request_detail", pk=pk)
    status = form.cleaned_data["status"]
    try:
        services.support_request_update(
            support_request_id=support_request.pk, user=request.user, status=status
        )
    except ProgrammeError as error:
        messages.error(request, error.message)
        return redirect("wellbeing:support_request_detail", pk=pk)
    if support_request.user_id == request.user.pk and not services.is_welfare_lead(
        user=request.user, programme_id=support_request.programme_id
    ):
        messages.success(
            request,
            "You have withdrawn your request; nobody will contact you about it. "
            "You can ask again at any time.",
        )
        return redirect(_mine_url())
    messages.success(request, UPDATE_MESSAGES[status])
    return redirect("wellbeing:support_request_detail", pk=pk)


# Referrals ---------------------------------------------------------------------------------


@login_required
def referral_create(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    """The mentor suggests support (POST); the page shows what they suggested and its status."""
    mentorship = get_object_or_404(
        selectors.mentorship_as_mentor(user=request.user, pk=mentorship_pk)
    )
    can_suggest = mentorship.status in services.REFERRAL_OPEN_STATUSES
    if request.method == "POST" and not can_suggest:
        messages.error(request, "You can suggest a referral only while the mentorship is open.")
        return redirect("wellbeing:referral_create", mentorship_pk=mentorship.pk)
    directory = SupportService.objects.visible_to(request.user).filter(
        programme=mentorship.programme
    )
    form = ReferralForm(request.POST or None, services=directory)
    if request.method == "POST" and form.is_valid():
        service = form.cleaned_data["service"]
        try:
            services.referral_create(
                mentorship_id=mentorship.pk,
                mentor=request.user,
                service_id=service.pk if service else None,
                note=form.cleaned_data["note"],
            )
        except ProgrammeError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"We have let {mentorship.mentee.full_name} know. Nothing is passed on to "
                "anyone unless they agree.",
            )
            return redirect("wellbeing:referral_create", mentorship_pk=mentorship.pk)
    return render_form(
        request,
        "wellbeing/referral_create.html",
        {
            "mentorship": mentorship,
            "programme": mentorship.programme,
            "form": form,
            "can_suggest": can_suggest,
            "page_obj": _page(request, selectors.referrals_proposed_in(mentorship=mentorship)),
        },
    )


def _respond_page(request, referral: Referral, form=None, status: int = 200):
    programme = referral.mentorship.programme
    support_request = None
    if referral.status == Referral.Status.CONFIRMED:
        support_request = (
            SupportRequest.objects.visible_to(request.user)
            .filter(referral=referral, user=request.user)
            .first()
        )
    return render(
        request,
        "wellbeing/referral_respond.html",
        {
            "referral": referral,
            "programme": programme,
            "mentor": referral.mentorship.mentor,
            "form": form or SupportRequestForm(),
            "can_confirm": bool(services.welfare_leads_of(programme, excluding=request.user)),
            "support_request": support_request,
        },
        status=status,
    )


@login_required
def referral_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """The mentee reads a suggested referral and confirms (with contact details) or declines."""
    referral = get_object_or_404(
        selectors.referrals_for_mentee(user=request.user).select_related(
            "mentorship__mentor", "mentorship__programme", "service"
        ),
        pk=pk,
    )
    if request.method != "POST":
        return _respond_page(request, referral)
    if referral.status != Referral.Status.PROPOSED:
        messages.info(request, "You have already answered this referral.")
        return redirect("wellbeing:referral_respond", pk=referral.pk)
    decision = request.POST.get("decision")
    if decision == "decline":
        try:
            services.referral_decline(referral_id=referral.pk, mentee=request.user)
        except ProgrammeError as error:
            messages.error(request, error.message)
            return redirect("wellbeing:referral_respond", pk=referral.pk)
        messages.success(
            request,
            "You have declined the suggestion. Nothing has been passed on; we have let your "
            "mentor know.",
        )
        return redirect(_mine_url())
    if decision != "confirm":
        messages.error(request, "Choose whether to go ahead with the referral or decline it.")
        return redirect("wellbeing:referral_respond", pk=referral.pk)
    form = SupportRequestForm(request.POST)
    if form.is_valid():
        try:
            support_request = services.referral_confirm(
                referral_id=referral.pk, mentee=request.user, **form.cleaned_data
            )
        except ProgrammeError as error:
            if error.field not in form.fields:
                messages.error(request, error.message)
                return redirect("wellbeing:referral_respond", pk=referral.pk)
            form_error(form, error)
        else:
            messages.success(
                request,
                "Thank you. Your request has gone to the programme's welfare team, who will "
                "contact you the way you asked.",
            )
            return redirect("wellbeing:support_request_detail", pk=support_request.pk)
    return _respond_page(request, referral, form=form, status=refuse_form(request))
