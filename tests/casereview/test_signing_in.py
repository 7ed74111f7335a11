"""Sign in with an email address, sign out, change and reset a password."""

import re

from django.core import mail
from django.urls import reverse

PASSWORD = "a-long-enough-password-1"


def make_user(django_user_model, email="person@northshire.test"):
    return django_user_model.objects.create_user(email=email, password=PASSWORD)


def test_a_person_signs_in_with_their_email_and_signs_out(client, django_user_model, db):
    make_user(django_user_model)
    response = client.post(reverse("login"), {"username": "person@northshire.test", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, django_user_model, db):
    make_user(django_user_model)
    response = client.post(reverse("login"), {"username": "person@northshire.test", "password": "wrong"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_person_changes_their_password(client, django_user_model, db):
    user = make_user(django_user_model)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-password-2",
            "new_password2": "another-long-password-2",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-password-2")


def test_a_password_reset_link_is_emailed_and_works_once(client, django_user_model, db):
    user = make_user(django_user_model)
    client.post(reverse("password_reset"), {"email": "person@northshire.test"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choose a password" in form_page.content.decode()
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-password-3", "new_password2": "brand-new-password-3"},
    )
    user.refresh_from_db()
    assert user.check_password("brand-new-password-3")
    assert "no longer works" in client.get(link, follow=True).content.decode()


def test_a_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@nowhere.test"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []
