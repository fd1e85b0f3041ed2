"""The reminder machinery: schedule rows, claim the due ones, deliver each exactly once.

The life of a row: PENDING -> (claimed by `notifications_dispatch`) LEASED -> SENT,
or DIGEST/MUTED when the person asked for a weekly digest or no email, or CANCELLED
when the kind's `render` finds it no longer needed, or back to PENDING (quiet hours,
a deferral, a failed send with back-off), or DEAD after too many attempts.

Every transition out of LEASED is a conditional update on (id, status, lease token):
a task holding an old lease (its worker was killed, its lease ran out and the row was
claimed again) changes nothing. The one window that cannot be closed is between the
mail server accepting a message and the row being marked SENT: a worker killed exactly
there sends the message again when the lease runs out (README, "Reminders").
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from . import registry
from .emails import EMAIL_KIND_PREFIX, build_email, message_for
from .models import Notification, NotificationPreference
from .preferences import ALL_OPTIONAL, preference_for, unsubscribe_token

log = logging.getLogger(__name__)

Status = Notification.Status
Channel = NotificationPreference.Channel

DIGEST_KIND = "digest"
DIGEST_MAX_ITEMS = 100  # in one weekly digest, oldest first; the rest wait for the next
RETRY_FIRST_DELAY = dt.timedelta(minutes=1)  # a failed send waits 1, 2, 4, 8... minutes
RETRY_DELAY_FACTOR = 2


def subject_key(obj: models.Model) -> str:
    """The key a row uses for what it is about: "<app_label>.<model>:<pk>"."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def subject_pk(notification: Notification) -> int:
    return int(notification.subject_key.rsplit(":", 1)[1])


# --- Scheduling ------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    kind: str
    subject_key: str
    recipient_id: int
    due_at: dt.datetime
    occurrence: str = ""


def notifications_schedule(dues: Iterable[Due]) -> int:
    """Write rows for reminders; a row that already exists is left as it is.

    Call it inside the transaction of the change that makes the reminder due, so the
    reminder exists exactly when the change does. Returns how many rows were offered.
    """
    rows = [
        Notification(
            kind=d.kind,
            subject_key=d.subject_key,
            recipient_id=d.recipient_id,
            occurrence=d.occurrence,
            due_at=d.due_at,
        )
        for d in dues
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def notification_schedule(
    *,
    kind: str,
    subject: models.Model | str,
    recipient_id: int,
    due_at: dt.datetime,
    occurrence: str = "",
) -> None:
    key = subject if isinstance(subject, str) else subject_key(subject)
    notifications_schedule([Due(kind, key, recipient_id, due_at, occurrence)])


def notifications_cancel(
    *,
    subject: models.Model | str,
    kinds: Iterable[str] | None = None,
    recipient_id: int | None = None,
) -> int:
    """Cancel the waiting reminders about a subject (a meeting cancelled, a request answered).

    Rows already claimed are caught by their kind's re-check before they are sent.
    """
    key = subject if isinstance(subject, str) else subject_key(subject)
    rows = Notification.objects.filter(subject_key=key, status=Status.PENDING)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    if recipient_id is not None:
        rows = rows.filter(recipient_id=recipient_id)
    return rows.update(status=Status.CANCELLED)


# --- Claiming and dispatching -------------------------------------------------------


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)


def notifications_claim(
    *,
    now: dt.datetime | None = None,
    limit: int = 200,
    kinds: Iterable[str] | None = None,
    ids: Iterable[int] | None = None,
) -> tuple[str, list[int]]:
    """Lease up to `limit` due rows (and rows whose lease ran out) to one new token.

    With `ids`, only those rows (the emails a request has just written).

    `skip_locked` lets two dispatchers run at once: each takes rows the other has not
    locked, and the lease keeps a row from being claimed again while it is being sent.
    """
    now = now or timezone.now()
    token = uuid.uuid4()
    due = Q(status=Status.PENDING, due_at__lte=now) | Q(status=Status.LEASED, lease_until__lt=now)
    rows = Notification.objects.filter(due)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    with transaction.atomic():
        ids = list(
            rows.select_for_update(skip_locked=True)
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Notification.objects.filter(pk__in=ids).update(
                status=Status.LEASED, lease_token=token, lease_until=now + _lease()
            )
    return str(token), ids


def _enqueue(notification_id: int, token: str) -> None:
    from .tasks import deliver

    deliver.apply_async(args=[notification_id, token])


def notifications_dispatch(
    *,
    now: dt.datetime | None = None,
    enqueue: Callable[[int, str], None] | None = None,
    kinds: Iterable[str] | None = None,
    chunk: int = 200,
    max_rows: int = 5000,
    ids: Iterable[int] | None = None,
) -> int:
    """Claim due rows in chunks and hand each to a delivery task; returns how many.

    With `ids`, only those rows: the hand-off of the emails a change has just written.

    If the broker is unreachable the rows stay leased; when the lease runs out the next
    dispatch claims them again, so nothing is lost while Redis is down or flushed.
    """
    enqueue = enqueue or _enqueue
    kinds = list(kinds) if kinds is not None else None
    only = list(ids) if ids is not None else None
    handed = 0
    while handed < max_rows:
        token, claimed = notifications_claim(now=now, limit=chunk, kinds=kinds, ids=only)
        if not claimed:
            break
        try:
            for pk in claimed:
                enqueue(pk, token)
                handed += 1
        except Exception:  # the broker is down: leases will run out and rows be reclaimed
            log.warning(
                "could not hand reminders to the broker; they will be retried", exc_info=True
            )
            break
    return handed


# --- Delivering ---------------------------------------------------------------------


def _finish(n: Notification, token: str, **changes) -> bool:
    """Move a leased row on, only if it is still leased to `token`."""
    changes.setdefault("lease_token", None)
    changes.setdefault("lease_until", None)
    return bool(
        Notification.objects.filter(pk=n.pk, status=Status.LEASED, lease_token=token).update(
            **changes
        )
    )


def _retry_or_die(n: Notification, token: str, error: str, now: dt.datetime) -> str:
    if n.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        log.error("reminder %s is dead after %s attempts: %s", n.pk, n.attempts, error)
        _finish(n, token, status=Status.DEAD, last_error=error)
        return "dead"
    backoff = RETRY_FIRST_DELAY * RETRY_DELAY_FACTOR**n.attempts
    _finish(n, token, status=Status.PENDING, due_at=now + backoff, last_error=error)
    return "retry"


def quiet_hours_end(user, now: dt.datetime) -> dt.datetime | None:
    """The next 07:00 in the person's zone if it is now between 21:00 and 07:00 there."""
    start, end = settings.NOTIFICATIONS_QUIET_HOURS
    zone = user.zone
    local = now.astimezone(zone)
    if end <= local.hour < start:
        return None
    day = local.date() if local.hour < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(end), tzinfo=zone).astimezone(dt.UTC)


def notification_deliver(
    *, notification_id: int, token: str, now: dt.datetime | None = None
) -> str:
    """Re-check one claimed row and send it; returns what happened, for logs and tests."""
    now = now or timezone.now()
    # Count the attempt first, so a message that kills its worker every time is capped, and
    # renew the lease: a task that starts late in its lease must not outlive it while a new
    # claim sends the same reminder. A task whose lease already ran out leaves the row alone.
    counted = Notification.objects.filter(
        pk=notification_id, status=Status.LEASED, lease_token=token, lease_until__gt=now
    ).update(attempts=F("attempts") + 1, lease_until=now + _lease())
    if not counted:
        return "not-ours"
    n = Notification.objects.select_related("recipient").get(pk=notification_id)
    if n.attempts > settings.NOTIFICATIONS_MAX_ATTEMPTS:
        _finish(n, token, status=Status.DEAD, last_error="too many attempts")
        return "dead"
    if n.recipient_id is not None and not n.recipient.is_active:
        _finish(n, token, status=Status.CANCELLED, message=None)
        return "cancelled"
    if n.kind.startswith(EMAIL_KIND_PREFIX):
        return _send_rendered(n, token, now)
    kind = registry.kind(n.kind)
    if kind is None:
        _finish(n, token, status=Status.DEAD, last_error=f"unknown kind {n.kind!r}")
        return "dead"
    try:
        outcome = kind.render(n)
    except Exception as exc:  # a bug in one kind must not stop the others
        log.exception("rendering reminder %s failed", n.pk)
        return _retry_or_die(n, token, f"render: {exc!r}", now)
    if outcome is None:
        _finish(n, token, status=Status.CANCELLED)
        return "cancelled"
    if isinstance(outcome, registry.Defer):
        _finish(n, token, status=Status.PENDING, due_at=outcome.until)
        return "deferred"
    return _send(n, token, kind, outcome, now)


def _send(n: Notification, token: str, kind: registry.Kind, message: registry.Message, now) -> str:
    channel = preference_for(n.recipient_id, n.kind) if kind.optional else Channel.EMAIL
    if channel == Channel.EMAIL and kind.optional:
        morning = quiet_hours_end(n.recipient, now)
        if morning is not None:
            _finish(n, token, status=Status.PENDING, due_at=morning)
            return "quiet-hours"
    email = _email(n, kind, message)
    url = Notification.cut_to_fit("url", message.url)
    shown = {"title": _list_title(email.subject), "url": url, "delivered_at": now}
    if channel == Channel.OFF:
        if _finish(n, token, status=Status.MUTED, **shown):
            _after_send(n, kind, now)
        return "muted"
    if channel == Channel.DIGEST:
        with transaction.atomic():
            if _finish(n, token, status=Status.DIGEST, **shown):
                digest_schedule(user=n.recipient, now=now)
                _after_send(n, kind, now)
        return "digest"
    try:
        email.send(fail_silently=False)
    except Exception as exc:
        log.warning("sending reminder %s failed: %r", n.pk, exc)
        return _retry_or_die(n, token, f"send: {exc!r}", now)
    # The unavoidable window: the message has gone; a crash before this line resends it.
    if _finish(n, token, status=Status.SENT, sent_at=timezone.now(), **shown):
        _after_send(n, kind, now)
    else:  # the documented window: another claim may send it too
        log.warning("reminder %s was sent but its lease had been taken over", n.pk)
    return "sent"


def _send_rendered(n: Notification, token: str, now: dt.datetime) -> str:
    """A transactional email: sent as rendered, whatever the person's reminder choices.

    It tells of something that just happened to them or carries a link they are waiting
    for (a sign-in, a reset, an invitation, a calendar invitation), so neither the digest,
    "no email" nor quiet hours apply (README, "Reminders").
    """
    if not n.message:
        _finish(n, token, status=Status.DEAD, last_error="the rendered message is missing")
        return "dead"
    try:
        message = message_for(n.message)
    except Exception as exc:  # a bug in one renderer must not stop the others
        log.exception("rendering email %s failed", n.pk)
        return _retry_or_die(n, token, f"render: {exc!r}", now)
    if message is None:
        _finish(n, token, status=Status.CANCELLED, message=None)
        return "cancelled"
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        log.warning("sending email %s failed: %r", n.pk, exc)
        return _retry_or_die(n, token, f"send: {exc!r}", now)
    title = _list_title(message.subject)
    # The same window as for reminders: the message has gone; a crash here resends it.
    if not _finish(n, token, status=Status.SENT, sent_at=timezone.now(), message=None, title=title):
        log.warning("email %s was sent but its lease had been taken over", n.pk)
    return "sent"


def _list_title(subject: str) -> str:
    """An email's subject as the list of notifications shows it: without the site's name."""
    return Notification.cut_to_fit("title", subject.removeprefix(f"[{settings.SITE_NAME}] "))


def _after_send(n: Notification, kind: registry.Kind, now: dt.datetime) -> None:
    """Whatever way it reached the person (email, digest, app only), the kind's chain goes on."""
    if kind.after_send:
        n.delivered_at = now
        kind.after_send(n)


def _email(n: Notification, kind: registry.Kind, message: registry.Message):
    context = {
        "recipient": n.recipient,
        "page_url": settings.SITE_URL + message.url,
        "settings_url": settings.SITE_URL + reverse("notifications:settings"),
        **message.context,
    }
    headers = {}
    if kind.optional or kind.name == DIGEST_KIND:
        which = ALL_OPTIONAL if kind.name == DIGEST_KIND else kind.name
        url = settings.SITE_URL + reverse(
            "notifications:unsubscribe", args=[unsubscribe_token(n.recipient_id, which)]
        )
        context["unsubscribe_url"] = url
        headers = {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return build_email(message.template, to=[n.recipient.email], context=context, headers=headers)


# --- Weekly digest ------------------------------------------------------------------


WEEKLY_AT = dt.time(8)


def next_monday_morning(user, now: dt.datetime, *, all_of_monday: bool = False) -> dt.datetime:
    """08:00 on the coming Monday in the person's zone, for the weekly digests.

    On a Monday before 08:00 it is that day's. After 08:00 it is the next week's, unless
    `all_of_monday`: a sweep that was down on Monday morning still offers that day's row
    when it comes back (the row is then due at once).
    """
    zone = user.zone
    local = now.astimezone(zone)
    days = (7 - local.weekday()) % 7
    if days == 0 and local.time() >= WEEKLY_AT and not all_of_monday:
        days = 7
    day = local.date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, WEEKLY_AT, tzinfo=zone).astimezone(dt.UTC)


def iso_week(when: dt.datetime, user) -> str:
    """The ISO week of `when` in the person's zone ("2026-W48"): a weekly row's occurrence."""
    year, week, _ = when.astimezone(user.zone).date().isocalendar()
    return f"{year}-W{week:02d}"


def digest_schedule(*, user, now: dt.datetime) -> None:
    """Make sure this person's next weekly digest is waiting (one row per ISO week)."""
    due = next_monday_morning(user, now)
    notification_schedule(
        kind=DIGEST_KIND,
        subject=f"accounts.user:{user.pk}",
        recipient_id=user.pk,
        due_at=due,
        occurrence=iso_week(due, user),
    )


def digest_items(user_id: int) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient_id=user_id, status=Status.DIGEST).order_by(
            "delivered_at", "pk"
        )[:DIGEST_MAX_ITEMS]
    )


def _digest_render(n: Notification) -> registry.Message | None:
    items = digest_items(n.recipient_id)
    if not items:
        return None
    return registry.Message(
        template="reminder_digest",
        context={"items": items, "site_url": settings.SITE_URL},
        url=reverse("notifications:list"),
    )


def _digest_sent(n: Notification) -> None:
    # Only what the digest could have listed: parked before it was rendered.
    ids = [i.pk for i in digest_items(n.recipient_id) if i.delivered_at <= n.delivered_at]
    Notification.objects.filter(pk__in=ids, status=Status.DIGEST).update(status=Status.DIGESTED)


DIGEST = registry.Kind(
    name=DIGEST_KIND,
    label="Weekly digest of the reminders you chose to receive that way",
    render=_digest_render,
    optional=False,
    after_send=_digest_sent,
)


# --- Reading ---------------------------------------------------------------------------


def notifications_mark_read(*, user, notification_id: int | None = None) -> int:
    rows = Notification.objects.visible_to(user).unread()
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


# --- Sweeps ---------------------------------------------------------------------------


def sweeps_run(*, now: dt.datetime | None = None, kind: str | None = None) -> dict[str, int]:
    """Run the registered sweeps (or those for one kind); each is safe to run twice."""
    now = now or timezone.now()
    return {sweep.name: sweep.run(now) for sweep in registry.sweeps(kind)}
