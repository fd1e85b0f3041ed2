from __future__ import annotations

from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import reminders

        reminders.register()
