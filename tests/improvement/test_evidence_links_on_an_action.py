"""Links to an action's evidence (a board paper, a dashboard): added and removed on the action's page
by the lead, read by every member, 404 for another LA; web addresses only, guarded, at most 10."""

from django.utils.html import escape

from improvement.models import EvidenceLink

UPN = "H801200001001"


def _add(client, action, url, label=""):
    return client.post(f"/plans/actions/{action.pk}/evidence/", {"url": url, "label": label}, follow=True)


def test_the_lead_adds_a_link_every_member_reads_it_and_only_the_lead_removes_it(
    action, lead, facilitator, viewer, client_for
):
    response = _add(client_for(lead), action, "https://northshire.sharepoint.com/send/board-march.pdf", "Board paper")
    assert response.redirect_chain == [(f"/plans/actions/{action.pk}/", 302)]
    assert "Added the evidence link." in response.content.decode()
    link = EvidenceLink.objects.get()
    assert (link.action, link.label, link.added_by) == (action, "Board paper", lead)
    for member in (viewer, facilitator):
        page = client_for(member).get(f"/plans/actions/{action.pk}/").content.decode()
        assert '<a href="https://northshire.sharepoint.com/send/board-march.pdf" rel="noopener noreferrer">' in page
        assert "Board paper" in page and "Remove" not in page and "Add the link" not in page
        for url in (f"/plans/actions/{action.pk}/evidence/", f"/plans/evidence/{link.pk}/delete/"):
            assert client_for(member).post(url, {"url": "https://example.org/"}).status_code == 403
    assert EvidenceLink.objects.count() == 1
    response = client_for(lead).post(f"/plans/evidence/{link.pk}/delete/", follow=True)
    assert "Removed the evidence link “Board paper”." in response.content.decode()
    assert not EvidenceLink.objects.exists()


def test_another_las_lead_gets_404_and_changes_nothing(action, lead, outsider, client_for):
    _add(client_for(lead), action, "https://northshire.example/kpis")
    link = EvidenceLink.objects.get()
    client = client_for(outsider)
    assert client.post(f"/plans/actions/{action.pk}/evidence/", {"url": "https://evil.example/"}).status_code == 404
    assert client.post(f"/plans/evidence/{link.pk}/delete/").status_code == 404
    assert client.get(f"/plans/evidence/{link.pk}/delete/").status_code in (404, 405)
    assert list(EvidenceLink.objects.values_list("url", flat=True)) == ["https://northshire.example/kpis"]


def test_only_web_addresses_without_a_childs_identifier_are_kept_each_refusal_said(action, lead, client_for):
    client = client_for(lead)
    for url, label, message in (
        ("ftp://files.northshire.example/plan.docx", "", "Give a web address starting with https://"),
        ("javascript:alert(1)", "", "Enter a web address, e.g. https://"),
        ("not a link at all", "", "Enter a web address, e.g. https://"),
        (f"https://northshire.example/cases/{UPN}", "", "could identify a child"),
        ("https://northshire.example/plan", f"Plan for {UPN}", "could identify a child"),
        ("", "Board paper", "This field is required"),
    ):
        page = _add(client, action, url, label).content.decode()
        assert "The link was not added:" in page and escape(message) in page, (url, label)
    assert not EvidenceLink.objects.exists()
    # An address typed without its scheme is taken as https.
    _add(client, action, "northshire.example/dashboards/send")
    assert EvidenceLink.objects.get().url == "https://northshire.example/dashboards/send"


def test_an_action_keeps_at_most_ten_links(action, lead, client_for):
    client = client_for(lead)
    for n in range(10):
        _add(client, action, f"https://northshire.example/evidence/{n}")
    page = _add(client, action, "https://northshire.example/evidence/eleventh").content.decode()
    assert "An action keeps at most 10 evidence links: remove one before adding another." in page
    assert 'data-testid="links-full"' in page
    assert EvidenceLink.objects.count() == 10
    assert not EvidenceLink.objects.filter(url__endswith="eleventh").exists()
