"""Invitations to a private wellbeing check-in, at the programme's cadence, for those who asked.

The kind is opt-in (`default_channel="off"`): turning it on writes the first invitation
(due a cadence after the person's last check-in or last invitation, else now), and each
invitation that goes writes the next one (`after_send`). So there is one waiting row per
person who opted in, and no sweep scans everyone. Each invitation re-checks, when it is
about to go, that the person still wants it, is still a mentor or mentee of a running
programme, and has not checked in recently (then it waits until a cadence after that).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Min, PositiveSmallIntegerField, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from mentoring.notifications import preferences, registry, services
from mentoring.notifications.models import Notification, NotificationPreference
from programmes.models import Membership, Programme

from .models import CheckIn, WellbeingSettings
from .services.checkins import CHECKIN_ROLES

KIND = "wellbeing_checkin_invitation"
Channel = NotificationPreference.Channel
Status = Notification.Status
OPTED_IN = (Channel.EMAIL, Channel.DIGEST)
# Programmes whose members are invited: a draft has not started, a closed one has ended.
LIVE_PROGRAMMES = (Programme.Status.OPEN, Programme.Status.RUNNING)
DEFAULT_CADENCE_DAYS = WellbeingSettings._meta.get_field("checkin_cadence_days").default
WAITING = (Status.PENDING, Status.LEASED)
DELIVERED = (Status.SENT, Status.DIGEST, Status.DIGESTED, Status.MUTED)


def _subject(user_id: int) -> str:
    return f"accounts.user:{user_id}"


def _occurrence(due: dt.datetime, user) -> str:
    """The day the invitation is for, in the person's own zone."""
    return due.astimezone(user.zone).date().isoformat()


def cadence_for(user_id: int) -> int | None:
    """Days between invitations: the shortest cadence of the person's running programmes.

    None when they are no longer a mentor or mentee of any open or running programme.
    A programme whose coordinators never changed the wellbeing settings has the default.
    """
    mine = Membership.objects.active().filter(user_id=user_id, role__in=CHECKIN_ROLES)
    cadence = Coalesce(
        "wellbeing_settings__checkin_cadence_days",
        Value(DEFAULT_CADENCE_DAYS, output_field=PositiveSmallIntegerField()),
    )
    return Programme.objects.filter(
        pk__in=mine.values("programme_id"), status__in=LIVE_PROGRAMMES
    ).aggregate(days=Min(cadence))["days"]


def last_checkin_at(user_id: int) -> dt.datetime | None:
    # Only the time, never the answers; any programme counts: wellbeing is the person's.
    return (
        CheckIn.objects.filter(user_id=user_id)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def _last_invited_at(user_id: int) -> dt.datetime | None:
    return Notification.objects.filter(
        kind=KIND, subject_key=_subject(user_id), recipient_id=user_id, status__in=DELIVERED
    ).aggregate(at=Max("delivered_at"))["at"]


def next_invitation_at(*, user_id: int, cadence: int, now: dt.datetime) -> dt.datetime:
    """A cadence after the last check-in or invitation, or now if that has passed.

    Counting the last invitation too means turning the switch off and on again does not
    send a second invitation within the cadence.
    """
    times = [t for t in (last_checkin_at(user_id), _last_invited_at(user_id)) if t]
    if not times:
        return now
    return max(max(times) + dt.timedelta(days=cadence), now)


def _schedule(*, user, due: dt.datetime) -> None:
    occurrence = _occurrence(due, user)
    services.notification_schedule(
        kind=KIND,
        subject=_subject(user.pk),
        recipient_id=user.pk,
        due_at=due,
        occurrence=occurrence,
    )
    # An invitation for the same day, cancelled when the person turned it off, comes back.
    Notification.objects.filter(
        kind=KIND,
        subject_key=_subject(user.pk),
        recipient_id=user.pk,
        occurrence=occurrence,
        status=Status.CANCELLED,
    ).update(status=Status.PENDING, due_at=due)


def checkin_invitations_start(*, user, now: dt.datetime | None = None) -> bool:
    """Write the person's first invitation unless one is waiting; True if one was written.

    Call it in the transaction that opts the person in (the switch, the settings page).
    """
    now = now or timezone.now()
    waiting = Notification.objects.filter(
        kind=KIND, subject_key=_subject(user.pk), recipient_id=user.pk, status__in=WAITING
    )
    if waiting.exists():
        return False
    cadence = cadence_for(user.pk)
    if cadence is None:
        return False
    _schedule(user=user, due=next_invitation_at(user_id=user.pk, cadence=cadence, now=now))
    return True


def checkin_invitations_stop(*, user_id: int) -> int:
    """Cancel the person's waiting invitation (one already claimed re-checks and stops)."""
    return services.notifications_cancel(
        subject=_subject(user_id), kinds=[KIND], recipient_id=user_id
    )


@transaction.atomic
def checkin_invitations_set(*, user, on: bool) -> None:
    """The check-in page's switch: opt in (keeping a weekly-digest choice) or out.

    Saving the choice starts or stops the invitations, through the kind's `on_preference`
    hook, as the reminder settings page and an unsubscribe link do.
    """
    current = preferences.preference_for(user.pk, KIND)
    keep = current if current in OPTED_IN else Channel.EMAIL
    preferences.preferences_update(user=user, channels={KIND: keep if on else Channel.OFF})


def checkin_invitations_changed(*, user_id: int, channel: str) -> None:
    """React to a saved choice (the switch, the settings page, an unsubscribe link).

    Called by the notifications layer in the transaction that saved the choice.
    """
    if channel not in OPTED_IN:
        checkin_invitations_stop(user_id=user_id)
        return
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        checkin_invitations_start(user=user)


@dataclass(frozen=True)
class InvitationSwitch:
    """What the check-in page's switch shows."""

    on: bool
    channel: str
    cadence_days: int | None


def invitation_switch_for(*, user) -> InvitationSwitch:
    channel = preferences.preference_for(user.pk, KIND)
    return InvitationSwitch(
        on=channel in OPTED_IN, channel=channel, cadence_days=cadence_for(user.pk)
    )


# --- The kind ---------------------------------------------------------------------------


def _render(n: Notification) -> registry.Message | registry.Defer | None:
    if preferences.preference_for(n.recipient_id, KIND) not in OPTED_IN:
        return None  # turned off since: the chain ends here
    cadence = cadence_for(n.recipient_id)
    if cadence is None:
        return None  # no longer a mentor or mentee of a running programme
    last = last_checkin_at(n.recipient_id)
    if last is not None and last + dt.timedelta(days=cadence) > timezone.now():
        return registry.Defer(until=last + dt.timedelta(days=cadence))
    # No answers, scores or dates of past check-ins: only an invitation and a link.
    return registry.Message(
        template="checkin_invitation",
        context={"cadence_days": cadence},
        url=reverse("wellbeing:checkin_create"),
    )


def _schedule_next(n: Notification) -> None:
    """Chain: the next invitation, a cadence after this one went."""
    cadence = cadence_for(n.recipient_id)
    if cadence is None:
        return
    due = max(n.due_at, timezone.now()) + dt.timedelta(days=cadence)
    _schedule(user=n.recipient, due=due)


CHECKIN_INVITATION = registry.Kind(
    name=KIND,
    label="Invitations to a wellbeing check-in",
    render=_render,
    optional=True,
    audience="member",
    help_text=(
        "A private invitation to check in, as often as your programme suggests. "
        "Your answers are never in the email."
    ),
    default_channel=Channel.OFF,
    after_send=_schedule_next,
    on_preference=lambda user_id, channel: checkin_invitations_changed(
        user_id=user_id, channel=channel
    ),
)


def register() -> None:
    registry.register_kind(CHECKIN_INVITATION)
