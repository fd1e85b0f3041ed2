"""A person's own check-ins, and the check-ins their mentees chose to share with them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mentoring.forms import form_error, render_form
from programmes.errors import ProgrammeError

from .. import selectors
from ..charts import trend_chart
from ..forms.checkins import CheckInForm
from ..instruments import LOW, VERY_LOW, instrument_for
from ..services import access
from ..services.checkins import checkin_record, checkin_share, checkin_unshare
from ..services.directory import NATIONAL_URGENT, directory_seed_defaults, without_numbers

PER_PAGE = 25


@login_required
def checkin_home(request):
    user = request.user
    programmes = selectors.checkin_programmes_for(user=user)
    page_obj = Paginator(selectors.own_checkins(user=user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    trend = selectors.trend_for(user=user)
    return render(
        request,
        "wellbeing/checkin_home.html",
        {
            "programmes": programmes,
            "page_obj": page_obj,
            "checkins": page_obj.object_list,
            "trend": trend,
            "chart": trend_chart(trend) if trend else None,
            "shares_exist": selectors.shared_with(user=user).exists(),
        },
    )


@login_required
def checkin_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    programmes = selectors.checkin_programmes_for(user=user)
    if not programmes:
        messages.info(
            request,
            "Check-ins are for mentors and mentees. Once you are in a programme you can "
            "check in here.",
        )
        return redirect("wellbeing:checkin_home")
    chosen = next((p for p in programmes if p.slug == request.GET.get("programme")), None)
    form = CheckInForm(
        request.POST or None,
        programmes=programmes,
        initial={"programme": chosen.pk} if chosen else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checkin = checkin_record(
                user=user,
                programme=data["programme"],
                answers=form.answers,
                anything_on_mind=data["anything_on_mind"],
                what_would_help=data["what_would_help"],
                share_with_mentor=data["share_with_mentor"],
            )
        except ProgrammeError as error:
            form_error(form, error)
        else:
            shared = " and shared it with your mentor" if checkin.share_with_mentor else ""
            messages.success(request, f"Thank you: we have saved your check-in{shared}.")
            return redirect("wellbeing:checkin_result", pk=checkin.pk)
    return render_form(
        request,
        "wellbeing/checkin_create.html",
        {
            "form": form,
            "programmes": programmes,
            "instrument": form.instrument,
            "with_mentor": selectors.programmes_with_mentor(user=user, programmes=programmes),
        },
    )


@login_required
def checkin_result(request, pk: int):
    checkin = get_object_or_404(selectors.own_checkin(user=request.user, pk=pk))
    instrument = instrument_for(checkin.instrument)
    previous = selectors.previous_checkin(checkin=checkin)
    change = instrument.change(previous.score if previous else None, checkin.score)
    services = []
    if checkin.programme is not None and checkin.band in (LOW, VERY_LOW):
        directory_seed_defaults(checkin.programme)
        services = list(selectors.directory_of(programme=checkin.programme, user=request.user))
        if checkin.band == VERY_LOW:
            services = without_numbers(services)
    trend = selectors.trend_for(user=request.user)
    return render(
        request,
        "wellbeing/checkin_result.html",
        {
            "checkin": checkin,
            "instrument": instrument,
            "band": instrument.band_named(checkin.band),
            "previous": previous,
            "change": change,
            "change_size": abs(change) if change is not None else None,
            "meaningful": instrument.is_meaningful_change(
                previous.score if previous else None, checkin.score
            ),
            "services": services,
            "national_urgent": NATIONAL_URGENT,
            "trend": trend,
            "chart": trend_chart(trend) if len(trend) > 1 else None,
            "can_share": _has_mentor_for(request.user, checkin),
        },
    )


def _has_mentor_for(user, checkin) -> bool:
    if checkin.programme is None:
        return False
    return bool(selectors.programmes_with_mentor(user=user, programmes=[checkin.programme]))


@login_required
@require_POST
def checkin_sharing(request, pk: int, share: bool):
    """Share a check-in with the current mentor, or stop sharing it (at once)."""
    checkin = get_object_or_404(selectors.own_checkin(user=request.user, pk=pk))
    try:
        if share:
            checkin_share(user=request.user, checkin_id=checkin.pk)
        else:
            checkin_unshare(user=request.user, checkin_id=checkin.pk)
    except ProgrammeError as error:
        messages.error(request, error.message)
    else:
        if share:
            messages.success(request, "You have shared this check-in with your mentor.")
        else:
            messages.success(
                request, "You have stopped sharing this check-in: your mentor can no longer see it."
            )
    return redirect("wellbeing:checkin_result", pk=checkin.pk)


@login_required
def shared_checkins(request):
    """What mentees shared: band, date and messages; every record shown is logged."""
    page_obj = Paginator(selectors.shared_with(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    checkins = list(page_obj.object_list)
    access.access_record_many(actor=request.user, record_type=access.CHECKIN, records=checkins)
    return render(
        request,
        "wellbeing/checkin_shared.html",
        {
            "page_obj": page_obj,
            "checkins": [(c, instrument_for(c.instrument).band_named(c.band)) for c in checkins],
        },
    )


@login_required
def shared_checkin_detail(request, pk: int):
    """One check-in a mentee shares with this person; the read is logged."""
    checkin = get_object_or_404(selectors.shared_checkin(user=request.user, pk=pk))
    access.access_record(
        actor=request.user, subject=checkin.user, record_type=access.CHECKIN, record_id=checkin.pk
    )
    return render(
        request,
        "wellbeing/checkin_shared_detail.html",
        {"checkin": checkin, "band": instrument_for(checkin.instrument).band_named(checkin.band)},
    )
