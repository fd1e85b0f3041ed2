from __future__ import annotations

from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mentoring.accounts import session_policy
        from mentoring.notifications import registry

        from . import privacy, reminders, selectors
        from .services.invitations import invitation_email_render

        # The records this app holds in a person's download and account closure.
        privacy.register()

        reminders.register()
        session_policy.register_privileged_check(selectors.holds_privileged_role)
        # Invitations are rendered by the worker as they are sent (imports return at once).
        registry.register_email_renderer("invitation", invitation_email_render)
