from __future__ import annotations

from django.urls import path

from .views import mentors, mentorships, requests, runs, settings

app_name = "matching"

programme = "programmes/<slug:slug>"
manage = f"{programme}/manage/matching"
mentor = f"{programme}/mentors/<int:mentor_id>"

urlpatterns = [
    # The signed-in person's own mentoring, across programmes.
    path("mentoring/", mentorships.my_mentoring, name="my_mentoring"),
    path("mentoring/mentorships/", mentorships.mentorship_list, name="mentorship_list"),
    path(
        "mentoring/mentorships/<int:pk>/",
        mentorships.mentorship_detail,
        name="mentorship_detail",
    ),
    path(
        "mentoring/mentorships/<int:pk>/introduction/",
        mentorships.introduction_respond,
        name="introduction_respond",
    ),
    path(
        "mentoring/mentorships/<int:pk>/pause/",
        mentorships.mentorship_pause,
        name="mentorship_pause",
    ),
    path(
        "mentoring/mentorships/<int:pk>/resume/",
        mentorships.mentorship_resume,
        name="mentorship_resume",
    ),
    path(
        "mentoring/mentorships/<int:pk>/close/",
        mentorships.mentorship_close,
        name="mentorship_close",
    ),
    path(
        "mentoring/mentorships/<int:pk>/review/",
        mentorships.closing_review,
        name="closing_review",
    ),
    path("mentoring/requests/", requests.my_requests, name="my_requests"),
    path("mentoring/requests/to-me/", requests.requests_to_me, name="requests_to_me"),
    path("mentoring/requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path(
        "mentoring/requests/<int:pk>/respond/",
        requests.request_respond,
        name="request_respond",
    ),
    path(
        "mentoring/requests/<int:pk>/withdraw/",
        requests.request_withdraw,
        name="request_withdraw",
    ),
    # Mentees choosing a mentor; mentors' own settings.
    path(f"{programme}/mentors/", mentors.directory, name="directory"),
    path(f"{mentor}/", mentors.mentor_detail, name="mentor_detail"),
    path(f"{mentor}/request/", mentors.request_create, name="request_create"),
    path(f"{mentor}/conflict/", mentors.conflict_declare, name="conflict_declare"),
    path(f"{programme}/mentor-settings/", mentors.mentor_settings, name="mentor_settings"),
    # Coordinators: matching settings and runs.
    path(f"{manage}/settings/", settings.settings_edit, name="settings"),
    path(f"{manage}/", runs.run_list, name="runs"),
    path(f"{manage}/run/", runs.run_create, name="run_create"),
    path(f"{manage}/runs/<int:pk>/", runs.run_detail, name="run_detail"),
    path(
        f"{manage}/runs/<int:pk>/pairs/<int:pair_pk>/",
        runs.pair_action,
        name="pair_action",
    ),
    path(f"{manage}/runs/<int:pk>/rerun/", runs.run_rerun, name="run_rerun"),
    path(f"{manage}/runs/<int:pk>/publish/", runs.run_publish, name="run_publish"),
]
