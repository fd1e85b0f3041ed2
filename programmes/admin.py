"""Staff maintenance. Coordinators run their programmes through the site, not here."""

from __future__ import annotations

from django.contrib import admin

from .models import Application, ApplicationQuestion, Invitation, Membership, Programme


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "capacity", "joined_at", "ended_at"]


class ApplicationQuestionInline(admin.TabularInline):
    model = ApplicationQuestion
    extra = 0
    fields = ["position", "text", "kind", "required", "audience"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "kind", "starts_on", "enrolment_closes_on"]
    list_filter = ["status", "kind", "matching_route"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_by", "created_at", "updated_at"]
    date_hierarchy = "starts_on"
    inlines = [ApplicationQuestionInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "programme", "role", "capacity", "joined_at", "ended_at"]
    list_filter = ["role", "programme"]
    search_fields = ["user__email", "user__full_name", "programme__name"]
    list_select_related = ["user", "programme"]
    raw_id_fields = ["user", "programme"]


@admin.register(ApplicationQuestion)
class ApplicationQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "programme", "kind", "audience", "required", "position"]
    list_filter = ["kind", "audience", "programme"]
    search_fields = ["text", "programme__name"]
    list_select_related = ["programme"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["applicant", "programme", "role", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "role", "programme"]
    search_fields = ["applicant__email", "applicant__full_name", "programme__name"]
    list_select_related = ["applicant", "programme"]
    raw_id_fields = ["applicant", "programme", "decided_by"]
    date_hierarchy = "submitted_at"


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "programme", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "programme"]
    search_fields = ["email", "full_name", "programme__name"]
    list_select_related = ["programme"]
    raw_id_fields = ["programme", "invited_by", "accepted_by"]
    # The link's token is never stored; its hash is useless to staff.
    exclude = ["token_hash"]
    readonly_fields = ["created_at", "accepted_at", "accepted_by"]

    def has_add_permission(self, request) -> bool:
        # Invitations are made on the site, which creates the link and sends the email.
        return False
