from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from mentoring.fields import EncryptedCharField
from mentoring.vocabulary import ETHNICITY_CHOICES, RELIGION_CHOICES, JobRole, YearsInPractice

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
    def display_name(self) -> str:
        return self.preferred_name or (self.full_name.split()[0] if self.full_name else self.email)

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

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def is_complete(self) -> bool:
        return bool(self.job_role and self.specialty and self.region and self.years_in_practice)

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
    sex = EncryptedCharField(max_length=10, choices=Sex.choices, blank=True)
    age_band = EncryptedCharField(max_length=10, choices=AgeBand.choices, blank=True)
    ethnicity = EncryptedCharField(max_length=60, choices=ETHNICITY_CHOICES, blank=True)
    religion = EncryptedCharField(
        "religion or belief", max_length=60, choices=RELIGION_CHOICES, blank=True
    )
    # What they would prefer in a mentor.
    prefer_mentor_sex = models.CharField(
        "prefer a mentor who is", max_length=10, choices=Sex.choices, blank=True
    )
    prefer_mentor_age_band = models.CharField(
        "prefer a mentor aged", max_length=10, choices=AgeBand.choices, blank=True
    )
    prefer_same_ethnicity = models.BooleanField(
        "prefer a mentor who shares my ethnicity", default=False
    )
    prefer_same_religion = models.BooleanField(
        "prefer a mentor who shares my religion or belief", default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Matching preferences of {self.user_id}"
