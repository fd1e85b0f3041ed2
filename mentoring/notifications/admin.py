from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Staff maintenance: see what is waiting, what failed, and send dead ones again.

    Shows only the title and link the person sees in the app: reminders never hold
    confidential text, and a waiting email's rendered message is not shown.
    """

    list_display = ("kind", "recipient", "due_at", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("recipient__email", "subject_key")
    date_hierarchy = "due_at"
    ordering = ("-due_at",)
    list_select_related = ("recipient",)
    # Never the rendered message of a waiting email: it may hold someone's sign-in link.
    exclude = ["message"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "message"]
    actions = ["retry"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Try the selected dead reminders again")
    def retry(self, request, queryset) -> None:
        count = queryset.filter(status=Notification.Status.DEAD).update(
            status=Notification.Status.PENDING, attempts=0, due_at=timezone.now(), last_error=""
        )
        messages.success(request, f"{count} reminder(s) will be tried again.")
