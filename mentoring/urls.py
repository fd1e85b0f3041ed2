from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from mentoring.accounts import views as accounts_views
from programmes.views import programmes as programmes_views

from . import views

urlpatterns = [
    path("", programmes_views.home, name="home"),
    path("", include("programmes.urls")),
    path("", include("matching.urls")),
    path("", include("sessions.urls")),
    path("wellbeing/", include("wellbeing.urls")),
    # allauth's TOTP set-up, extended to return the person to `?next=` (before allauth's URLs).
    path("accounts/2fa/totp/activate/", accounts_views.totp_activate, name="mfa_activate_totp"),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("mentoring.accounts.urls")),
    path("notifications/", include("mentoring.notifications.urls")),
    path(
        "support/",
        TemplateView.as_view(template_name="support.html"),
        name="support",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("csp-report/", views.csp_report, name="csp_report"),
    path("admin/", admin.site.urls),
]
