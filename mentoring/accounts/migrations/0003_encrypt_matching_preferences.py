"""Encrypt the mentee's stated preferences; the matcher reads them in Python.

The columns now hold Fernet tokens (text columns where they were varchar or boolean);
existing plain values are encrypted in batches. Reversible: the way back decrypts them.
"""

import mentoring.fields
from mentoring.fields import encrypting
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_matching_preferences_nullable"),
    ]

    operations = [
        migrations.AlterField(
            model_name="matchingpreferences",
            name="prefer_mentor_age_band",
            field=mentoring.fields.EncryptedCharField(
                blank=True,
                choices=[
                    ("under_35", "Under 35"),
                    ("35_44", "35-44"),
                    ("45_54", "45-54"),
                    ("55_plus", "55 and over"),
                ],
                max_length=10,
                verbose_name="prefer a mentor aged",
            ),
        ),
        migrations.AlterField(
            model_name="matchingpreferences",
            name="prefer_mentor_sex",
            field=mentoring.fields.EncryptedCharField(
                blank=True,
                choices=[("female", "Female"), ("male", "Male"), ("other", "Another term")],
                max_length=10,
                verbose_name="prefer a mentor who is",
            ),
        ),
        migrations.AlterField(
            model_name="matchingpreferences",
            name="prefer_same_ethnicity",
            field=mentoring.fields.EncryptedBooleanField(
                default=False, verbose_name="prefer a mentor who shares my ethnicity"
            ),
        ),
        migrations.AlterField(
            model_name="matchingpreferences",
            name="prefer_same_religion",
            field=mentoring.fields.EncryptedBooleanField(
                default=False, verbose_name="prefer a mentor who shares my religion or belief"
            ),
        ),
        migrations.RunPython(
            *encrypting(
                "accounts",
                "MatchingPreferences",
                "prefer_mentor_sex",
                "prefer_mentor_age_band",
                "prefer_same_ethnicity",
                "prefer_same_religion",
            )
        ),
    ]
