"""The dashboard's filters: five labelled selects (workshop, phase, primary need, support level,
current provision) sent by a plain GET form, answered with the scope's one address (?scope=...),
which the heading describes, the downloads use, and only the member's own LA may name."""

import datetime

import pytest
from django.urls import reverse

from casereview.models import VocabularyTerm
from casereview.services import vocabulary_term_set_retired
from casereview.vocabularies import VocabularyKind
from tests.fixtures import save_ideal_and_not_ideal
from workshops.models import Workshop
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


@pytest.fixture
def reviewed(settings, organisation, allocations, facilitator, term):
    """Two analysed reviews and one without consensus, all secondary, autistic, with an EHCP, in MSS."""
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no worker here: a first view computes its figures in-process
    save_ideal_and_not_ideal(allocations, facilitator, term)
    review_save(allocation=allocations[2], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    return allocations


def choose(client, **chosen):
    """Send the filter form as a browser does: every select, "Any" as empty."""
    return client.get(
        reverse("dashboard"),
        {kind: chosen.get(kind, "") for kind in ("workshop", "phase", "primary_need", "support_level", "provision")},
    )


def test_the_form_is_answered_with_one_address_holding_every_filter(client_for, viewer, reviewed, workshop):
    client = client_for(viewer)
    response = choose(client, phase="SECONDARY", workshop=workshop.pk)
    assert response.status_code == 302
    assert response.url == f"/dashboards/?scope=workshop:{workshop.pk},phase:SECONDARY"
    page = client.get(response.url).content.decode()
    assert (
        '<h1 class="h2 mb-3" data-testid="scope-title">Workshop: Secondary case reviews · Phase: Secondary</h1>' in page
    )
    # The downloads name the same combination, and so does the address their files are named by.
    assert f'?scope=workshop:{workshop.pk},phase:SECONDARY">CSV' in page
    assert choose(client).url == "/dashboards/"  # every select on "Any": all workshops


def test_the_form_shows_labels_and_what_is_chosen(client_for, lead, reviewed, workshop):
    page = (
        client_for(lead)
        .get(reverse("dashboard"), {"scope": f"workshop:{workshop.pk},primary_need:ASD"})
        .content.decode()
    )
    for name, label in (
        ("workshop", "Workshop"),
        ("phase", "Phase"),
        ("primary_need", "Primary need"),
        ("support_level", "Support level"),
        ("provision", "Current provision"),
    ):
        assert f'<label class="form-label mb-1" for="id_{name}">{label}</label>' in page
        assert f'<select name="{name}" id="id_{name}" class="form-select"' in page
    assert (
        page.count('<option value="" selected>Any</option>') == 3
    )  # phase, support level and provision are not chosen
    assert f'<option value="{workshop.pk}" selected>Secondary case reviews (20 May 2026)</option>' in page
    assert '<option value="ASD" selected>Autistic spectrum disorder</option>' in page
    assert '<option value="SEN_SUPPORT">SEN support</option>' in page  # labels, not codes
    assert '<button type="submit" class="btn btn-primary">Apply</button>' in page and ">Clear filters</a>" in page


def test_the_workshop_dashboard_can_be_narrowed_by_the_kinds_of_case_too(client_for, facilitator, reviewed, workshop):
    page = client_for(facilitator).get(reverse("workshop_dashboard", args=[workshop.pk])).content.decode()
    assert 'action="/dashboards/"' in page and f'<option value="{workshop.pk}" selected>' in page
    assert '<select name="phase" id="id_phase" class="form-select"' in page


def test_a_combination_fixing_phase_and_workshop_shows_no_breakdown_by_either(client_for, viewer, reviewed, workshop):
    page = (
        client_for(viewer)
        .get(reverse("dashboard"), {"scope": f"workshop:{workshop.pk},phase:SECONDARY"})
        .content.decode()
    )
    assert 'id="table-by-phase"' not in page and 'id="table-by-workshop"' not in page
    assert 'id="table-by-primary_need"' in page and 'id="table-by-room"' in page


def test_few_reviews_and_none_are_said_plainly(client_for, viewer, reviewed, workshop):
    client = client_for(viewer)
    few = client.get(reverse("dashboard"), {"scope": f"workshop:{workshop.pk},phase:SECONDARY"}).content.decode()
    assert "fewer than 5 reviews match these filters; treat shares with caution" in few
    none = client.get(reverse("dashboard"), {"scope": f"workshop:{workshop.pk},phase:PRIMARY,primary_need:SEMH"})
    assert none.status_code == 200
    page = none.content.decode()
    assert "No reviews match these filters." in page and "try fewer filters" in page
    assert 'id="chart-outcome"' not in page and 'data-testid="contents"' not in page  # no empty charts


def test_downloads_of_a_combination_are_named_by_it(client_for, viewer, reviewed, workshop):
    client = client_for(viewer)
    key = f"workshop:{workshop.pk},phase:SECONDARY"
    client.get(reverse("dashboard"), {"scope": key})
    response = client.get(reverse("dashboard_download", args=["outcome", "csv"]), {"scope": key})
    assert (
        response["Content-Disposition"] == f'attachment; filename="workshop-{workshop.pk}+phase-SECONDARY-outcome.csv"'
    )
    assert "Ideal outcome,1," in response.content.decode("utf-8-sig")
    client.get(reverse("dashboard"), {"scope": "phase:SECONDARY"})
    single = client.get(reverse("dashboard_download", args=["outcome", "xlsx"]), {"scope": "phase:SECONDARY"})
    assert single["Content-Disposition"] == 'attachment; filename="phase-SECONDARY-outcome.xlsx"'  # as before


# Access: the owner, a member of the same LA and an outsider, on every part of a combination.


@pytest.fixture
def theirs(other_organisation):
    """Another LA's workshop, and a phase code only that LA has."""
    workshop = Workshop.objects.create(
        organisation=other_organisation, title="Southvale only", date=datetime.date(2026, 5, 1)
    )
    VocabularyTerm.objects.create(
        organisation=other_organisation, kind=VocabularyKind.PHASE, code="SOUTHVALE_ONLY", label="Theirs", position=99
    )
    return workshop


def test_every_member_reads_a_combination_of_their_own_la(client_for, lead, viewer, facilitator, reviewed, workshop):
    key = f"workshop:{workshop.pk},phase:SECONDARY,primary_need:ASD,support_level:EHCP,provision:MSS"
    for person in (lead, viewer, facilitator):
        client = client_for(person)
        assert client.get(reverse("dashboard"), {"scope": key}).status_code == 200
        assert client.get(reverse("dashboard_status"), {"scope": key}).status_code in (200, 286)
        assert client.get(reverse("dashboard_download", args=["outcome", "csv"]), {"scope": key}).status_code == 200


def test_any_part_of_another_la_in_a_combination_answers_404(client_for, lead, outsider, reviewed, workshop, theirs):
    ours = client_for(lead)
    for key in (
        f"workshop:{theirs.pk},phase:SECONDARY",  # their workshop with a code we have too
        f"workshop:{workshop.pk},phase:SOUTHVALE_ONLY",  # our workshop with a code only they have
        f"phase:SECONDARY,primary_need:ASD,workshop:{theirs.pk}",
    ):
        for url in (
            reverse("dashboard"),
            reverse("dashboard_status"),
            reverse("dashboard_download", args=["outcome", "csv"]),
        ):
            assert ours.get(url, {"scope": key}).status_code == 404, (url, key)
    assert choose(ours, workshop=theirs.pk, phase="SECONDARY").status_code == 404  # by the form, too
    outside = client_for(outsider)
    for key in (f"workshop:{workshop.pk},phase:SECONDARY", f"phase:SECONDARY,workshop:{workshop.pk}"):
        assert outside.get(reverse("dashboard"), {"scope": key}).status_code == 404
    assert choose(outside, workshop=workshop.pk).status_code == 404
    page = outside.get(reverse("dashboard"), {"scope": f"workshop:{theirs.pk},phase:SOUTHVALE_ONLY"}).content.decode()
    assert "Workshop: Southvale only · Phase: Theirs" in page  # their own combination is theirs to read


def test_anonymous_visitors_are_sent_to_sign_in(client, reviewed, workshop):
    for response in (
        client.get(reverse("dashboard"), {"scope": f"workshop:{workshop.pk},phase:SECONDARY"}),
        choose(client, phase="SECONDARY"),
    ):
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_retired_term_can_still_be_chosen_to_read_past_reviews(client_for, viewer, reviewed, workshop, term):
    vocabulary_term_set_retired(term=term("primary_need", "ASD"), retired=True)
    client = client_for(viewer)
    page = client.get(reverse("dashboard")).content.decode()
    assert page.index('<option value="ASD">Autistic spectrum disorder (retired)</option>') > page.index(
        '<option value="NSA">'
    )  # after the current ones
    response = choose(client, workshop=workshop.pk, primary_need="ASD")
    assert response.url == f"/dashboards/?scope=workshop:{workshop.pk},primary_need:ASD"
    assert "Of 2 reviews of 2 children the rooms agreed on" in client.get(response.url).content.decode()
