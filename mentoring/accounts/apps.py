from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mentoring.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals

        signals.connect()
