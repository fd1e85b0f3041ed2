"""The front page, browsing programmes, and a coordinator's own programme pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mentoring.forms import form_error, render_form

from .. import selectors
from ..access import coordinator_required
from ..errors import ProgrammeError
from ..forms.programmes import ProgrammeCreateForm, ProgrammeForm, QuestionForm, TeamMemberForm
from ..models import Programme
from ..services import programmes as services

PER_PAGE = 25


@login_required
def home(request):
    overview = selectors.home_programmes_for(user=request.user)
    return render(request, "programmes/home.html", {"overview": overview})


@login_required
def programme_list(request):
    # PostgreSQL refuses a NUL character in text: drop it rather than fail the search.
    search = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    programmes = selectors.programmes_for_list(user=request.user, search=search)
    page_obj = Paginator(programmes, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/programme_list.html",
        {"page_obj": page_obj, "programmes": page_obj.object_list, "search": search},
    )


@login_required
def programme_detail(request, slug):
    programme = get_object_or_404(Programme.objects.visible_to(request.user), slug=slug)
    person = selectors.programme_for_person(programme=programme, user=request.user)
    return render(
        request,
        "programmes/programme_detail.html",
        {"programme": programme, "person": person},
    )


@login_required
@permission_required("programmes.add_programme", raise_exception=True)
def programme_create(request: HttpRequest) -> HttpResponse:
    form = ProgrammeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        emails = data.pop("co_coordinator_emails")
        try:
            programme = services.programme_create(
                creator=request.user, data=data, co_coordinator_emails=emails
            )
        except ProgrammeError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"{programme.name} has been created as a draft. Add any application questions, "
                "then open enrolment when you are ready.",
            )
            return redirect("programmes:manage", slug=programme.slug)
    return render_form(request, "programmes/programme_create.html", {"form": form})


@coordinator_required
def programme_manage(request, programme):
    dashboard = selectors.programme_dashboard(programme=programme)
    return render(
        request,
        "programmes/programme_manage.html",
        {
            "programme": programme,
            "dashboard": dashboard,
            "transitions": services.STATUS_TRANSITIONS[programme.status],
            "Status": Programme.Status,
        },
    )


@coordinator_required
def programme_edit(request: HttpRequest, programme) -> HttpResponse:
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                programme=programme, actor=request.user, data=form.cleaned_data
            )
        except ProgrammeError as error:
            form_error(form, error)
        else:
            messages.success(request, "The programme's settings have been saved.")
            return redirect("programmes:manage", slug=programme.slug)
    if request.method == "POST":
        programme.refresh_from_db()  # the form changed the instance; show the saved name
    return render_form(
        request, "programmes/programme_edit.html", {"programme": programme, "form": form}
    )


STATUS_MESSAGES = {
    Programme.Status.OPEN: "Enrolment is open: people can now apply to {name}.",
    Programme.Status.RUNNING: "Enrolment has closed. {name} keeps running for its members.",
    Programme.Status.CLOSED: "{name} has been closed.",
}


@require_POST
@coordinator_required
def programme_status(request, programme):
    try:
        programme = services.programme_status_change(
            programme=programme, actor=request.user, status=request.POST.get("status", "")
        )
    except ProgrammeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, STATUS_MESSAGES[programme.status].format(name=programme.name))
    return redirect("programmes:manage", slug=programme.slug)


@coordinator_required
def team(request: HttpRequest, programme) -> HttpResponse:
    form = TeamMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.team_member_add(
                programme=programme, actor=request.user, **form.cleaned_data
            )
        except ProgrammeError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"{membership.user} is now a {membership.get_role_display().lower()} of "
                f"{programme.name}. We have emailed them to let them know.",
            )
            return redirect("programmes:team", slug=programme.slug)
    members = selectors.team_for(programme=programme)
    page_obj = Paginator(members, PER_PAGE).get_page(request.GET.get("page"))
    return render_form(
        request,
        "programmes/team.html",
        {"programme": programme, "form": form, "page_obj": page_obj, "members": page_obj},
    )


@require_POST
@coordinator_required
def team_remove(request, programme, membership_id):
    membership = get_object_or_404(selectors.team_for(programme=programme), pk=membership_id)
    try:
        services.team_member_remove(membership=membership, actor=request.user)
    except ProgrammeError as error:
        messages.error(request, error.message)
        return redirect("programmes:team", slug=programme.slug)
    role = membership.get_role_display().lower()
    if membership.user_id == request.user.pk and membership.role == membership.Role.COORDINATOR:
        messages.success(request, f"You are no longer a coordinator of {programme.name}.")
        return redirect("home")
    messages.success(request, f"{membership.user} is no longer a {role} of {programme.name}.")
    return redirect("programmes:team", slug=programme.slug)


@coordinator_required
def questions(request: HttpRequest, programme) -> HttpResponse:
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_create(
                programme=programme, actor=request.user, data=form.cleaned_data
            )
        except ProgrammeError as error:
            form_error(form, error)
        else:
            messages.success(request, "The question has been added to the application form.")
            return redirect("programmes:questions", slug=programme.slug)
    page_obj = Paginator(programme.questions.all(), PER_PAGE).get_page(request.GET.get("page"))
    return render_form(
        request,
        "programmes/question_list.html",
        {"programme": programme, "form": form, "page_obj": page_obj, "questions": page_obj},
    )


@coordinator_required
def question_edit(request: HttpRequest, programme, pk) -> HttpResponse:
    question = get_object_or_404(programme.questions.all(), pk=pk)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, actor=request.user, data=form.cleaned_data)
        except ProgrammeError as error:
            form_error(form, error)
        else:
            messages.success(request, "The question has been saved.")
            return redirect("programmes:questions", slug=programme.slug)
    return render_form(
        request,
        "programmes/question_edit.html",
        {"programme": programme, "form": form, "question": question},
    )


@coordinator_required
def question_delete(request, programme, pk):
    question = get_object_or_404(programme.questions.all(), pk=pk)
    if request.method == "POST":
        try:
            services.question_delete(question=question, actor=request.user)
        except ProgrammeError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "The question has been removed from the application form.")
        return redirect("programmes:questions", slug=programme.slug)
    return render(
        request,
        "programmes/question_delete.html",
        {"programme": programme, "question": question},
    )
