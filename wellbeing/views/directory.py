"""A programme's support directory: members read it, coordinators keep it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mentoring.forms import form_error, render_form
from programmes.access import coordinator_required
from programmes.errors import ProgrammeError

from .. import selectors
from ..forms.directory import SupportServiceForm
from ..services import directory as services

PER_PAGE = 25


@login_required
def directory(request, slug):
    programme = get_object_or_404(selectors.member_programme(user=request.user, slug=slug))
    services.directory_seed_defaults(programme)
    entries = selectors.directory_of(programme=programme, user=request.user)
    page_obj = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "wellbeing/directory.html",
        {"programme": programme, "page_obj": page_obj, "services": page_obj.object_list},
    )


def _to_manage(programme) -> str:
    return redirect("wellbeing:directory_manage", slug=programme.slug)


@coordinator_required
def directory_manage(request: HttpRequest, programme) -> HttpResponse:
    services.directory_seed_defaults(programme)
    form = SupportServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(
                programme=programme, actor=request.user, data=form.cleaned_data
            )
        except ProgrammeError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{service.name} has been added to the directory.")
            return _to_manage(programme)
    page_obj = Paginator(programme.support_services.all(), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render_form(
        request,
        "wellbeing/directory_manage.html",
        {"programme": programme, "form": form, "page_obj": page_obj, "services": page_obj},
    )


@coordinator_required
def directory_service_edit(request: HttpRequest, programme, pk) -> HttpResponse:
    service = get_object_or_404(programme.support_services.all(), pk=pk)
    form = SupportServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_update(
                service=service, actor=request.user, data=form.cleaned_data
            )
        except ProgrammeError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{service.name} has been saved.")
            return _to_manage(programme)
    if request.method == "POST":
        service.refresh_from_db()  # the form changed the instance; show the saved name
    return render_form(
        request,
        "wellbeing/directory_service_edit.html",
        {"programme": programme, "form": form, "service": service},
    )


@coordinator_required
def directory_service_delete(request, programme, pk):
    service = get_object_or_404(programme.support_services.all(), pk=pk)
    if request.method == "POST":
        try:
            services.service_delete(service=service, actor=request.user)
        except ProgrammeError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{service.name} has been removed from the directory.")
        return _to_manage(programme)
    return render(
        request,
        "wellbeing/directory_service_delete.html",
        {"programme": programme, "service": service},
    )


@require_POST
@coordinator_required
def directory_service_move(request, programme, pk):
    service = get_object_or_404(programme.support_services.all(), pk=pk)
    direction = request.POST.get("direction", "")
    try:
        moved = services.service_move(service=service, actor=request.user, direction=direction)
    except ProgrammeError as error:
        messages.error(request, error.message)
    else:
        if moved:
            messages.success(request, f"{service.name} has been moved {direction}.")
        else:
            messages.info(
                request,
                f"{service.name} is already at the {'top' if direction == 'up' else 'bottom'}.",
            )
    return _to_manage(programme)
