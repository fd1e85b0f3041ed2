from __future__ import annotations

from django.urls import path

from .views import applications, invitations, programmes

app_name = "programmes"

# The site's front page (`home`) is wired in mentoring/urls.py, outside this namespace.
manage = "programmes/<slug:slug>/manage"

urlpatterns = [
    # Browsing and running a programme.
    path("programmes/", programmes.programme_list, name="list"),
    path("programmes/new/", programmes.programme_create, name="create"),
    path("programmes/applications/", applications.my_applications, name="my_applications"),
    path(
        "programmes/applications/<int:pk>/withdraw/",
        applications.application_withdraw,
        name="application_withdraw",
    ),
    path("programmes/<slug:slug>/", programmes.programme_detail, name="detail"),
    path(
        "programmes/<slug:slug>/apply/<str:role>/",
        applications.application_create,
        name="apply",
    ),
    path(f"{manage}/", programmes.programme_manage, name="manage"),
    path(f"{manage}/settings/", programmes.programme_edit, name="edit"),
    path(f"{manage}/status/", programmes.programme_status, name="status"),
    path(f"{manage}/team/", programmes.team, name="team"),
    path(
        f"{manage}/team/<int:membership_id>/remove/",
        programmes.team_remove,
        name="team_remove",
    ),
    path(f"{manage}/questions/", programmes.questions, name="questions"),
    path(f"{manage}/questions/<int:pk>/", programmes.question_edit, name="question_edit"),
    path(
        f"{manage}/questions/<int:pk>/delete/",
        programmes.question_delete,
        name="question_delete",
    ),
    # Applications: the review queue and decisions.
    path(f"{manage}/applications/", applications.review_queue, name="review"),
    path(
        f"{manage}/applications/<int:pk>/",
        applications.application_detail,
        name="application_detail",
    ),
    path(
        f"{manage}/applications/<int:pk>/decide/",
        applications.application_decide,
        name="application_decide",
    ),
    path(f"{manage}/members/", applications.member_list, name="members"),
    # Invitations.
    path(f"{manage}/invitations/", invitations.invitation_list, name="invitations"),
    path(
        f"{manage}/invitations/upload/",
        invitations.invitation_upload,
        name="invitation_upload",
    ),
    path(
        f"{manage}/invitations/<int:pk>/revoke/",
        invitations.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
]
