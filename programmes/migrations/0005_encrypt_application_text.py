"""Encrypt an application's goals, motivation and answers, and those already stored.

The columns now hold Fernet tokens (text columns where they were varchar or boolean);
existing plain values are encrypted in batches. Reversible: the way back decrypts them.
"""

import mentoring.fields
from mentoring.fields import encrypting
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0004_programme_status_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="answers",
            field=mentoring.fields.EncryptedJSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="application",
            name="goals",
            field=mentoring.fields.EncryptedTextField(
                blank=True, help_text="Mentees: what you would like to work on.", max_length=3000
            ),
        ),
        migrations.AlterField(
            model_name="application",
            name="motivation",
            field=mentoring.fields.EncryptedTextField(
                blank=True, help_text="Why you would like to take part.", max_length=3000
            ),
        ),
        migrations.RunPython(
            *encrypting("programmes", "Application", "goals", "motivation", "answers")
        ),
    ]
