"""Staff maintenance of the support directories only.

Check-ins, support requests, referrals and the access log are confidential: they are
deliberately not registered here, so staff never read them through the admin.
"""

from __future__ import annotations

from django.contrib import admin

from .models import SupportService


@admin.register(SupportService)
class SupportServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "urgent", "phone", "hours", "position"]
    list_filter = ["urgent", "programme"]
    search_fields = ["name", "purpose", "programme__name"]
    list_select_related = ["programme"]
    raw_id_fields = ["programme"]
