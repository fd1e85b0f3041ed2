"""Applying to programmes, the review queue and the member list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mentoring.accounts.services import profile_for
from mentoring.forms import form_error, refuse_form, render_form
from mentoring.vocabulary import Framework, MeetingMode

from ..access import coordinator_required
from ..errors import ProgrammeError
from ..forms.applications import (
    ApplicationForm,
    BulkApproveForm,
    DecisionForm,
    MemberFilterForm,
    ReviewFilterForm,
)
from ..models import Application, Membership, Programme
from ..selectors.applications import (
    STATUS_ALL,
    answers_for,
    application_for_review,
    application_status_counts,
    applications_for_review,
    applications_of,
    member_counts,
    members_of,
)
from ..services import applications as services

PER_PAGE = 25
ROLE_NOUN = services.ROLE_NOUN


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _profile_of(user):
    try:
        return user.profile
    except ObjectDoesNotExist:
        return None


# Applicants ------------------------------------------------------------------


def _already_in(request, programme: Programme, role: str):
    """Send the person on if they already applied or belong in this role; else None."""
    noun = ROLE_NOUN[role]
    mine = applications_of(user=request.user).live().filter(programme=programme, role=role)
    if mine.exists():
        messages.info(request, f"You have already applied to {programme.name} as {noun}.")
        return redirect("programmes:my_applications")
    member = Membership.objects.active().filter(programme=programme, user=request.user, role=role)
    if member.exists():
        messages.info(request, f"You are already {noun} in {programme.name}.")
        return redirect(programme)
    return None


@login_required
def application_create(request: HttpRequest, slug: str, role: str) -> HttpResponse:
    if role not in Application.Role.values:
        raise Http404("No such role.")
    programme = get_object_or_404(Programme.objects.visible_to(request.user), slug=slug)
    if not programme.enrolment_is_open():
        messages.error(
            request, f"Enrolment for {programme.name} is closed, so it is not taking applications."
        )
        return redirect(programme)
    if (elsewhere := _already_in(request, programme, role)) is not None:
        return elsewhere
    form = ApplicationForm(
        request.POST or None,
        programme=programme,
        role=role,
        profile=profile_for(request.user),
        questions=list(programme.questions.all()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                applicant=request.user,
                programme=programme,
                role=role,
                data=form.application_data(),
                answers=form.answers(),
            )
        except ProgrammeError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                f"Thank you: your application to {programme.name} as {ROLE_NOUN[role]} "
                "has been sent. We have emailed you a copy.",
            )
            return redirect("programmes:my_applications")
    return render_form(
        request,
        "programmes/application_create.html",
        {"programme": programme, "role": role, "role_noun": ROLE_NOUN[role], "form": form},
    )


@login_required
def my_applications(request):
    page_obj = _page(request, applications_of(user=request.user))
    return render(request, "programmes/application_list.html", {"page_obj": page_obj})


@login_required
def application_withdraw(request, pk: int):
    # Only the applicant: a coordinator who can see the application still gets 404.
    application = get_object_or_404(applications_of(user=request.user), pk=pk)
    if request.method == "POST":
        try:
            services.application_withdraw(application=application, by=request.user)
        except ProgrammeError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"You have withdrawn your application to {application.programme.name}.",
            )
        return redirect("programmes:my_applications")
    if application.status not in Application.LIVE_STATUSES:
        messages.info(
            request, "This application is no longer active, so there is nothing to withdraw."
        )
        return redirect("programmes:my_applications")
    return render(request, "programmes/application_withdraw.html", {"application": application})


# Coordinators ------------------------------------------------------------------


@coordinator_required
def review_queue(request, programme: Programme):
    if request.method == "POST":
        return _approve_selected(request, programme)
    filters = ReviewFilterForm(request.GET)
    applications = applications_for_review(
        user=request.user, programme=programme, **filters.filters()
    )
    counts = application_status_counts(user=request.user, programme=programme)
    status_tabs = [(s.value, s.label, counts[s.value]) for s in Application.Status]
    return render(
        request,
        "programmes/application_review.html",
        {
            "programme": programme,
            "filter_form": filters,
            "page_obj": _page(request, applications),
            "counts": counts,
            "status_tabs": [*status_tabs, (STATUS_ALL, "All", None)],
            "bulk_form": BulkApproveForm(),
        },
    )


def _approve_selected(request, programme: Programme):
    form = BulkApproveForm(request.POST)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, errors[0])
        return redirect(request.get_full_path())
    try:
        approved = services.applications_approve_bulk(
            programme=programme,
            application_ids=form.cleaned_data["application_ids"],
            by=request.user,
            message=form.cleaned_data["message"],
        )
    except ProgrammeError as exc:
        messages.error(request, exc.message)
    else:
        if approved:
            plural = "application" if approved == 1 else "applications"
            messages.success(
                request, f"Approved {approved} {plural}. Each applicant has been emailed."
            )
        else:
            messages.warning(
                request,
                "None of the selected applications were awaiting review, so nothing changed.",
            )
    return redirect(request.get_full_path())


def _decision_forms(bound: DecisionForm | None = None) -> dict:
    forms = {
        "approve_form": DecisionForm(initial={"decision": "approve"}, auto_id="approve-%s"),
        "decline_form": DecisionForm(initial={"decision": "decline"}, auto_id="decline-%s"),
    }
    if bound is not None:
        forms[f"{bound.data.get('decision')}_form"] = bound
    return forms


def _labels(values, choices) -> list[str]:
    names = dict(choices)
    return [names.get(value, value) for value in values or []]


def _render_detail(request, programme, application, *, bound=None, status=200):
    profile = _profile_of(application.applicant)
    context = {
        "programme": programme,
        "application": application,
        "profile": profile,
        "modes": _labels(profile and profile.meeting_modes, MeetingMode.choices),
        "taught": _labels(profile and profile.frameworks_taught, Framework.choices),
        "practised": _labels(profile and profile.frameworks_practised, Framework.choices),
        "answers": answers_for(application=application),
        **_decision_forms(bound),
    }
    return render(request, "programmes/application_detail.html", context, status=status)


@coordinator_required
def application_detail(request, pk: int, programme: Programme):
    application = get_object_or_404(
        application_for_review(user=request.user, programme=programme), pk=pk
    )
    return _render_detail(request, programme, application)


@coordinator_required
@require_POST
def application_decide(request: HttpRequest, pk: int, programme: Programme) -> HttpResponse:
    application = get_object_or_404(
        application_for_review(user=request.user, programme=programme), pk=pk
    )
    decision = request.POST.get("decision")
    auto_id = f"{decision}-%s" if decision in ("approve", "decline") else "id_%s"
    form = DecisionForm(request.POST, auto_id=auto_id)
    if not form.is_valid():
        status = refuse_form(request)
        if decision not in ("approve", "decline"):
            return redirect("programmes:application_detail", slug=programme.slug, pk=pk)
        return _render_detail(request, programme, application, bound=form, status=status)
    approve = form.cleaned_data["decision"] == "approve"
    decide = services.application_approve if approve else services.application_decline
    try:
        decide(application=application, by=request.user, message=form.cleaned_data["message"])
    except ProgrammeError as exc:
        messages.error(request, exc.message)
        return redirect("programmes:application_detail", slug=programme.slug, pk=pk)
    name = application.applicant.full_name or application.applicant.email
    if approve:
        text = f"{name} is now {ROLE_NOUN[application.role]} in {programme.name}."
    else:
        text = f"You declined {name}'s application."
    messages.success(request, f"{text} We have emailed them.")
    return redirect("programmes:review", slug=programme.slug)


@coordinator_required
def member_list(request, programme: Programme):
    filters = MemberFilterForm(request.GET)
    members = members_of(programme=programme, **filters.filters())
    return render(
        request,
        "programmes/member_list.html",
        {
            "programme": programme,
            "filter_form": filters,
            "page_obj": _page(request, members),
            "counts": member_counts(programme=programme),
        },
    )
