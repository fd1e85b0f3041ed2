"""Encrypted model fields for confidential free text.

Built on django-fernet-encrypted-fields, but keyed by FIELD_ENCRYPTION_KEY (Fernet
keys, newest first) instead of SECRET_KEY, so rotating the session secret never
makes notes unreadable and the encryption key can be rotated on its own: MultiFernet
decrypts with any listed key and encrypts with the first.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.utils.functional import cached_property
from encrypted_fields import fields as ef


class _FieldKeyMixin:
    @cached_property
    def keys(self) -> list[bytes]:
        return [k.encode() for k in settings.FIELD_ENCRYPTION_KEYS]

    @cached_property
    def f(self) -> MultiFernet:
        return MultiFernet([Fernet(k) for k in self.keys])


class EncryptedTextField(_FieldKeyMixin, ef.EncryptedTextField):
    pass


class EncryptedCharField(_FieldKeyMixin, ef.EncryptedCharField):
    pass


class EncryptedJSONField(_FieldKeyMixin, ef.EncryptedJSONField):
    pass
