"""On PostgreSQL, the database itself refuses overlapping live meetings for a person.

Exclusion constraints are PostgreSQL-only, so this migration does nothing elsewhere;
the booking service's guard (which locks both people's rows) holds on every database.
"""

from django.db import migrations

CONSTRAINTS = {
    "meeting_mentor_no_overlap": "mentor_id",
    "meeting_mentee_no_overlap": "mentee_id",
}


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, column in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE mentoring_sessions_meeting ADD CONSTRAINT {name} "
            f"EXCLUDE USING gist ({column} WITH =, "
            "tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (status <> 'cancelled')"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(
            f"ALTER TABLE mentoring_sessions_meeting DROP CONSTRAINT IF EXISTS {name}"
        )


class Migration(migrations.Migration):
    dependencies = [("mentoring_sessions", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
