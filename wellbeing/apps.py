from __future__ import annotations

from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "wellbeing"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Wellbeing"

    def ready(self) -> None:
        from . import privacy, reminders

        # The records this app holds in a person's download and account closure.
        privacy.register()

        reminders.register()
