from __future__ import annotations

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import privacy, receivers, reminders

        # The records this app holds in a person's download and account closure.
        privacy.register()

        receivers.connect()
        reminders.register()
