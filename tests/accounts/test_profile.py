from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.accounts.models import MatchingPreferences, Profile
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

EDIT = reverse("accounts:profile_edit")
THIS_YEAR = timezone.localdate().year


@pytest.fixture
def maya(db):
    user = UserFactory(email="maya@example.org", full_name="Dr Maya Mentor")
    ProfileFactory(user=user, bio="Cardiologist in Leeds.")
    return user


@pytest.fixture
def signed_in(client, maya):
    client.force_login(maya)
    return client


def _valid(**overrides) -> dict:
    data = {
        "me-full_name": "Dr Maya Mentor-Jones",
        "me-preferred_name": "Maya",
        "me-pronouns": "she/her",
        "me-time_zone": "Europe/London",
        "job_role": "consultant",
        "grade": "",
        "specialty": "Cardiology",
        "years_in_practice": "16-20",
        "employer": "Leeds Teaching Hospitals NHS Trust",
        "department": "Cardiology",
        "region": "West Yorkshire",
        "bio": "Interventional cardiologist; I enjoy helping new consultants find their feet.",
        "topics_seeking": [],
        "topics_offering": ["Career development", "Workload"],
        "languages": "English, Welsh",
        "meeting_modes": ["video", "in_person"],
        "mentor_trained": "on",
        "training_course": "Coaching and mentoring skills",
        "training_organiser": "Health Education England",
        "training_year": "2019",
        "frameworks_taught": ["egan", "grow"],
        "frameworks_practised": ["egan"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _snapshot(user) -> tuple:
    user.refresh_from_db()
    profile = Profile.objects.get(user=user)
    return (
        user.full_name,
        user.preferred_name,
        profile.specialty,
        profile.years_in_practice,
        profile.bio,
        profile.topics_offering,
        profile.mentor_trained,
        profile.training_course,
        profile.training_year,
        profile.frameworks_taught,
    )


def test_profile_pages_need_a_signed_in_person(client):
    for name in ("accounts:profile", "accounts:profile_edit", "accounts:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_profile_page_shows_the_profile_with_a_completeness_hint(signed_in):
    Profile.objects.filter(user__email="maya@example.org").update(region="", meeting_modes=[])

    response = signed_in.get(reverse("accounts:profile"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Dr Maya Mentor" in body and "Cardiology" in body
    assert "your region" in body and "how you like to meet" in body
    assert "71% complete" in body
    assert reverse("accounts:profile_edit") in body
    assert "Private matching preferences" in body
    assert "never shown to anyone" in body
    assert reverse("accounts:preferences") in body


def test_a_complete_profile_says_so(signed_in, maya):
    signed_in.post(EDIT, _valid(topics_seeking=["Self-confidence"]))
    body = signed_in.get(reverse("accounts:profile")).content.decode()
    assert "Your profile is complete." in body


def test_the_edit_page_groups_the_form_into_sections(signed_in):
    body = signed_in.get(EDIT).content.decode()
    for legend in (
        "About you",
        "Your work",
        "Mentoring topics",
        "How you like to meet",
        "Mentor training",
    ):
        assert f"<legend>{legend}</legend>" in body
    assert body.count('class="checkbox-columns"') == 5


def test_editing_the_profile_saves_personal_details_and_profile(signed_in, maya):
    response = signed_in.post(EDIT, _valid())

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    maya.refresh_from_db()
    assert maya.full_name == "Dr Maya Mentor-Jones"
    assert maya.pronouns == "she/her"
    profile = Profile.objects.get(user=maya)
    assert profile.years_in_practice == "16-20"
    assert profile.meeting_modes == ["video", "in_person"]
    assert profile.frameworks_taught == ["egan", "grow"]
    assert profile.training_year == 2019
    page = signed_in.get(response["Location"]).content.decode()
    assert "Your profile has been saved." in page
    assert "Egan&#x27;s Skilled Helper, GROW" in page


def test_editing_returns_to_a_safe_next_page_only(signed_in):
    response = signed_in.post(f"{EDIT}?next=/programmes/", _valid())
    assert response["Location"] == "/programmes/"
    response = signed_in.post(f"{EDIT}?next=https://evil.example/", _valid())
    assert response["Location"] == reverse("accounts:profile")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"training_year": str(THIS_YEAR + 1)}, "training_year", "cannot be in the future"),
        ({"training_course": ""}, "training_course", "name of the course"),
        ({"frameworks_taught": ["egan", "nlp"]}, "frameworks_taught", "Select a valid choice"),
        ({"meeting_modes": ["carrier pigeon"]}, "meeting_modes", "Select a valid choice"),
        ({"region": "Atlantis"}, "region", "Select a valid choice"),
        ({"me-full_name": ""}, "full_name", "required"),
    ],
)
def test_bad_input_is_rejected_with_a_message_and_changes_nothing(
    signed_in, maya, overrides, field, message
):
    before = _snapshot(maya)

    response = signed_in.post(EDIT, _valid(**overrides))

    assert response.status_code == 400
    errors = {**response.context["form"].errors, **response.context["details"].errors}
    assert message in " ".join(errors[field])
    assert "Please correct the errors below." in response.content.decode()
    assert _snapshot(maya) == before
    # The header still shows the saved name, not the rejected one.
    assert response.context["user"].full_name == "Dr Maya Mentor"


def test_the_current_year_is_accepted_for_training(signed_in, maya):
    response = signed_in.post(EDIT, _valid(training_year=str(THIS_YEAR)))
    assert response.status_code == 302
    assert Profile.objects.get(user=maya).training_year == THIS_YEAR


def test_no_training_means_no_course_is_needed(signed_in, maya):
    response = signed_in.post(
        EDIT, _valid(mentor_trained=None, training_course="", training_year="")
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=maya).mentor_trained is False


def test_the_model_rejects_topics_outside_the_list(maya):
    from django.core.exceptions import ValidationError

    profile = Profile.objects.get(user=maya)
    profile.topics_seeking = ["Astrology"]
    with pytest.raises(ValidationError) as exc:
        profile.full_clean()
    assert "topics_seeking" in exc.value.message_dict


def test_a_new_person_can_open_their_profile_before_filling_it_in(client):
    newcomer = UserFactory(email="new@example.org")
    client.force_login(newcomer)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert "0% complete" in response.content.decode()
    assert client.get(EDIT).status_code == 200


def test_preferences_are_saved_and_the_owner_sees_them(signed_in, maya):
    page = signed_in.get(reverse("accounts:preferences"))
    assert page.status_code == 200
    assert "never shown to anyone" in page.content.decode()

    response = signed_in.post(
        reverse("accounts:preferences"),
        {
            "sex": "female",
            "age_band": "45_54",
            "ethnicity": "asian",
            "religion": "hindu",
            "prefer_mentor_sex": "female",
            "prefer_mentor_age_band": "",
            "prefer_same_ethnicity": "on",
        },
    )

    assert response.status_code == 302
    prefs = MatchingPreferences.objects.get(user=maya)
    assert (prefs.sex, prefs.ethnicity, prefs.religion) == ("female", "asian", "hindu")
    assert prefs.prefer_same_ethnicity and not prefs.prefer_same_religion
    body = signed_in.get(reverse("accounts:profile")).content.decode()
    assert "Asian or Asian British" in body
    assert "Hindu" in body
    assert "45-54" in body
    assert "Prefer a mentor who shares my ethnicity" in body


def test_a_bad_preference_is_rejected_and_changes_nothing(signed_in, maya):
    MatchingPreferences.objects.create(user=maya, religion="sikh")
    response = signed_in.post(reverse("accounts:preferences"), {"religion": "pastafarian"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert MatchingPreferences.objects.get(user=maya).religion == "sikh"


def test_clearing_a_preference_stores_nothing(signed_in, maya):
    MatchingPreferences.objects.create(user=maya, religion="sikh")
    signed_in.post(reverse("accounts:preferences"), {"religion": ""})
    assert not MatchingPreferences.objects.get(user=maya).religion
