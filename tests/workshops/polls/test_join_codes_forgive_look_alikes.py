"""Join codes are read off a screen: new ones have no look-alike characters, a look-alike typed for
one is forgiven, and the codes of workshops made before keep working."""

import pytest
from django.urls import reverse

from workshops.models import JOIN_CODE_ALPHABET, PollResponse, Workshop, join_code_candidates


def test_the_alphabet_has_no_look_alikes():
    assert not set(JOIN_CODE_ALPHABET) & set("0O1IL2Z5S8B")


@pytest.mark.parametrize(
    "stored,typed", [("Q5A9QP", "QSA9QP"), ("Q5A9QP", "q5a-9qp"), ("B2S8ZQ", "82SBZQ"), ("QSA9QP", "Q5A9QP")]
)
def test_an_earlier_code_works_typed_with_a_look_alike(client, workshop, stored, typed):
    Workshop.objects.filter(pk=workshop.pk).update(join_code=stored)
    response = client.get(reverse("join"), {"code": typed})
    assert response.status_code == 302 and response.url == reverse("attend", args=[stored])


def test_the_code_as_typed_wins_over_a_look_alike(client, workshop, organisation):
    Workshop.objects.filter(pk=workshop.pk).update(join_code="Q5A9QP")
    other = Workshop.objects.create(organisation=organisation, title="Other", date=workshop.date)
    Workshop.objects.filter(pk=other.pk).update(join_code="QSA9QP")
    assert client.get(reverse("join"), {"code": "QSA9QP"}).url == reverse("attend", args=["QSA9QP"])
    assert client.get(reverse("join"), {"code": "Q5A9QP"}).url == reverse("attend", args=["Q5A9QP"])


def test_an_o_or_zero_is_read_as_the_q_or_d_it_looks_like(client, workshop):
    Workshop.objects.filter(pk=workshop.pk).update(join_code="QDA9QP")
    assert client.get(reverse("join"), {"code": "0OA9QP"}).url == reverse("attend", args=["QDA9QP"])


def test_a_look_alike_address_leads_to_the_workshop_and_an_answer_through_it_counts(client, workshop, words_poll):
    Workshop.objects.filter(pk=workshop.pk).update(join_code="Q5A9QP")
    assert client.get("/j/qsa9qp/").url == reverse("attend", args=["Q5A9QP"])
    client.get("/j/Q5A9QP/")
    client.post(f"/j/QSA9QP/polls/{words_poll.pk}/", {"word": "friends"})
    assert PollResponse.objects.filter(poll=words_poll, text="friends").exists()


def test_a_wrong_code_with_look_alikes_is_still_wrong(client, workshop):
    response = client.get(reverse("join"), {"code": "SSSSSS"})
    assert response.status_code == 404 and "No open workshop has the code “SSSSSS”" in response.content.decode()


def test_candidates_are_few_and_only_valid_codes():
    assert len(join_code_candidates("SSSSSS")) == 64
    assert (
        join_code_candidates("ABC") == []
        and join_code_candidates("ÀBCDEF") == []
        and join_code_candidates("\x00" * 6) == []
    )
