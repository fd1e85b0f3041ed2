from __future__ import annotations

import pytest
from django.urls import reverse

from programmes.models import ApplicationQuestion
from tests.support.pages import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions_url(programme):
    return reverse("programmes:questions", kwargs={"slug": programme.slug})


@pytest.fixture
def question(programme):
    return ApplicationQuestion.objects.create(
        programme=programme, text="Which rota do you work?", position=1
    )


def test_an_empty_question_list_explains_itself(client, coordinator, questions_url):
    client.force_login(coordinator)
    body = client.get(questions_url).content.decode()
    assert "No extra questions yet." in body
    assert "Add question" in body


def test_add_a_choice_question(client, programme, coordinator, questions_url):
    client.force_login(coordinator)

    response = client.post(
        questions_url,
        {
            "text": "How would you like to meet?",
            "kind": "choice",
            "choices": "Video\nPhone\nIn person",
            "required": "on",
            "audience": "mentee",
            "position": "",
        },
    )

    assert response["Location"] == questions_url
    question = programme.questions.get()
    assert (question.kind, question.audience, question.choice_list) == (
        "choice",
        "mentee",
        ["Video", "Phone", "In person"],
    )
    assert messages_of(response) == ["The question has been added to the application form."]
    body = client.get(questions_url).content.decode()
    assert "How would you like to meet?" in body and "Video, Phone, In person" in body


def test_a_choice_question_without_options_is_refused(
    client, programme, coordinator, questions_url
):
    client.force_login(coordinator)

    response = client.post(
        questions_url, {"text": "Pick", "kind": "choice", "choices": "", "audience": "both"}
    )

    assert response.status_code == 400
    assert "at least two options" in response.context["form"].errors["choices"][0]
    assert not programme.questions.exists()


def test_edit_a_question(client, coordinator, question, questions_url, programme):
    client.force_login(coordinator)
    url = reverse("programmes:question_edit", kwargs={"slug": programme.slug, "pk": question.pk})
    assert "Which rota do you work?" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "text": "Have you mentored before?",
            "kind": "yes_no",
            "audience": "mentor",
            "position": "3",
        },
    )

    assert response["Location"] == questions_url
    question.refresh_from_db()
    assert (question.text, question.kind, question.required, question.position) == (
        "Have you mentored before?",
        "yes_no",
        False,
        3,
    )


def test_delete_asks_first_then_deletes_on_post(client, coordinator, question, programme):
    client.force_login(coordinator)
    url = reverse("programmes:question_delete", kwargs={"slug": programme.slug, "pk": question.pk})

    page = client.get(url)
    assert page.status_code == 200
    assert "Delete this question?" in page.content.decode()
    assert programme.questions.exists()

    response = client.post(url)
    assert response["Location"] == reverse("programmes:questions", kwargs={"slug": programme.slug})
    assert not programme.questions.exists()
    assert messages_of(response) == ["The question has been removed from the application form."]


def test_another_programmes_question_is_not_found(client, coordinator, other_programme):
    foreign = ApplicationQuestion.objects.create(programme=other_programme, text="Theirs")
    client.force_login(coordinator)
    slug = "yorkshire"  # the coordinator's own programme, someone else's question
    for name in ("programmes:question_edit", "programmes:question_delete"):
        url = reverse(name, kwargs={"slug": slug, "pk": foreign.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "Mine now"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.text == "Theirs"


def test_the_question_list_is_paginated_with_a_fixed_number_of_queries(
    client, programme, coordinator, questions_url, django_assert_max_num_queries
):
    ApplicationQuestion.objects.bulk_create(
        ApplicationQuestion(programme=programme, text=f"Question {n}", position=n)
        for n in range(40)
    )
    client.force_login(coordinator)

    with django_assert_max_num_queries(10):
        response = client.get(questions_url, {"page": 2})

    assert len(response.context["questions"].object_list) == 15
    assert "Showing 26&ndash;40 of 40" in response.content.decode()
