from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from mentoring.fields import EncryptedBooleanField, EncryptedCharField
from mentoring.vocabulary import (
    ETHNICITY_CHOICES,
    RELIGION_CHOICES,
    TOPICS,
    Framework,
    JobRole,
    MeetingMode,
    YearsInPractice,
)


def _labels(values: list[str], choices: type[models.TextChoices]) -> list[str]:
    names = dict(choices.choices)
    return [names.get(v, v) for v in values or []]


# Titles skipped when greeting someone by their first name ("Dr Priya Shah" is "Priya").
HONORIFICS = {"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir", "dame", "rev"}

TIME_ZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; there are no usernames."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    preferred_name = models.CharField(
        max_length=80, blank=True, help_text="What you like to be called, if not your first name."
    )
    pronouns = models.CharField(max_length=40, blank=True, help_text="Optional, e.g. she/her.")
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/London")
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The person's time zone; the site's if theirs is unknown to this machine."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    @property
    def display_name(self) -> str:
        """What to call the person: their preferred name, else their first name."""
        if self.preferred_name:
            return self.preferred_name
        words = self.full_name.split()
        while len(words) > 1 and words[0].rstrip(".").lower() in HONORIFICS:
            words.pop(0)
        return words[0] if words else self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.display_name


class Profile(models.Model):
    """A person's professional profile, reused across every programme they join.

    Everything here may be shown to coordinators and (for mentors) to mentees.
    Sensitive matching data lives in `MatchingPreferences`, which is never shown.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    job_role = models.CharField(max_length=20, choices=JobRole.choices, blank=True)
    grade = models.CharField(
        max_length=60, blank=True, help_text="For doctors in training, e.g. ST4 or FY2."
    )
    specialty = models.CharField(max_length=100, blank=True)
    years_in_practice = models.CharField(max_length=5, choices=YearsInPractice.choices, blank=True)
    employer = models.CharField(max_length=150, blank=True)
    department = models.CharField(max_length=150, blank=True)
    region = models.CharField(max_length=100, blank=True)
    bio = models.TextField(blank=True, max_length=2000)
    topics_seeking = models.JSONField(default=list, blank=True)
    topics_offering = models.JSONField(default=list, blank=True)
    languages = models.CharField(
        max_length=200, blank=True, default="English", help_text="Separate with commas."
    )
    meeting_modes = models.JSONField(default=list, blank=True)

    # Mentor training (mentors only, but kept on the profile: it follows the person).
    mentor_trained = models.BooleanField("attended mentor training", default=False)
    training_course = models.CharField(max_length=150, blank=True)
    training_organiser = models.CharField(max_length=150, blank=True)
    training_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1970), MaxValueValidator(2100)],
    )
    frameworks_taught = models.JSONField(default=list, blank=True)
    frameworks_practised = models.JSONField(default=list, blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    # What a complete profile has, in the order a person is asked to fill it in.
    COMPLETENESS = [
        ("job_role", "your job role"),
        ("specialty", "your specialty"),
        ("years_in_practice", "your years in practice"),
        ("region", "your region"),
        ("bio", "a short bio"),
        ("topics_seeking", "topics you would like help with"),
        ("meeting_modes", "how you like to meet"),
    ]
    # Lists stored as JSON, and the values each may hold.
    LIST_CHOICES = {
        "topics_seeking": set(TOPICS),
        "topics_offering": set(TOPICS),
        "meeting_modes": set(MeetingMode.values),
        "frameworks_taught": set(Framework.values),
        "frameworks_practised": set(Framework.values),
    }

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field, allowed in self.LIST_CHOICES.items():
            values = getattr(self, field)
            if not isinstance(values, list) or not set(values) <= allowed:
                errors[field] = "Choose from the list."
        if self.training_year and self.training_year > timezone.localdate().year:
            errors["training_year"] = "The training year cannot be in the future."
        if self.mentor_trained and not self.training_course.strip():
            errors["training_course"] = "Tell us the name of the course you attended."
        if errors:
            raise ValidationError(errors)

    @property
    def is_complete(self) -> bool:
        return bool(self.job_role and self.specialty and self.region and self.years_in_practice)

    @property
    def missing_for_completeness(self) -> list[str]:
        return [label for field, label in self.COMPLETENESS if not getattr(self, field)]

    @property
    def completeness_percent(self) -> int:
        done = len(self.COMPLETENESS) - len(self.missing_for_completeness)
        return round(100 * done / len(self.COMPLETENESS))

    @property
    def meeting_mode_labels(self) -> list[str]:
        return _labels(self.meeting_modes, MeetingMode)

    @property
    def frameworks_taught_labels(self) -> list[str]:
        return _labels(self.frameworks_taught, Framework)

    @property
    def frameworks_practised_labels(self) -> list[str]:
        return _labels(self.frameworks_practised, Framework)

    @property
    def language_list(self) -> list[str]:
        return [lang.strip() for lang in self.languages.split(",") if lang.strip()]


class MatchingPreferences(models.Model):
    """Sensitive characteristics and preferences, used only by the matcher.

    Private to the person: no other user's page and no coordinator page shows them,
    and they are encrypted at rest. Every field is optional.
    """

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Another term"

    class AgeBand(models.TextChoices):
        UNDER_35 = "under_35", "Under 35"
        A35_44 = "35_44", "35-44"
        A45_54 = "45_54", "45-54"
        A55_PLUS = "55_plus", "55 and over"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="matching_preferences")
    # About the person (so others' preferences can be honoured).
    # The encrypted field stores "not given" as NULL (it never encrypts an empty string),
    # so unset values read back as None: test them for truth, not against "".
    sex = EncryptedCharField(max_length=10, choices=Sex.choices, blank=True, null=True)
    age_band = EncryptedCharField(max_length=10, choices=AgeBand.choices, blank=True, null=True)
    ethnicity = EncryptedCharField(max_length=60, choices=ETHNICITY_CHOICES, blank=True, null=True)
    religion = EncryptedCharField(
        "religion or belief", max_length=60, choices=RELIGION_CHOICES, blank=True, null=True
    )
    # What they would prefer in a mentor.
    # Encrypted too, so nothing in the database filters on them: the matcher reads
    # them in Python (matching/candidates.py).
    prefer_mentor_sex = EncryptedCharField(
        "prefer a mentor who is", max_length=10, choices=Sex.choices, blank=True
    )
    prefer_mentor_age_band = EncryptedCharField(
        "prefer a mentor aged", max_length=10, choices=AgeBand.choices, blank=True
    )
    prefer_same_ethnicity = EncryptedBooleanField(
        "prefer a mentor who shares my ethnicity", default=False
    )
    prefer_same_religion = EncryptedBooleanField(
        "prefer a mentor who shares my religion or belief", default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Matching preferences of {self.user_id}"

    @property
    def is_empty(self) -> bool:
        return not any(
            [
                self.sex,
                self.age_band,
                self.ethnicity,
                self.religion,
                self.prefer_mentor_sex,
                self.prefer_mentor_age_band,
                self.prefer_same_ethnicity,
                self.prefer_same_religion,
            ]
        )


class SecurityCacheEntry(models.Model):
    """A row of the "security" cache (settings.CACHES): rate-limit counters, sign-in
    throttling and used one-time codes.

    Django's DatabaseCache reads and writes this table with its own SQL; the model only
    lets a migration create it, so every database (tests included) has it without a
    separate `createcachetable` step. The columns are those `createcachetable` makes.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "accounts_security_cache"
        verbose_name = "security cache entry"
        verbose_name_plural = "security cache entries"

    def __str__(self) -> str:
        return self.cache_key
