from __future__ import annotations

from django.urls import path

from .views import aggregates, checkins, directory, privacy, reminders, support

app_name = "wellbeing"

# Included under "wellbeing/" in mentoring/urls.py.
programme = "programmes/<slug:slug>"
manage = f"{programme}/manage"

urlpatterns = [
    # A person's own check-ins, and what their mentees shared with them.
    path("", checkins.checkin_home, name="checkin_home"),
    path("check-ins/new/", checkins.checkin_create, name="checkin_create"),
    path("check-ins/<int:pk>/", checkins.checkin_result, name="checkin_result"),
    path(
        "check-ins/<int:pk>/share/",
        checkins.checkin_sharing,
        {"share": True},
        name="checkin_share",
    ),
    path(
        "check-ins/<int:pk>/stop-sharing/",
        checkins.checkin_sharing,
        {"share": False},
        name="checkin_unshare",
    ),
    path("check-ins/shared-with-me/", checkins.shared_checkins, name="shared_checkins"),
    path(
        "check-ins/shared-with-me/<int:pk>/",
        checkins.shared_checkin_detail,
        name="shared_checkin_detail",
    ),
    path("check-ins/invitations/", reminders.checkin_invitations, name="checkin_invitations"),
    # A programme's support directory: read by members, kept by coordinators.
    path(f"{programme}/support-directory/", directory.directory, name="directory"),
    path(f"{manage}/support-directory/", directory.directory_manage, name="directory_manage"),
    path(
        f"{manage}/support-directory/<int:pk>/",
        directory.directory_service_edit,
        name="directory_service_edit",
    ),
    path(
        f"{manage}/support-directory/<int:pk>/delete/",
        directory.directory_service_delete,
        name="directory_service_delete",
    ),
    path(
        f"{manage}/support-directory/<int:pk>/move/",
        directory.directory_service_move,
        name="directory_service_move",
    ),
    # Check-in figures for coordinators: aggregates only.
    path(f"{manage}/wellbeing/", aggregates.aggregates, name="aggregates"),
    # Asking for contact, the welfare leads' inbox and referrals.
    path(f"{programme}/contact-me/", support.support_request_create, name="support_request_create"),
    path("support-requests/", support.support_request_list, name="support_requests"),
    path(
        "support-requests/<int:pk>/",
        support.support_request_detail,
        name="support_request_detail",
    ),
    path(
        "support-requests/<int:pk>/status/",
        support.support_request_update,
        name="support_request_update",
    ),
    path(
        "referrals/new/<int:mentorship_pk>/",
        support.referral_create,
        name="referral_create",
    ),
    path("referrals/<int:pk>/", support.referral_respond, name="referral_respond"),
    # A person's privacy rights.
    path("access-log/", privacy.access_log, name="access_log"),
    path("my-data/", privacy.my_data, name="my_data"),
    path("my-data/download/", privacy.data_export, name="data_export"),
    path("my-data/close-account/", privacy.account_close, name="account_close"),
]
