"""My mentoring, and a mentorship's page with its introductions, pauses and close."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from mentoring.forms import form_error, refuse_form
from programmes.access import member_or_coordinator_mfa_redirect

from ..errors import MatchingError
from ..forms.mentorships import CloseForm, ClosingReviewForm, PauseForm
from ..models import Mentorship
from ..selectors import mentorship_for, mentorships_of, my_mentoring_for, my_review_of
from ..services import lifecycle

PER_PAGE = 25
Status = Mentorship.Status


@login_required
def my_mentoring(request):
    return render(
        request, "matching/my_mentoring.html", {"overview": my_mentoring_for(user=request.user)}
    )


@login_required
def mentorship_list(request):
    page_obj = Paginator(mentorships_of(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "matching/mentorship_list.html", {"page_obj": page_obj})


def _render_detail(request, mentorship: Mentorship, *, status: int = 200, **bound):
    user = request.user
    is_member = user.pk in (mentorship.mentor_id, mentorship.mentee_id)
    context = {"mentorship": mentorship, "programme": mentorship.programme, "is_member": is_member}
    if is_member:
        my_review = my_review_of(mentorship=mentorship, user=user)
        is_mentor = user.pk == mentorship.mentor_id
        context.update(
            {
                "is_mentor": is_mentor,
                "other": mentorship.other_person(user),
                "my_acceptance": mentorship.mentor_accepted_at
                if is_mentor
                else mentorship.mentee_accepted_at,
                "closed_by_me": mentorship.closed_by_id == user.pk,
                "my_review": my_review,
                "review_due": mentorship.status == Status.CLOSED
                and mentorship.started_on is not None
                and my_review is None,
                "pause_form": bound.get("pause_form") or PauseForm(),
                "close_form": bound.get("close_form") or CloseForm(),
                "review_form": bound.get("review_form") or ClosingReviewForm(),
            }
        )
    return render(request, "matching/mentorship_detail.html", context, status=status)


@login_required
def mentorship_detail(request, pk: int):
    mentorship = get_object_or_404(mentorship_for(user=request.user, pk=pk))
    needs_mfa = member_or_coordinator_mfa_redirect(
        request,
        mentorship.programme,
        member_ids=(mentorship.mentor_id, mentorship.mentee_id),
    )
    if needs_mfa is not None:
        return needs_mfa
    return _render_detail(request, mentorship)


def _own(request, pk: int) -> Mentorship:
    """The mentorship, if the person is one of its two members; 404 for coordinators too."""
    return get_object_or_404(mentorship_for(user=request.user, pk=pk).of_member(request.user))


def _act(request, mentorship: Mentorship, action, success: str, **kwargs):
    try:
        action(mentorship_id=mentorship.pk, user=request.user, **kwargs)
    except MatchingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("matching:mentorship_detail", pk=mentorship.pk)


def _form_failed(
    request: HttpRequest, mentorship, name: str, form, error: MatchingError | None = None
) -> HttpResponse:
    if error is not None:
        form_error(form, error)
    return _render_detail(request, mentorship, status=refuse_form(request), **{name: form})


@login_required
@require_POST
def mentorship_pause(request, pk: int):
    mentorship = _own(request, pk)
    form = PauseForm(request.POST)
    if not form.is_valid():
        return _form_failed(request, mentorship, "pause_form", form)
    until = form.cleaned_data["until"]
    try:
        lifecycle.mentorship_pause(mentorship_id=mentorship.pk, user=request.user, until=until)
    except MatchingError as error:
        return _form_failed(request, mentorship, "pause_form", form, error)
    other = mentorship.other_person(request.user).full_name
    messages.success(
        request,
        f"Your mentorship is paused until {date_format(until, 'j F Y')}. We have let {other} know.",
    )
    return redirect("matching:mentorship_detail", pk=mentorship.pk)


@login_required
@require_POST
def mentorship_resume(request, pk: int):
    mentorship = _own(request, pk)
    other = mentorship.other_person(request.user).full_name
    return _act(
        request,
        mentorship,
        lifecycle.mentorship_resume,
        f"Welcome back: your mentorship is active again. We have let {other} know.",
    )


@login_required
@require_POST
def mentorship_close(request, pk: int):
    mentorship = _own(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _form_failed(request, mentorship, "close_form", form)
    try:
        lifecycle.mentorship_close(
            mentorship_id=mentorship.pk,
            user=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except MatchingError as error:
        return _form_failed(request, mentorship, "close_form", form, error)
    other = mentorship.other_person(request.user).full_name
    messages.success(
        request,
        f"Your mentorship with {other} has closed. We have let them know. "
        "Please take a minute for the short closing review below.",
    )
    return redirect("matching:mentorship_detail", pk=mentorship.pk)


@login_required
@require_POST
def closing_review(request, pk: int):
    mentorship = _own(request, pk)
    form = ClosingReviewForm(request.POST)
    if not form.is_valid():
        return _form_failed(request, mentorship, "review_form", form)
    try:
        lifecycle.closing_review_submit(
            mentorship_id=mentorship.pk, author=request.user, **form.cleaned_data
        )
    except MatchingError as error:
        return _form_failed(request, mentorship, "review_form", form, error)
    messages.success(request, "Thank you for your closing review.")
    return redirect("matching:mentorship_detail", pk=mentorship.pk)


@login_required
@require_POST
def introduction_respond(request, pk: int):
    mentorship = _own(request, pk)
    other = mentorship.other_person(request.user).full_name
    if request.POST.get("decision") == "accept":
        try:
            updated = lifecycle.introduction_accept(mentorship_id=mentorship.pk, user=request.user)
        except MatchingError as error:
            messages.error(request, error.message)
        else:
            if updated.status == Status.ACTIVE:
                messages.success(request, f"You and {other} have both accepted: welcome aboard.")
            else:
                messages.success(
                    request, f"Thank you. We will let you know when {other} has replied too."
                )
        return redirect("matching:mentorship_detail", pk=mentorship.pk)
    if request.POST.get("decision") == "decline":
        return _act(
            request,
            mentorship,
            lifecycle.introduction_decline,
            f"You declined the introduction to {other}. We have let them know kindly.",
        )
    messages.error(request, "Choose whether to accept or decline the introduction.")
    return redirect("matching:mentorship_detail", pk=mentorship.pk)
