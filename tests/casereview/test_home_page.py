from django.urls import reverse


def test_it_shows_the_signed_in_users_organisation_and_role(client_for, lead, viewer):
    page = client_for(lead).get(reverse("home")).content.decode()
    assert "Northshire County Council" in page and "programme lead" in page.lower()
    page = client_for(viewer).get(reverse("home")).content.decode()
    assert "Northshire County Council" in page and "SEND lead (viewer)" in page


def test_an_outsider_sees_their_own_la_not_ours(client_for, lead, outsider):
    page = client_for(outsider).get(reverse("home")).content.decode()
    assert "Southvale Borough Council" in page
    assert "Northshire" not in page


def test_an_account_without_an_la_is_told_so(client_for, django_user_model, db):
    loner = django_user_model.objects.create_user(email="loner@example.test", password="x" * 16)
    response = client_for(loner).get(reverse("home"))
    assert response.status_code == 403
    assert "not been added to a local authority" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_pages_use_bootstrap_and_htmx_served_by_the_app(client_for, lead):
    page = client_for(lead).get(reverse("home")).content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in page
    assert "/static/django_htmx/htmx-2.min.js" in page
    assert "https://" not in page
