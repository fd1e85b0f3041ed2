"""Helpers for tests of encrypted columns: raw stored values, and moving migrations."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def stored(model, pk, column: str):
    """The value as the database holds it, bypassing the field's decryption."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)}::text FROM {table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def opens_with(token: str, key: str | None = None) -> str:
    """Decrypt with one key (by default the newest configured); fails the test if it cannot."""
    key = key or settings.FIELD_ENCRYPTION_KEYS[0]
    try:
        return Fernet(key.encode()).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise AssertionError(f"{token[:20]}... does not open with that key") from exc


def migrate(*targets: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
