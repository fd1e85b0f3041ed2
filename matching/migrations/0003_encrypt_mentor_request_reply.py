"""Encrypt the mentor's reply to a request, and the replies already stored.

The columns now hold Fernet tokens (text columns where they were varchar or boolean);
existing plain values are encrypted in batches. Reversible: the way back decrypts them.
"""

import mentoring.fields
from mentoring.fields import encrypting
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0002_mentorship_paused_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mentorrequest",
            name="reply_message",
            field=mentoring.fields.EncryptedTextField(
                blank=True, max_length=2000, verbose_name="message to the mentee"
            ),
        ),
        migrations.RunPython(*encrypting("matching", "MentorRequest", "reply_message")),
    ]
