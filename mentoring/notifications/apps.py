from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mentoring.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import privacy, registry
        from .services import DIGEST

        # The records this app holds in a person's download and account closure.
        privacy.register()

        registry.register_kind(DIGEST)
