from __future__ import annotations

from django.urls import path

from . import views

app_name = "programmes"

# `home` is the site's front page, outside the namespace (see mentoring/urls.py).
urlpatterns = [
    path("programmes/", views.programme_list, name="list"),
    path("programmes/new/", views.programme_create, name="create"),
    path("programmes/applications/", views.my_applications, name="my_applications"),
    path("programmes/<slug:slug>/", views.programme_detail, name="detail"),
    path("programmes/<slug:slug>/manage/", views.programme_manage, name="manage"),
]
