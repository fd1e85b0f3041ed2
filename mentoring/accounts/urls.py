from __future__ import annotations

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile_detail, name="profile"),
    path("edit/", views.profile_edit, name="profile_edit"),
    path("preferences/", views.preferences_edit, name="preferences"),
    path(
        "email-change/undo/<str:token>/",
        views.email_change_undo_view,
        name="email_change_undo",
    ),
]
