"""create_org, add_member and demo, with the errors a person running them will make."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.test import Client

from casereview.models import Membership, Organisation, User, VocabularyTerm


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_org_creates_an_la_with_its_vocabularies(db):
    output = run("create_org", "eastmere", "--name", "Eastmere Council")
    organisation = Organisation.objects.get(slug="eastmere")
    assert organisation.name == "Eastmere Council"
    assert VocabularyTerm.objects.filter(organisation=organisation).count() > 40
    assert "add_member eastmere" in output


@pytest.mark.parametrize(
    "args,message",
    [
        (["northshire", "--name", "Another"], "slug 'northshire' already exists"),
        (["other", "--name", "northshire county council"], "already exists"),
        (["Not A Slug", "--name", "X"], "not a valid slug"),
    ],
)
def test_create_org_refuses_duplicates_and_bad_slugs(organisation, args, message):
    with pytest.raises(CommandError, match=message):
        run("create_org", *args)
    assert Organisation.objects.count() == 1


def test_add_member_creates_the_account_and_prints_a_working_password_link(organisation):
    output = run("add_member", "northshire", "New.Person@Northshire.test", "--role", "facilitator")
    user = User.objects.get(email="new.person@northshire.test")
    assert not user.has_usable_password()
    assert user.membership.role == "facilitator" and user.membership.organisation == organisation

    path = re.search(r"https?://[^/]+(/accounts/reset/\S+)", output).group(1)
    client = Client()
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "chosen-password-9", "new_password2": "chosen-password-9"}
    )
    assert client.login(request=HttpRequest(), username="new.person@northshire.test", password="chosen-password-9")


def test_add_member_adds_an_existing_account_without_a_link(organisation, django_user_model):
    django_user_model.objects.create_user(email="known@northshire.test", password="x" * 16)
    output = run("add_member", "northshire", "known@northshire.test", "--role", "viewer")
    assert "now SEND lead (viewer)" in output
    assert "/accounts/reset/" not in output


@pytest.mark.parametrize(
    "args,message",
    [
        (["nowhere", "x@northshire.test", "--role", "lead"], "no organisation with the slug 'nowhere'"),
        (["northshire", "x@northshire.test", "--role", "boss"], "'boss' is not a role"),
        (["northshire", "not-an-email", "--role", "lead"], "not a valid email address"),
        (["northshire", "lead@northshire.test", "--role", "viewer"], "already a member of Northshire"),
        (["northshire", "lead@southvale.test", "--role", "viewer"], "already belongs to Southvale"),
    ],
)
def test_add_member_explains_what_is_wrong_and_changes_nothing(lead, outsider, args, message):
    memberships = list(Membership.objects.values_list("user__email", "organisation__slug", "role"))
    with pytest.raises(CommandError, match=message):
        run("add_member", *args)
    assert list(Membership.objects.values_list("user__email", "organisation__slug", "role")) == memberships
    assert not User.objects.filter(email="x@northshire.test").exists()


def test_demo_is_idempotent_and_its_printed_credentials_sign_in(db, settings):
    settings.DEBUG = True
    first = run("demo")
    second = run("demo")
    assert first == second
    assert Organisation.objects.filter(slug="demo").count() == 1
    assert sorted(Membership.objects.values_list("user__email", "role")) == [
        ("facilitator@demo.test", "facilitator"),
        ("lead@demo.test", "lead"),
        ("viewer@demo.test", "viewer"),
    ]
    password = re.search(r"with password '([^']+)'", first).group(1)
    for email in ("lead@demo.test", "facilitator@demo.test", "viewer@demo.test"):
        assert email in first
        assert Client().login(request=HttpRequest(), username=email, password=password)


def test_demo_refuses_to_run_on_a_production_server_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only loaded when DEBUG is on"):
        run("demo")
    assert not Organisation.objects.exists()
    run("demo", "--force")
    assert Organisation.objects.filter(slug="demo").exists()
