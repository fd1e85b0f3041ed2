from __future__ import annotations

from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mentoring.accounts import session_policy

        from . import reminders, selectors

        reminders.register()
        session_policy.register_privileged_check(selectors.holds_privileged_role)
