"""Request and upload size caps: an oversized body is refused before any of it is read."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from programmes.models import Invitation
from programmes.services.invitation_import import MAX_IMPORT_BYTES

pytestmark = pytest.mark.django_db


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer):
        raise AssertionError("the body was read")


def declared(size: int) -> dict:
    """Request META claiming a body of `size` bytes that must never be read."""
    return {
        "CONTENT_LENGTH": str(size),
        "CONTENT_TYPE": "multipart/form-data; boundary=BoUnDaRy",
        "wsgi.input": UnreadableBody(),
    }


def upload_url(programme) -> str:
    return reverse("programmes:invitation_upload", kwargs={"slug": programme.slug})


def test_django_caps_request_fields_and_keeps_large_uploads_out_of_memory():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 1000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 10
    assert MAX_IMPORT_BYTES < settings.MAX_REQUEST_BYTES <= 10 * 1024 * 1024


def test_a_body_over_the_cap_gets_a_413_page_unread(client, mentee):
    client.force_login(mentee)
    response = client.generic(
        "POST", reverse("accounts:profile_edit"), **declared(settings.MAX_REQUEST_BYTES + 1)
    )
    assert response.status_code == 413
    body = response.content.decode()
    assert "too large" in body and f"{settings.MAX_REQUEST_BYTES // (1024 * 1024)} MB" in body
    assert "Content-Security-Policy" in response


def test_the_cap_applies_before_sign_in_and_csrf(settings):
    settings.MAX_REQUEST_BYTES = 1024
    client = Client(enforce_csrf_checks=True)
    response = client.generic("POST", reverse("account_login"), **declared(1025))
    assert response.status_code == 413


def test_a_body_within_the_cap_is_read_as_usual(client, settings):
    settings.MAX_REQUEST_BYTES = 1024
    response = client.post(reverse("account_login"), {"login": "x@example.org", "password": "x"})
    assert response.status_code == 200  # the form answers: wrong email or password


def test_an_oversized_invitation_file_gets_a_form_message_before_it_is_read(
    client, programme, coordinator
):
    client.force_login(coordinator)
    response = client.generic("POST", upload_url(programme), **declared(MAX_IMPORT_BYTES + 100_000))
    assert response.status_code == 413
    body = response.content.decode()
    assert "The file is larger than 2 MB. Split it into smaller files." in body
    assert "Nothing was imported" in body
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "mentee", "other_coordinator"])
def test_an_oversized_upload_by_someone_else_is_refused_as_before(
    client, programme, coordinator, mentee, other_coordinator, who
):
    if who != "anonymous":
        client.force_login({"mentee": mentee, "other_coordinator": other_coordinator}[who])
    response = client.generic("POST", upload_url(programme), **declared(MAX_IMPORT_BYTES + 100_000))
    if who == "anonymous":
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    else:  # not a coordinator of this programme: it does not exist for them
        assert response.status_code == 404


def test_the_upload_still_checks_the_csrf_token(programme, coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    csv = SimpleUploadedFile(
        "i.csv", b"email,role\nx@example.org,mentee\n", content_type="text/csv"
    )
    response = client.post(upload_url(programme), {"file": csv})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_an_upload_within_the_cap_is_imported(client, programme, coordinator):
    client.force_login(coordinator)
    csv = SimpleUploadedFile(
        "i.csv", b"email,role\nx@example.org,mentee\n", content_type="text/csv"
    )
    response = client.post(upload_url(programme), {"file": csv})
    assert response.status_code == 302
    assert Invitation.objects.filter(email="x@example.org").exists()
