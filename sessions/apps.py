from __future__ import annotations

from django.apps import AppConfig


class MentoringSessionsConfig(AppConfig):
    # `sessions` is django.contrib.sessions' label; ours must differ.
    name = "sessions"
    label = "mentoring_sessions"
    verbose_name = "Meetings and session notes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import privacy, receivers, reminders

        # The records this app holds in a person's download and account closure.
        privacy.register()

        receivers.connect()
        reminders.register()
