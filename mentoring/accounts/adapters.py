"""How allauth talks to the rest of the site: emails, sign-up and stored MFA secrets."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives

from mentoring.notifications.emails import html_from_text


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
