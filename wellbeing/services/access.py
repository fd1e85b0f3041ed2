"""The access log: every read of another person's confidential record is written down.

The person the record is about sees these rows (who, what, when). Reading your own
record is not logged: there is nothing for you to be told.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ..models import AccessLog

CHECKIN = "check-in"
# The owner's own sharing decisions are logged too, so the list shows when a mentor's
# access began and ended.
SHARED = "shared"
STOPPED_SHARING = "stopped sharing"
SUPPORT_REQUEST = "support request"
RECORD_TYPES = (CHECKIN, SUPPORT_REQUEST)


def _check_type(record_type: str) -> None:
    if record_type not in RECORD_TYPES:
        raise ValueError(f"Unknown confidential record type: {record_type!r}")


@transaction.atomic
def access_record(*, actor, subject, record_type: str, record_id: int) -> AccessLog | None:
    """Log that `actor` viewed `subject`'s record; None when they read their own."""
    _check_type(record_type)
    subject_id = getattr(subject, "pk", subject)
    if actor.pk == subject_id:
        return None
    return AccessLog.objects.create(
        actor=actor, subject_id=subject_id, record_type=record_type, record_id=record_id
    )


@transaction.atomic
def access_record_many(*, actor, record_type: str, records: Iterable) -> list[AccessLog]:
    """Log the reads of a page of records in one query (each record has `pk`, `user_id`)."""
    _check_type(record_type)
    rows = [
        AccessLog(actor=actor, subject_id=r.user_id, record_type=record_type, record_id=r.pk)
        for r in records
        if r.user_id != actor.pk
    ]
    return AccessLog.objects.bulk_create(rows) if rows else []


@transaction.atomic
def access_sharing_changed(*, owner, record_id: int, shared: bool) -> AccessLog:
    """Log that the owner started or stopped sharing their check-in with their mentor."""
    return AccessLog.objects.create(
        actor=owner,
        subject=owner,
        record_type=CHECKIN,
        record_id=record_id,
        action=SHARED if shared else STOPPED_SHARING,
    )
