from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mentoring.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.account import signals as allauth_signals
        from django.core.signals import setting_changed

        from mentoring import fields

        from . import privacy, signals, throttle

        # The records this app holds in a person's download and account closure.
        privacy.register()

        signals.connect()
        # Encrypted fields cache their keys; a test that overrides them must reset them.
        setting_changed.connect(fields.keys_changed, dispatch_uid="fields-encryption-keys")
        # Sign-in throttling: security counters in the database, lifted by the owner.
        throttle.use_security_cache()
        allauth_signals.password_reset.connect(
            throttle.lift_after_password_reset, dispatch_uid="throttle-password-reset"
        )
        allauth_signals.user_logged_in.connect(
            throttle.lift_after_sign_in_code, dispatch_uid="throttle-sign-in-code"
        )
