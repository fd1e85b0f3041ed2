"""A mentor's own availability page: weekly windows, one-off slots, blackouts, defaults."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentoring.forms import form_error, refuse_form

from ..errors import MeetingError
from ..forms.booking import BlackoutForm, DefaultsForm, SlotForm, WindowForm
from ..models import AvailabilitySlot, AvailabilityWindow, Blackout, MeetingDefaults
from ..selectors import zone_of
from ..services import availability as service


def _mentor(request):
    if not service.is_mentor(request.user):
        raise Http404("Only mentors publish availability.")
    return request.user


def _page(request, *, status: int = 200, **forms):
    user = request.user
    defaults = MeetingDefaults.objects.filter(mentor=user).first()
    context = {
        "windows": AvailabilityWindow.objects.filter(mentor=user),
        "slots": AvailabilitySlot.objects.filter(mentor=user),
        "blackouts": Blackout.objects.filter(mentor=user),
        "zone": zone_of(user).key,
        "window_form": forms.get("window_form") or WindowForm(),
        "slot_form": forms.get("slot_form") or SlotForm(zone=zone_of(user)),
        "blackout_form": forms.get("blackout_form") or BlackoutForm(),
        "defaults_form": forms.get("defaults_form")
        or DefaultsForm(
            initial={
                "video_link": defaults.video_link if defaults else "",
                "location": defaults.location if defaults else "",
            }
        ),
    }
    return render(request, "sessions/availability.html", context, status=status)


@login_required
def availability(request):
    _mentor(request)
    return _page(request)


def _save(request: HttpRequest, name: str, form, action, success: str) -> HttpResponse:
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except MeetingError as error:
            form_error(form, error)
        else:
            messages.success(request, success)
            return redirect("meetings:availability")
    return _page(request, status=refuse_form(request), **{name: form})


@login_required
@require_POST
def window_add(request):
    mentor = _mentor(request)
    return _save(
        request,
        "window_form",
        WindowForm(request.POST),
        lambda data: service.window_add(
            mentor=mentor,
            weekday=data["weekday"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            modes=data["modes"],
        ),
        "Weekly time added. Your mentees can book it from now on.",
    )


@login_required
@require_POST
def slot_add(request):
    mentor = _mentor(request)
    return _save(
        request,
        "slot_form",
        SlotForm(request.POST, zone=zone_of(mentor)),
        lambda data: service.slot_add(
            mentor=mentor, starts_at=data["starts_at"], ends_at=data["ends_at"], modes=data["modes"]
        ),
        "One-off time added.",
    )


@login_required
@require_POST
def blackout_add(request):
    mentor = _mentor(request)
    return _save(
        request,
        "blackout_form",
        BlackoutForm(request.POST),
        lambda data: service.blackout_add(
            mentor=mentor, starts_on=data["starts_on"], ends_on=data["ends_on"], note=data["note"]
        ),
        "Dates away saved. Nobody can book you then.",
    )


@login_required
@require_POST
def defaults_edit(request):
    mentor = _mentor(request)
    return _save(
        request,
        "defaults_form",
        DefaultsForm(request.POST),
        lambda data: service.defaults_set(
            mentor=mentor, video_link=data["video_link"], location=data["location"]
        ),
        "Meeting defaults saved.",
    )


@login_required
@require_POST
def availability_remove(request, kind: str, pk: int):
    mentor = _mentor(request)
    try:
        service.availability_remove(mentor=mentor, kind=kind, pk=pk)
    except MeetingError as error:
        raise Http404(error.message) from error
    messages.success(request, "Removed.")
    return redirect("meetings:availability")
