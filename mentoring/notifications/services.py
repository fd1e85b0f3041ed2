from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import Delivery


def delivery_claim(*, kind: str, object_key: str, recipient_id: int, period: str = "") -> bool:
    """Claim the right to send one message; False if it was already claimed."""
    try:
        with transaction.atomic():
            Delivery.objects.create(
                kind=kind, object_key=object_key, recipient_id=recipient_id, period=period
            )
    except IntegrityError:
        return False
    return True
