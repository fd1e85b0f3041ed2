from __future__ import annotations

import pytest

from mentoring.accounts.models import User

pytestmark = pytest.mark.django_db


def test_create_user_lowercases_the_email_and_hashes_the_password():
    user = User.objects.create_user("Priya.Shah@NHS.NET", "a-long-passphrase", full_name="Priya")
    assert user.email == "priya.shah@nhs.net"
    assert user.check_password("a-long-passphrase")
    assert user.password != "a-long-passphrase"
    assert not user.is_staff and not user.is_superuser and user.is_active


def test_create_user_needs_an_email():
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user("", "a-long-passphrase")


def test_create_user_without_a_password_cannot_sign_in_with_one():
    user = User.objects.create_user("invited@example.org")
    assert not user.has_usable_password()


def test_create_superuser_is_staff_and_superuser():
    admin = User.objects.create_superuser("Admin@Example.org", "a-long-passphrase")
    assert admin.email == "admin@example.org"
    assert admin.is_staff and admin.is_superuser


def test_the_user_has_no_username_and_logs_in_with_email():
    assert User.USERNAME_FIELD == "email"
    assert "username" not in {f.name for f in User._meta.get_fields()}


@pytest.mark.parametrize(
    ("full_name", "preferred_name", "expected"),
    [
        ("Priya Shah", "", "Priya"),
        ("Dr Priya Shah", "", "Priya"),
        ("Prof. Sir John Smith", "", "John"),
        ("Dr Shah", "", "Shah"),
        ("Dr", "", "Dr"),
        ("Dr Priya Shah", "Pri", "Pri"),
        ("", "", "nameless@example.org"),
    ],
)
def test_display_name_is_the_preferred_or_first_name(full_name, preferred_name, expected):
    user = User(email="nameless@example.org", full_name=full_name, preferred_name=preferred_name)
    assert user.display_name == expected
