from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.core.mail import EmailMultiAlternatives

from mentoring.notifications.emails import html_from_text


class AccountAdapter(DefaultAccountAdapter):
    def render_mail(self, template_prefix, email, context, headers=None):
        """Every email has a plain-text and an HTML part.

        allauth ships text templates only; where we have no HTML template of our
        own, the text is laid into the site's HTML email layout.
        """
        msg = super().render_mail(template_prefix, email, context, headers=headers)
        if isinstance(msg, EmailMultiAlternatives) and msg.alternatives:
            return msg
        html = html_from_text(msg.body, subject=msg.subject)
        alt = EmailMultiAlternatives(
            subject=msg.subject,
            body=msg.body,
            from_email=msg.from_email,
            to=msg.to,
            headers=msg.extra_headers,
        )
        alt.attach_alternative(html, "text/html")
        return alt

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "").strip()
        if commit:
            user.save()
        return user
