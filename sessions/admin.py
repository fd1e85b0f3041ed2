"""Admin: only rows with no free text (notes, agendas and reasons stay out of the admin)."""

from __future__ import annotations

from django.contrib import admin

from .models import AvailabilitySlot, AvailabilityWindow, Meeting


@admin.register(AvailabilityWindow)
class AvailabilityWindowAdmin(admin.ModelAdmin):
    list_display = ("mentor", "weekday", "start_time", "end_time", "time_zone")
    raw_id_fields = ("mentor",)


@admin.register(AvailabilitySlot)
class AvailabilitySlotAdmin(admin.ModelAdmin):
    list_display = ("mentor", "starts_at", "ends_at")
    raw_id_fields = ("mentor",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("pk", "starts_at", "ends_at", "mode", "status", "sequence")
    list_filter = ("status", "mode")
    fields = ("mentorship", "starts_at", "ends_at", "mode", "status", "sequence", "uid")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
