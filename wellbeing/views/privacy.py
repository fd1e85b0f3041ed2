"""Privacy rights: who has read my records, downloading my data, closing my account."""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mentoring.forms import form_error, render_form
from programmes.errors import ProgrammeError

from ..forms.privacy import AccountCloseForm
from ..models import AccessLog
from ..services import privacy as services

PER_PAGE = 25


@login_required
def access_log(request):
    """Who has read the person's confidential records: only ever their own entries."""
    entries = AccessLog.objects.visible_to(request.user).select_related("actor")
    page_obj = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "wellbeing/access_log.html", {"page_obj": page_obj})


@login_required
def my_data(request):
    return render(request, "wellbeing/my_data.html")


@login_required
def data_export(request):
    archive = services.data_export_build(user=request.user)
    filename = f"my-data-{timezone.localdate():%Y-%m-%d}.zip"
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_close(request: HttpRequest) -> HttpResponse:
    form = AccountCloseForm(request.POST or None, user=request.user)
    if request.method == "POST":
        # The same limit as allauth's re-authentication: the password cannot be guessed here.
        if not ratelimit.consume(request, action="reauthenticate", user=request.user):
            messages.error(request, "Too many attempts. Please wait a minute and try again.")
            form = AccountCloseForm(user=request.user)
            return render(request, "wellbeing/account_close.html", {"form": form}, status=429)
        if form.is_valid():
            try:
                services.account_close(user=request.user)
            except ProgrammeError as error:
                form_error(form, error)
            else:
                logout(request)
                messages.success(
                    request,
                    "Your account is closed and your confidential records have been erased. "
                    "We have emailed you a confirmation. Thank you for taking part.",
                )
                return redirect("account_login")
    return render_form(request, "wellbeing/account_close.html", {"form": form})
