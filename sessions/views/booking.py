"""Booking, proposing and changing meetings, and each meeting's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from matching.models import Mentorship
from matching.selectors import mentorship_for
from mentoring.forms import form_error, refuse_form
from programmes.access import member_or_coordinator_mfa_redirect

from ..errors import MeetingError
from ..forms.booking import AgendaForm, BookForm, CancelForm, ProposeForm, WhenForm
from ..models import AgendaItem, Meeting
from ..selectors import meeting_for, my_meetings, slots_for, zone_of
from ..services import booking as service

PER_PAGE = 25
ANSWERS = ("accept", "decline")
Status = Meeting.Status


def _own_mentorship(request, pk: int) -> Mentorship:
    """The mentorship, if the person is one of its two members (404 for anyone else)."""
    return get_object_or_404(mentorship_for(user=request.user, pk=pk).of_member(request.user))


def _own_meeting(request, pk: int) -> Meeting:
    return get_object_or_404(meeting_for(user=request.user, pk=pk).of_member(request.user))


def _to_meeting(meeting: Meeting):
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@login_required
def meeting_list(request):
    meetings = my_meetings(user=request.user)
    page_obj = Paginator(meetings, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "sessions/meeting_list.html",
        {"page_obj": page_obj, "zone": zone_of(request.user), "now": timezone.now()},
    )


@login_required
def book(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    mentorship = _own_mentorship(request, mentorship_pk)
    if request.user.pk != mentorship.mentee_id:
        raise Http404("Mentees book from their mentor's availability.")
    slots = slots_for(mentorship, viewer=request.user)
    form = BookForm(request.POST or None, slots=slots)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = service.meeting_book(
                    mentorship=mentorship,
                    by=request.user,
                    starts_at=form.cleaned_data["slot"],
                    mode=form.cleaned_data["mode"],
                )
            except MeetingError as error:
                form_error(form, error)
            else:
                messages.success(
                    request,
                    "Your meeting is booked. We have emailed you both a calendar invitation.",
                )
                return _to_meeting(meeting)
        status = refuse_form(request)
    context = {
        "mentorship": mentorship,
        "slots": slots,
        "form": form,
        "zone": zone_of(request.user),
        "length": mentorship.programme.meeting_length_minutes,
        "active": mentorship.status == Mentorship.Status.ACTIVE,
    }
    return render(request, "sessions/meeting_book.html", context, status=status)


@login_required
def propose(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    mentorship = _own_mentorship(request, mentorship_pk)
    zone = zone_of(request.user)
    form = ProposeForm(request.POST or None, zone=zone)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = service.meeting_propose(
                    mentorship=mentorship,
                    by=request.user,
                    starts_at=form.cleaned_data["starts_at"],
                    mode=form.cleaned_data["mode"],
                )
            except MeetingError as error:
                form_error(form, error)
            else:
                other = mentorship.other_person(request.user).full_name
                messages.success(request, f"Time proposed. We have asked {other} to accept it.")
                return _to_meeting(meeting)
        status = refuse_form(request)
    context = {
        "mentorship": mentorship,
        "form": form,
        "other": mentorship.other_person(request.user),
    }
    return render(request, "sessions/meeting_propose.html", context, status=status)


def _render_detail(request, meeting: Meeting, *, status: int = 200, **forms):
    user = request.user
    is_member = user.pk in (meeting.mentor_id, meeting.mentee_id)
    context = {
        "meeting": meeting,
        "mentorship": meeting.mentorship,
        "is_member": is_member,
        "zone": zone_of(user),
        "length": int((meeting.ends_at - meeting.starts_at).total_seconds() // 60),
    }
    if is_member:
        now = timezone.now()
        upcoming = meeting.status in (Status.PROPOSED, Status.CONFIRMED)
        context.update(
            {
                "other": meeting.mentorship.other_person(user),
                "is_mentor": user.pk == meeting.mentor_id,
                "agenda": AgendaItem.objects.filter(meeting=meeting).select_related("author"),
                "can_change": upcoming and meeting.starts_at > now,
                "can_answer": meeting.status == Status.PROPOSED
                and meeting.proposed_by_id != user.pk
                and meeting.starts_at > now,
                "can_mark": meeting.status in (Status.CONFIRMED, Status.HELD, Status.MISSED)
                and meeting.starts_at <= now,
                "agenda_form": forms.get("agenda_form") or AgendaForm(),
                "cancel_form": forms.get("cancel_form") or CancelForm(),
                "reschedule_form": forms.get("reschedule_form") or WhenForm(zone=zone_of(user)),
            }
        )
    return render(request, "sessions/meeting_detail.html", context, status=status)


@login_required
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(meeting_for(user=request.user, pk=pk))
    needs_mfa = member_or_coordinator_mfa_redirect(
        request,
        meeting.mentorship.programme,
        member_ids=(meeting.mentor_id, meeting.mentee_id),
    )
    if needs_mfa is not None:
        return needs_mfa
    return _render_detail(request, meeting)


@login_required
@require_POST
def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _own_meeting(request, pk)
    form = WhenForm(request.POST, zone=zone_of(request.user))
    if form.is_valid():
        try:
            service.meeting_reschedule(
                meeting=meeting, by=request.user, starts_at=form.cleaned_data["starts_at"]
            )
        except MeetingError as error:
            form_error(form, error)
        else:
            messages.success(request, "Meeting moved. We have emailed you both the new time.")
            return _to_meeting(meeting)
    return _render_detail(request, meeting, status=refuse_form(request), reschedule_form=form)


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _own_meeting(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            service.meeting_cancel(
                meeting=meeting, by=request.user, reason=form.cleaned_data["reason"]
            )
        except MeetingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Meeting cancelled. We have let you both know.")
        return _to_meeting(meeting)
    return _render_detail(request, meeting, status=refuse_form(request), cancel_form=form)


@login_required
@require_POST
def meeting_respond(request, pk: int):
    meeting = _own_meeting(request, pk)
    answer = request.POST.get("answer")
    if answer not in ANSWERS:
        # Only an explicit answer changes anything: a stray or empty post declines nothing.
        messages.error(request, "Choose whether to accept or decline the proposed time.")
        return _render_detail(request, meeting, status=400)
    accept = answer == "accept"
    try:
        service.meeting_respond(meeting=meeting, by=request.user, accept=accept)
    except MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Meeting booked. We have emailed you both a calendar invitation."
            if accept
            else "Proposed time declined. We have let them know.",
        )
    return _to_meeting(meeting)


@login_required
@require_POST
def meeting_mark(request, pk: int):
    meeting = _own_meeting(request, pk)
    held = request.POST.get("outcome") != "missed"
    try:
        service.meeting_mark(meeting=meeting, by=request.user, held=held)
    except MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Marked as held." if held else "Marked as missed.")
    return _to_meeting(meeting)


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _own_meeting(request, pk)
    form = AgendaForm(request.POST)
    if form.is_valid():
        try:
            service.agenda_item_add(
                meeting=meeting, by=request.user, text=form.cleaned_data["text"]
            )
        except MeetingError as error:
            form_error(form, error)
        else:
            messages.success(request, "Added to the agenda.")
            return _to_meeting(meeting)
    return _render_detail(request, meeting, status=refuse_form(request), agenda_form=form)
