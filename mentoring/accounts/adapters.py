"""How allauth talks to the rest of the site: emails, sign-up and stored MFA secrets."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.urls import reverse

from mentoring.accounts import security_log, throttle
from mentoring.notifications.emails import html_from_text

from .services import email_change_undo_token


def _site_context() -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
    }


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many unsuccessful sign-in attempts. For your security, sign-in is paused "
            "for a few minutes: please try again later, or reset your password."
        ),
        # Sign-in throttling (mentoring/accounts/throttle.py).
        "sign_in_paused_from_address": (
            "Too many unsuccessful sign-in attempts for this account from your network. For "
            "your security, signing in with a password is paused here for up to 15 minutes: "
            "please try again later, ask for a sign-in code by email, or reset your password."
        ),
        "sign_in_paused_for_account": (
            "Too many unsuccessful sign-in attempts for this account. For your security, "
            "signing in with a password is paused: ask for a sign-in code by email, or "
            "reset your password, and you can sign in again at once."
        ),
        "email_password_mismatch": "The email address or password is not right.",
    }

    def render_mail(self, template_prefix, email, context, headers=None) -> EmailMessage:
        """Every email has a plain-text and an HTML part.

        allauth ships text templates only; where we have no HTML template of our
        own, the text is laid into the site's HTML email layout.
        """
        context = {**_site_context(), **context}
        msg = super().render_mail(template_prefix, email, context, headers=headers)
        if isinstance(msg, EmailMultiAlternatives) and msg.alternatives:
            return msg
        alt = EmailMultiAlternatives(
            subject=msg.subject,
            body=msg.body,
            from_email=msg.from_email,
            to=msg.to,
            headers=msg.extra_headers,
        )
        alt.attach_alternative(html_from_text(msg.body, subject=msg.subject), "text/html")
        return alt

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        """allauth's security notices; the email-changed one, sent to the old address, can undo.

        Whoever changed the address may hold the session, so the old address gets a
        signed, time-limited link that restores it and signs everyone out.
        """
        changed = template_prefix == "account/email/email_changed"
        if changed and context and context.get("from_email"):
            token = email_change_undo_token(
                user=user, old_email=context["from_email"], new_email=context["to_email"]
            )
            context = {
                **context,
                "undo_url": settings.SITE_URL
                + reverse("accounts:email_change_undo", kwargs={"token": token}),
                "undo_days": settings.EMAIL_CHANGE_UNDO_DAYS,
            }
        super().send_notification_mail(template_prefix, user, context=context, email=email)

    # --- Sign-in throttling: allauth's per-IP and per-email counting is replaced by
    # mentoring/accounts/throttle.py (per address and account, then per account). ---
    def pre_authenticate(self, request, **credentials):
        try:
            self._sign_in_attempt = throttle.sign_in_attempt(
                request, email=credentials.get("email", "")
            )
        except throttle.SignInPaused as paused:
            security_log.login_paused(
                request, typed=credentials.get("email", ""), scope=paused.scope.value
            )
            raise self.validation_error(f"sign_in_paused_{paused.scope.value}") from None

    def authenticate(self, request, **credentials):
        self._sign_in_attempt = None
        user = super().authenticate(request, **credentials)
        if user and self._sign_in_attempt:
            self._sign_in_attempt.succeeded()
        return user

    def send_mail(self, template_prefix, email, context) -> None:
        """Put allauth's messages (confirmations, resets, security notices) in the outbox.

        The row is written now and the worker sends it, so a mail outage never fails a
        sign-up or a password reset; these are sent whatever the person's reminder choices.
        """
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        from mentoring.notifications.emails import email_queue

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        msg = self.render_mail(template_prefix, email, ctx)
        email_queue(msg, name=template_prefix, recipient=context.get("user"))

    def save_user(self, request, user, form, commit=True):
        # The full name is set before the first save, so no account exists without one.
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "").strip()
        if commit:
            user.save()
        return user


class MFAAdapter(DefaultMFAAdapter):
    """Keep TOTP secrets and recovery-code seeds encrypted at rest.

    allauth stores them in the clear by default; we use the same keys as the
    encrypted model fields (FIELD_ENCRYPTION_KEYS, newest first, so they rotate together).
    """

    def _fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(k.encode()) for k in settings.FIELD_ENCRYPTION_KEYS])

    def encrypt(self, text: str) -> str:
        return self._fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return self._fernet().decrypt(encrypted_text.encode()).decode()
