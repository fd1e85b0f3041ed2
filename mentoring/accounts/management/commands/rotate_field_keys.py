"""Re-encrypt every encrypted value with the newest key, FIELD_ENCRYPTION_KEYS[0].

To rotate: put a new key in front of FIELD_ENCRYPTION_KEY, restart every process (so
new writes use it), run this command, then drop the old keys. It finds the encrypted
fields by their class across every model, plus the TOTP secrets and recovery-code
seeds our MFA adapter encrypts, and walks each model in batches by primary key, each
batch in one transaction with its rows locked (a save in between is not overwritten).

Safe to re-run: a value already under the newest key is left as it is. Resumable: the
last primary key done per model is kept in a progress file until the run completes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from mentoring.accounts.adapters import MFAAdapter
from mentoring.fields import encrypted_fields, forget_cached_keys, raw_column

# Keys of allauth's Authenticator.data that our MFA adapter encrypts.
MFA_SECRET_KEYS = ("secret", "seed", "migrated_codes")


class Unreadable(Exception):
    """A Fernet token that none of the configured keys opens."""


def _looks_like_token(text: str) -> bool:
    try:
        data = base64.urlsafe_b64decode(text.encode())
    except (binascii.Error, ValueError):
        return False
    return len(data) >= 57 and data[0] == 0x80


class Rotator:
    def __init__(self, keys: list[str]):
        self.newest = Fernet(keys[0].encode())
        self.all = MultiFernet([Fernet(k.encode()) for k in keys])

    def text(self, value: str, *, encrypt_plain: bool = True) -> str | None:
        """The value under the newest key, or None when it needs no change."""
        try:
            self.newest.decrypt(value.encode())
            return None
        except InvalidToken:
            pass
        if not _looks_like_token(value):
            # Plain text left from before the column was encrypted: the field reads
            # it as it is, so encrypting it now is what a save would have done.
            return self.newest.encrypt(value.encode()).decode() if encrypt_plain else None
        try:
            return self.all.rotate(value.encode()).decode()
        except InvalidToken as exc:
            raise Unreadable from exc

    def tree(self, value, *, encrypt_plain: bool = True):
        """Rotate every leaf of an encrypted JSON value; None when nothing changed."""
        if isinstance(value, dict):
            new = {k: self.tree(v, encrypt_plain=encrypt_plain) for k, v in value.items()}
            if all(v is None for v in new.values()):
                return None
            return {k: value[k] if new[k] is None else new[k] for k in value}
        if isinstance(value, list):
            new = [self.tree(v, encrypt_plain=encrypt_plain) for v in value]
            if all(v is None for v in new):
                return None
            return [old if v is None else v for old, v in zip(value, new, strict=True)]
        if value is None:
            return None
        return self.text(str(value), encrypt_plain=encrypt_plain)


@dataclass
class Target:
    """One model and how to read and rewrite its encrypted values."""

    label: str
    model: type[models.Model]
    fields: list[models.Field] = field(default_factory=list)
    mfa: bool = False

    def columns(self) -> list:
        if self.mfa:
            return ["data"]
        return [raw_column(f) for f in self.fields]

    def rotated(self, rotator: Rotator, values: list) -> tuple[dict, bool]:
        """The changed columns of one row, ready for update(), and whether any was unreadable."""
        if self.mfa:
            data = values[0] or {}
            secrets = {k: data[k] for k in MFA_SECRET_KEYS if k in data}
            try:
                new = rotator.tree(secrets, encrypt_plain=False) if secrets else None
            except Unreadable:
                return {}, True
            return ({"data": {**data, **new}} if new else {}), False
        changes, unreadable = {}, False
        for f, raw in zip(self.fields, values, strict=True):
            if raw in (None, ""):
                continue
            is_json = isinstance(f, models.JSONField)
            try:
                new = rotator.tree(raw) if is_json else rotator.text(raw)
            except Unreadable:
                unreadable = True  # left as it is; the row's other columns still move
                continue
            if new is not None:
                output = models.JSONField() if is_json else models.TextField()
                changes[f.name] = models.Value(new, output_field=output)
        return changes, unreadable


def targets() -> list[Target]:
    found = []
    for model in apps.get_models():
        fields = encrypted_fields(model)
        if fields:
            found.append(Target(model._meta.label, model, fields))
    if _mfa_is_encrypted():
        from allauth.mfa.models import Authenticator

        found.append(Target(Authenticator._meta.label, Authenticator, mfa=True))
    return sorted(found, key=lambda t: t.label)


def _mfa_is_encrypted() -> bool:
    from allauth.mfa.adapter import get_adapter

    return isinstance(get_adapter(), MFAAdapter)


@dataclass
class Tally:
    read: int = 0
    changed: int = 0
    unreadable: list = field(default_factory=list)


class Progress:
    """The last primary key done per model, for the newest key, in a small JSON file."""

    def __init__(self, path: Path, key: str):
        self.path = path
        self.fingerprint = hashlib.sha256(key.encode()).hexdigest()[:16]
        self.last: dict = {}
        if path.exists():
            saved = json.loads(path.read_text())
            if saved.get("key") == self.fingerprint:
                self.last = saved.get("last", {})

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({"key": self.fingerprint, "last": self.last}))

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field (and MFA secrets) with FIELD_ENCRYPTION_KEYS[0]."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--max-batches",
            type=int,
            default=None,
            help="Stop after this many batches; the next run carries on from there.",
        )
        parser.add_argument(
            "--progress-file",
            type=Path,
            default=Path(settings.VAR_DIR) / "rotate-field-keys.json",
        )
        parser.add_argument(
            "--restart", action="store_true", help="Forget the progress of an earlier run."
        )

    def handle(self, *args, dry_run, batch_size, max_batches, progress_file, restart, **opts):
        if batch_size < 1 or (max_batches is not None and max_batches < 1):
            raise CommandError("--batch-size and --max-batches must be at least 1.")
        keys = list(settings.FIELD_ENCRYPTION_KEYS)
        forget_cached_keys()
        rotator = Rotator(keys)
        progress = Progress(progress_file, keys[0])
        if restart:
            progress.clear()
            progress.last = {}
        budget = max_batches
        tallies: dict[str, Tally] = {}
        stopped = False
        for target in targets():
            tally = tallies[target.label] = Tally()
            after = progress.last.get(target.label)
            if after == "done":
                continue
            for last_pk in self._batches(target, rotator, tally, after, batch_size, dry_run):
                if not dry_run:
                    progress.last[target.label] = last_pk
                    progress.save()
                if budget is not None:
                    budget -= 1
                    if budget == 0:
                        stopped = True
                        break
            if stopped:
                break
            if not dry_run:
                progress.last[target.label] = "done"
                progress.save()
        if not stopped and not dry_run:
            progress.clear()
        self._summary(tallies, dry_run=dry_run, stopped=stopped, keys=len(keys))

    def _batches(self, target, rotator, tally, after, batch_size, dry_run):
        """Rotate one model batch by batch; yields the last primary key of each batch."""
        manager = target.model._base_manager
        while True:
            with transaction.atomic():
                page = manager.order_by("pk")
                if after is not None:
                    page = page.filter(pk__gt=after)
                rows = list(
                    page.select_for_update().values_list("pk", *target.columns())[:batch_size]
                )
                if not rows:
                    return
                for pk, *values in rows:
                    tally.read += 1
                    changes, unreadable = target.rotated(rotator, values)
                    if unreadable:
                        tally.unreadable.append(pk)
                    if changes:
                        tally.changed += 1
                        if not dry_run:
                            manager.filter(pk=pk).update(**changes)
            after = rows[-1][0]
            yield after

    def _summary(self, tallies, *, dry_run, stopped, keys):
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        for label, tally in tallies.items():
            if tally.read or tally.unreadable:
                line = f"{label}: {tally.read} rows read, {tally.changed} {verb}"
                self.stdout.write(line)
        total = sum(t.changed for t in tallies.values())
        self.stdout.write(f"In all: {total} rows {verb} with the newest of {keys} key(s).")
        if stopped:
            self.stdout.write("Stopped early (--max-batches): run the command again to carry on.")
        unreadable = {label: t.unreadable for label, t in tallies.items() if t.unreadable}
        if unreadable:
            where = "; ".join(f"{label} ids {ids[:20]}" for label, ids in unreadable.items())
            raise CommandError(
                f"Some values open with none of the keys, and were left as they are ({where}). "
                "Keep the old keys until this is resolved."
            )
        if not dry_run and not stopped:
            self.stdout.write(self.style.SUCCESS("Every encrypted value is under the newest key."))
