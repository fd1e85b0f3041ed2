"""Encrypted model fields for confidential free text.

Built on django-fernet-encrypted-fields, but keyed by FIELD_ENCRYPTION_KEY (Fernet
keys, newest first) instead of SECRET_KEY, so rotating the session secret never
makes notes unreadable and the encryption key can be rotated on its own: MultiFernet
decrypts with any listed key and encrypts with the first. `manage.py
rotate_field_keys` re-encrypts stored rows with the first key.

Encrypted columns cannot be filtered, ordered or indexed on their content: the same
text encrypts differently every time. Only "is it empty" survives (see below).
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils.functional import cached_property
from encrypted_fields import fields as ef


class _FieldKeyMixin:
    @cached_property
    def keys(self) -> list[bytes]:
        return [k.encode() for k in settings.FIELD_ENCRYPTION_KEYS]

    @cached_property
    def f(self) -> MultiFernet:
        return MultiFernet([Fernet(k) for k in self.keys])

    def get_prep_value(self, value):
        # The library stores any empty value as NULL. A column that is NOT NULL keeps
        # an empty string as itself instead, so "" still reads back as "" and
        # `update(field="")` still works; it says nothing a ciphertext's length would not.
        if value == "" and not self.null:
            return ""
        return super().get_prep_value(value)


class EncryptedTextField(_FieldKeyMixin, ef.EncryptedTextField):
    pass


class EncryptedCharField(_FieldKeyMixin, ef.EncryptedCharField):
    pass


class EncryptedJSONField(_FieldKeyMixin, ef.EncryptedJSONField):
    pass


class EncryptedBooleanField(_FieldKeyMixin, ef.EncryptedBooleanField):
    """A yes/no stored encrypted, both answers alike (the library would store "no" as NULL)."""

    def get_prep_value(self, value):
        value = self.to_python(value)
        if value is None:
            return None
        return self.f.encrypt(str(bool(value)).encode()).decode()


def encrypted_fields(model) -> list:
    """The model's concrete fields stored encrypted with FIELD_ENCRYPTION_KEYS."""
    return [
        f for f in model._meta.concrete_fields if isinstance(f, _FieldKeyMixin) and f.model is model
    ]


def forget_cached_keys() -> None:
    """Make every encrypted field read FIELD_ENCRYPTION_KEYS again (they cache them)."""
    for model in apps.get_models():
        for field in encrypted_fields(model):
            field.__dict__.pop("keys", None)
            field.__dict__.pop("f", None)


def keys_changed(*, setting, **kwargs) -> None:
    """Answer `setting_changed` (tests override the keys); connected in accounts' ready()."""
    if setting == "FIELD_ENCRYPTION_KEYS":
        forget_cached_keys()


# ---- Data migrations: plain text <-> encrypted, in batches by primary key ----------
#
# For a migration that turns a plain column into an encrypted one: first AlterField,
# then RunPython(*encrypting(app, model, *fields)). Rows are read raw (a cast stops the
# field from decrypting), so a rerun or a row already encrypted is left alone.

MIGRATION_BATCH = 500


def raw_column(field):
    """The stored value, not decrypted: a cast drops the field's converters."""
    if isinstance(field, models.JSONField):
        return Cast(field.name, models.JSONField())
    return Cast(field.name, models.TextField())


def _is_encrypted(field, raw) -> bool:
    try:
        if isinstance(field, models.JSONField):
            field._decrypt_values(raw)
        else:
            field.f.decrypt(raw.encode())
    except (InvalidToken, TypeError, UnicodeEncodeError):
        return False
    return True


def _plain(field, raw):
    if isinstance(field, models.BooleanField):
        return raw.strip().lower() in ("t", "true", "1", "yes")
    return raw


def _rows(model, fields, batch_size):
    last = None
    while True:
        page = model._default_manager.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        pks = list(page.values_list("pk", flat=True)[:batch_size])
        if not pks:
            return
        last = pks[-1]
        yield list(
            model._default_manager.filter(pk__in=pks)
            .order_by("pk")
            .values_list("pk", *[raw_column(f) for f in fields])
        )


def encrypt_plain_rows(model, field_names, *, batch_size=MIGRATION_BATCH) -> int:
    """Encrypt the plain values left in these (now encrypted) columns; returns rows changed."""
    fields = [model._meta.get_field(name) for name in field_names]
    changed = 0
    for batch in _rows(model, fields, batch_size):
        with transaction.atomic():
            for pk, *values in batch:
                plain = {
                    f.name: _plain(f, raw)
                    for f, raw in zip(fields, values, strict=True)
                    if raw not in (None, "", {}, []) and not _is_encrypted(f, raw)
                }
                if plain:
                    model._default_manager.filter(pk=pk).update(**plain)
                    changed += 1
    return changed


def decrypt_to_plain_rows(model, field_names, *, batch_size=MIGRATION_BATCH) -> int:
    """The way back: write the decrypted values as plain text (or plain JSON)."""
    fields = [model._meta.get_field(name) for name in field_names]
    changed = 0
    for batch in _rows(model, fields, batch_size):
        with transaction.atomic():
            for pk, *values in batch:
                plain = {}
                for f, raw in zip(fields, values, strict=True):
                    if raw in (None, "", {}, []) or not _is_encrypted(f, raw):
                        continue
                    if isinstance(f, models.JSONField):
                        plain[f.name] = models.Value(
                            f._decrypt_values(raw), output_field=models.JSONField()
                        )
                    else:
                        text = f.f.decrypt(raw.encode()).decode()
                        plain[f.name] = models.Value(text, output_field=models.TextField())
                if plain:
                    model._default_manager.filter(pk=pk).update(**plain)
                    changed += 1
    return changed


def encrypting(app_label: str, model_name: str, *field_names: str):
    """RunPython forward/backward pair for one model's newly encrypted columns."""

    def forward(apps, schema_editor):
        encrypt_plain_rows(apps.get_model(app_label, model_name), field_names)

    def backward(apps, schema_editor):
        decrypt_to_plain_rows(apps.get_model(app_label, model_name), field_names)

    return forward, backward
