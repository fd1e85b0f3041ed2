"""The delivery log: claiming a message before sending it makes sweeps safe to re-run."""

from __future__ import annotations

import pytest

from mentoring.notifications.models import Delivery
from mentoring.notifications.services import delivery_claim

pytestmark = pytest.mark.django_db


def test_the_first_claim_wins_and_a_repeat_is_refused(outsider):
    claim = {"kind": "reminder", "object_key": "meeting:7", "recipient_id": outsider.pk}
    assert delivery_claim(**claim, period="2026-11-21") is True
    assert delivery_claim(**claim, period="2026-11-21") is False
    assert Delivery.objects.count() == 1


def test_a_new_period_object_or_kind_is_a_new_claim(outsider, mentor):
    base = {"kind": "reminder", "object_key": "meeting:7", "period": "2026-11-21"}
    assert delivery_claim(**base, recipient_id=outsider.pk)
    assert delivery_claim(**{**base, "period": "2026-11-28"}, recipient_id=outsider.pk)
    assert delivery_claim(**{**base, "object_key": "meeting:8"}, recipient_id=outsider.pk)
    assert delivery_claim(**{**base, "kind": "follow_up"}, recipient_id=outsider.pk)
    assert delivery_claim(**base, recipient_id=mentor.pk)
    assert Delivery.objects.count() == 5


def test_a_refused_claim_leaves_the_surrounding_transaction_usable(outsider):
    claim = {"kind": "reminder", "object_key": "meeting:7", "recipient_id": outsider.pk}
    delivery_claim(**claim)
    assert delivery_claim(**claim) is False
    # The IntegrityError was contained in a savepoint: the connection still works.
    assert Delivery.objects.filter(recipient=outsider).count() == 1
