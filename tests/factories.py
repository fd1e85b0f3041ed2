from __future__ import annotations

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from mentoring.accounts.models import Profile, User
from programmes.models import Application, Membership, Programme

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """A verified primary email, as allauth needs to let the person log in."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )
        if create:
            self.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    job_role = "consultant"
    specialty = "Cardiology"
    years_in_practice = "11-15"
    employer = "Leeds Teaching Hospitals NHS Trust"
    region = "West Yorkshire"
    topics_seeking = factory.LazyFunction(lambda: ["Career development", "Workload"])
    topics_offering = factory.LazyFunction(lambda: ["Career development", "Managing change"])
    meeting_modes = factory.LazyFunction(lambda: ["video", "phone"])


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Consultant Mentoring {n}")
    slug = factory.Sequence(lambda n: f"consultant-mentoring-{n}")
    description = "One-to-one mentoring for new consultants."
    audience = "Consultants in their first five years"
    starts_on = factory.LazyFunction(lambda: timezone.localdate())
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))
    status = Programme.Status.OPEN
    coordinators_require_mfa = False


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MENTEE


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    programme = factory.SubFactory(ProgrammeFactory)
    applicant = factory.SubFactory(UserFactory)
    role = Application.Role.MENTEE
    goals = "Build confidence leading a new service."
    motivation = "I would value an outside perspective."
