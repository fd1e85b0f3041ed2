"""Store a SHA-256 hash of each calendar feed token instead of the token.

Existing addresses keep working: their tokens are hashed in place. On the way back
the original tokens cannot be recovered, so every feed gets a fresh token (people
subscribe again with the address their calendar page shows once more).
"""

import hashlib
import secrets

from django.db import migrations, models

BATCH = 500


def hash_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("mentoring_sessions", "CalendarFeed")
    feeds = CalendarFeed.objects.filter(token_hash__isnull=True).exclude(token__isnull=True)
    while batch := list(feeds.order_by("pk")[:BATCH]):
        for feed in batch:
            feed.token_hash = hashlib.sha256(feed.token.encode()).hexdigest()
        CalendarFeed.objects.bulk_update(batch, ["token_hash"])


def issue_fresh_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("mentoring_sessions", "CalendarFeed")
    feeds = CalendarFeed.objects.filter(token__isnull=True)
    while batch := list(feeds.order_by("pk")[:BATCH]):
        for feed in batch:
            feed.token = secrets.token_urlsafe(32)
        CalendarFeed.objects.bulk_update(batch, ["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring_sessions", "0004_encrypt_meeting_text_and_blackout_notes"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        # Nullable for the way back, which re-adds the column before filling it.
        migrations.AlterField(
            model_name="calendarfeed",
            name="token",
            field=models.CharField(max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(hash_tokens, issue_fresh_tokens),
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, unique=True),
        ),
    ]
