"""Staff maintenance. Private words (request messages, reasons, close notes and
review comments) are left out: staff never read them through the UI."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    ClosingReview,
    DeclaredConflict,
    MatchingRun,
    MatchingSettings,
    MentorRequest,
    Mentorship,
    ProposedPair,
    UnmatchedMentee,
)


@admin.register(MatchingSettings)
class MatchingSettingsAdmin(admin.ModelAdmin):
    list_display = ["programme", "min_score", "max_pending_requests", "request_expiry_days"]
    list_select_related = ["programme"]
    raw_id_fields = ["programme"]
    search_fields = ["programme__name"]


@admin.register(DeclaredConflict)
class DeclaredConflictAdmin(admin.ModelAdmin):
    list_display = ["programme", "mentee", "mentor", "kind", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["programme", "mentee", "mentor"]
    raw_id_fields = ["programme", "mentee", "mentor"]


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["mentor", "mentee", "programme", "status", "origin", "started_on"]
    list_filter = ["status", "origin", "programme"]
    list_select_related = ["mentor", "mentee", "programme"]
    search_fields = ["mentor__email", "mentee__email", "programme__name"]
    raw_id_fields = ["programme", "mentor", "mentee", "run", "closed_by"]
    exclude = ["close_note"]
    readonly_fields = ["created_at"]


@admin.register(ClosingReview)
class ClosingReviewAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "author", "created_at"]
    raw_id_fields = ["mentorship", "author"]
    exclude = ["comments"]


@admin.register(MentorRequest)
class MentorRequestAdmin(admin.ModelAdmin):
    list_display = ["mentee", "mentor", "programme", "status", "created_at", "expires_at"]
    list_filter = ["status", "programme"]
    list_select_related = ["mentee", "mentor", "programme"]
    search_fields = ["mentee__email", "mentor__email", "programme__name"]
    raw_id_fields = ["programme", "mentee", "mentor", "mentorship"]
    exclude = ["message", "decline_reason", "reply_message"]


class ProposedPairInline(admin.TabularInline):
    model = ProposedPair
    extra = 0
    raw_id_fields = ["mentee", "mentor", "runner_up"]
    fields = ["mentee", "mentor", "score", "locked"]


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    list_display = ["programme", "status", "created_at", "total_score", "published_at"]
    list_filter = ["status"]
    list_select_related = ["programme"]
    raw_id_fields = ["programme", "created_by", "published_by"]
    inlines = [ProposedPairInline]


@admin.register(UnmatchedMentee)
class UnmatchedMenteeAdmin(admin.ModelAdmin):
    list_display = ["run", "mentee", "reason"]
    raw_id_fields = ["run", "mentee"]
