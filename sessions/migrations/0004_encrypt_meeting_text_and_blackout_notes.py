"""Encrypt meeting places, cancellation reasons and blackout notes already stored.

The columns now hold Fernet tokens (text columns where they were varchar or boolean);
existing plain values are encrypted in batches. Reversible: the way back decrypts them.
"""

import mentoring.fields
from mentoring.fields import encrypting
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring_sessions", "0003_meeting_feedback"),
    ]

    operations = [
        migrations.AlterField(
            model_name="blackout",
            name="note",
            field=mentoring.fields.EncryptedCharField(blank=True, max_length=120),
        ),
        migrations.AlterField(
            model_name="meeting",
            name="cancel_reason",
            field=mentoring.fields.EncryptedCharField(blank=True, max_length=300),
        ),
        migrations.AlterField(
            model_name="meeting",
            name="location",
            field=mentoring.fields.EncryptedCharField(blank=True, max_length=300),
        ),
        migrations.AlterField(
            model_name="meetingdefaults",
            name="location",
            field=mentoring.fields.EncryptedCharField(
                blank=True, max_length=300, verbose_name="default meeting place"
            ),
        ),
        migrations.RunPython(
            *encrypting("mentoring_sessions", "Meeting", "location", "cancel_reason")
        ),
        migrations.RunPython(*encrypting("mentoring_sessions", "MeetingDefaults", "location")),
        migrations.RunPython(*encrypting("mentoring_sessions", "Blackout", "note")),
    ]
