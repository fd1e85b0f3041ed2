from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Application, ApplicationQuestion, Invitation, Membership, Programme
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", [Programme, Membership, ApplicationQuestion, Application, Invitation]
)
def test_staff_can_maintain_programme_records_in_the_admin(client, programme, mentor, model):
    ApplicationFactory(programme=programme)
    ApplicationQuestion.objects.create(programme=programme, text="Why now?")
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    opts = model._meta

    assert (
        client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code
        == 200
    )
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == (403 if model is Invitation else 200)
    obj = model.objects.first()
    if obj is not None:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert client.get(url).status_code == 200


def test_the_admin_never_shows_an_invitations_token_hash(client, programme):
    invitation = Invitation.objects.create(
        programme=programme,
        email="invitee@example.org",
        role="mentee",
        token_hash="a" * 64,
        expires_at=timezone.now() + dt.timedelta(days=14),
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:programmes_invitation_change", args=[invitation.pk])
    body = client.get(url).content.decode()
    assert "invitee@example.org" in body
    assert "token_hash" not in body and "a" * 64 not in body
