"""Walk every URL of the project (from the URL conf, as test_every_url_keeps_tenants_apart does,
so a new view is covered automatically) as the LA's own lead, and the public ones also as an
attendee's phone, by GET and POST, with a strange number ('²', '-1', '1e9', '', 10,000 digits, 20
digits, bytes that are not UTF-8...) in every parameter a view reads a number from. Whatever
comes back, it is never a server error: a bad number is a message or a 404 (casereview.numbers)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from casereview.key_shapes import names_a_secret
from tests.casereview import test_every_url_keeps_tenants_apart as tenants_walk
from tests.strange_numbers import NAMED, NOT_UTF8, NOT_UTF8_IN_A_QUERY
from workshops.models import CaseAllocation, Poll

world = tenants_walk.world  # the same LA's data, with real ids of every kind of object

# The bug reports' strings, and two relatives: one past a 64-bit id, one int() reads but we must not.
NUMBERS = NAMED + ["99999999999999999999", "٣"]
# Query-string parameters and POST fields that views read a number (or an id) from.
NUMBER_NAMES = [
    "case", "value", "page", "version", "sort", "token", "v", "since", "shown", "focus_area", "code",
    "position", "room", "workshop", "deprivation_decile", "scale_max", "number", "year_group", "limit", "offset",
]  # fmt: skip


def numbers_sent(value: str, world) -> dict:
    """Every numeric-looking parameter holding ``value``, the ones shaped ``kind:ID`` included."""
    fields = dict.fromkeys(NUMBER_NAMES, value)
    fields |= {"one": f"approve:{value}", "response": [value, value], "scope": f"workshop:{value}"}
    for allocation in CaseAllocation.objects.filter(workshop=world["workshop"]):
        fields |= {f"position_{allocation.pk}": value, f"room_{allocation.pk}": value}
    return fields


def not_utf8(names) -> tuple[str, bytes]:
    """A query string and a POST body holding bytes that are not UTF-8 in every field named."""
    query = "&".join(f"{name}={NOT_UTF8_IN_A_QUERY}" for name in names)
    body = b"&".join(name.encode() + b"=" + NOT_UTF8 for name in names)
    return query, body


class Walk:
    """Sends the requests and keeps every server error (or exception) found, to list them all at once."""

    def __init__(self):
        self.errors = []
        self.requests = 0

    def send(self, client, verb, url, where, **options):
        self.requests += 1
        try:
            response = getattr(client, verb)(url, **options)
        except Exception as error:  # noqa: BLE001 - any exception is the finding
            self.errors.append(f"{where}: {type(error).__name__}: {str(error)[:200]}")
            return
        if response.status_code >= 500:
            self.errors.append(f"{where}: {response.status_code}")

    def every_number(self, client, url, names, where, world):
        """GET and POST ``url`` with each strange number in every field, then with bytes that are not UTF-8."""
        for value in NUMBERS:
            fields = {name: v for name, v in numbers_sent(value, world).items() if name in names}
            shown = value if len(value) < 25 else f"{value[:10]}…({len(value)} characters)"
            self.send(client, "get", url, f"GET {url} {shown!r} ({where})", data=fields)
            self.send(client, "post", url, f"POST {url} {shown!r} ({where})", data=fields)
        query, body = not_utf8(names)
        self.send(client, "get", url, f"GET {url} not UTF-8 ({where})", QUERY_STRING=query)
        form = "application/x-www-form-urlencoded"
        self.send(client, "post", url, f"POST {url} not UTF-8 ({where})", data=body, content_type=form)


def urls_of(pattern, world, scale_poll) -> list[str]:
    """The route with the LA's real ids; a poll's routes also with the open scale poll."""
    kwargs = tenants_walk.kwargs_for(pattern, world)
    urls = [reverse(pattern.name, kwargs=kwargs)]
    if "poll_pk" in kwargs or tenants_walk.PK_OWNERS.get(pattern.name) == "poll":
        key = "poll_pk" if "poll_pk" in kwargs else "pk"
        urls.append(reverse(pattern.name, kwargs={**kwargs, key: scale_poll.pk}))
    return urls


@pytest.fixture
def scale_poll(world):
    return Poll.objects.create(
        workshop=world["workshop"], question="How confident?", kind="scale", scale_max=5, is_open=True
    )


def in_walking_order(patterns):
    """Deleting pages last, so every other page still finds the LA's objects."""
    return sorted(patterns, key=lambda pattern: "delete" in pattern.name)


def test_no_view_answers_a_strange_number_with_a_server_error(world, scale_poll, lead):
    world["feed_key"] = tenants_walk.token_create(organisation=world["workshop"].organisation, name="Walk", by=lead)[1]
    walk, names = Walk(), list(numbers_sent("1", world))
    patterns = in_walking_order(tenants_walk.url_patterns())
    assert len(patterns) > 40  # the walk really covers the project
    lead_client = Client(headers={"Authorization": f"Bearer {world['feed_key']}"})  # the feed reads a key
    for pattern in patterns:
        lead_client.force_login(lead)  # again: the walk passes the sign-out page too
        # The feed refuses parameters named like a secret before reading anything: leave them out there.
        sent = [n for n in names if not names_a_secret(n)] if pattern.name in tenants_walk.FEED_KEY_PAGES else names
        for url in urls_of(pattern, world, scale_poll):
            walk.every_number(lead_client, url, sent, f"{pattern.name}, as the lead", world)
    assert walk.requests > 1000
    assert not walk.errors, "server errors:\n" + "\n".join(walk.errors)


def test_no_public_page_answers_a_stranger_s_number_with_a_server_error(world, scale_poll):
    walk, names = Walk(), list(numbers_sent("1", world))
    phone = Client()
    phone.get(reverse("attend", kwargs={"code": world["workshop"].join_code}))  # the phone's cookie
    for pattern in tenants_walk.url_patterns():
        if pattern.name in tenants_walk.PUBLIC:
            for url in urls_of(pattern, world, scale_poll):
                walk.every_number(phone, url, names, f"{pattern.name}, as a phone", world)
                walk.every_number(Client(), url, names, f"{pattern.name}, without a cookie", world)
    assert not walk.errors, "server errors:\n" + "\n".join(walk.errors)


def test_no_decile_in_an_uploaded_dataset_gives_a_server_error(world, client_for, lead):
    walk, client = Walk(), client_for(lead)
    cells = [value.encode() for value in NUMBERS] + [NOT_UTF8, b'"' + NOT_UTF8 + b'"']
    for cell in cells:
        data = b"urn,name,deprivation_decile,pupils\n100001,Northgate Academy," + cell + b",1200\n"
        upload = {"name": "Deciles", "file": SimpleUploadedFile("settings.csv", data, content_type="text/csv")}
        walk.send(client, "post", reverse("datasets"), f"deprivation_decile {cell[:12]!r}", data=upload)
    assert not walk.errors, "server errors:\n" + "\n".join(walk.errors)
