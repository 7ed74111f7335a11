"""Behind the load balancer, failed sign-ins lock out the client that made them, not everyone
coming through the balancer (issue 16, item 5); X-Forwarded-For is trusted only as many hops as
there are proxies."""

from django.test import RequestFactory, override_settings
from django.urls import reverse

from casereview.client_ip import client_ip

PASSWORD = "a-long-enough-password-1"
BALANCER = "10.0.0.2"


def _sign_in(client, password, client_address):
    return client.post(
        reverse("login"),
        {"username": "person@northshire.test", "password": password},
        REMOTE_ADDR=BALANCER,
        HTTP_X_FORWARDED_FOR=client_address,
    )


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_five_failures_from_one_client_do_not_lock_out_another(client, django_user_model, db, settings):
    django_user_model.objects.create_user(email="person@northshire.test", password=PASSWORD)
    statuses = [_sign_in(client, "wrong", "203.0.113.5").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[-1] == 429  # the guesser is locked out...
    assert _sign_in(client, PASSWORD, "203.0.113.5").status_code == 429
    client.cookies.clear()
    assert _sign_in(client, PASSWORD, "198.51.100.7").status_code == 302  # ...the person at another address is not


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_a_client_cannot_dodge_the_lockout_by_writing_its_own_forwarded_for(client, django_user_model, db, settings):
    django_user_model.objects.create_user(email="person@northshire.test", password=PASSWORD)
    for n in range(settings.AXES_FAILURE_LIMIT):
        # The balancer appends the address it saw; what the client wrote before it is ignored.
        _sign_in(client, "wrong", f"192.0.2.{n}, 203.0.113.5")
    assert _sign_in(client, PASSWORD, "192.0.2.99, 203.0.113.5").status_code == 429


def test_the_address_is_read_for_the_configured_number_of_hops(settings):
    request = RequestFactory().get("/", REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5, 10.0.0.9")
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip(request) == BALANCER  # no proxy configured: the header is the client's claim
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_ip(request) == "10.0.0.9"
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_ip(request) == "203.0.113.5"


def test_behind_tls_proxy_means_one_trusted_hop_and_axes_asks_us():
    from tests.casereview.test_settings_validation import run_manage

    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.TRUSTED_PROXY_HOPS, s.AXES_CLIENT_IP_CALLABLE)",
        DEBUG="true",
        BEHIND_TLS_PROXY="true",
    )
    assert result.stdout.split()[-2:] == ["1", "casereview.client_ip.axes_client_ip"], result.stderr
