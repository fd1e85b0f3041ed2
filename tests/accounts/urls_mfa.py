"""The site's URLs plus a stand-in coordinator page, to test `coordinator_required` alone."""

from __future__ import annotations

from django.urls import include, path

from tests.accounts.test_mfa import coordinator_probe

urlpatterns = [
    path("mfa-probe/<slug:slug>/", coordinator_probe, name="mfa_probe"),
    path("", include("mentoring.urls")),
]
