from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mentoring.forms import render_form

from . import preferences, services
from .forms import PreferencesForm
from .models import Notification

PER_PAGE = 20


@login_required
def notification_list(request):
    rows = Notification.objects.visible_to(request.user).order_by("-delivered_at", "-pk")
    page_obj = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    unread = Notification.objects.visible_to(request.user).unread().count()
    return render(request, "notifications/list.html", {"page_obj": page_obj, "unread": unread})


@login_required
def unread_badge(request):
    """The bell's count, loaded by htmx so no page pays a query for it."""
    unread = Notification.objects.visible_to(request.user).unread().count()
    return render(request, "notifications/partials/badge.html", {"unread": unread})


@login_required
def notification_open(request, pk: int):
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None) or not target:
        target = "notifications:list"
    return redirect(target)


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications:list")


@login_required
def preferences_edit(request: HttpRequest) -> HttpResponse:
    current = preferences.preferences_for(request.user)
    form = PreferencesForm(
        request.POST or None,
        initial_channels=current,
        audiences=preferences.audiences_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.cleaned_data.items() if current.get(k) != v}
        preferences.preferences_update(user=request.user, channels=changed)
        messages.success(request, "Your reminder settings have been saved.")
        return redirect("notifications:settings")
    return render_form(request, "notifications/settings.html", {"form": form})


# Mail clients send the one-click POST (RFC 8058) without a CSRF token; the signed token in
# the URL is what authorises it. A GET only shows the button, so link scanners change nothing.
@csrf_exempt
def unsubscribe(request, token: str):
    try:
        user_id, kinds = preferences.unsubscribe_read(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        preferences.unsubscribe_apply(token=token)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse("Unsubscribed.", content_type="text/plain")
        return render(request, "notifications/unsubscribe_done.html", {"kinds": kinds})
    return render(
        request,
        "notifications/unsubscribe_confirm.html",
        {
            "kinds": kinds,
            "for_someone_else": request.user.is_authenticated and request.user.pk != user_id,
        },
    )
