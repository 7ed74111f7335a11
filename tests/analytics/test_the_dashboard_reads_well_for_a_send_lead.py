"""The dashboard for a SEND lead: a contents list with a way back from every section, one
provision section, labels (not codes) in the tables on the page while the downloads keep the
codes, freshness in plain words, and the heatmap left to its table on a phone."""

import csv
import io

import pytest
from django.urls import reverse

from analytics import snapshots
from tests.fixtures import save_ideal_and_not_ideal


@pytest.fixture
def reviewed(organisation, allocations, facilitator, term):
    save_ideal_and_not_ideal(allocations, facilitator, term)
    snapshots.compute_snapshot(organisation.pk, "all")
    return allocations


def dashboard(client):
    return client.get(reverse("dashboard")).content.decode()


def test_a_contents_list_links_to_every_section_and_each_leads_back(client_for, viewer, reviewed):
    page = dashboard(client_for(viewer))
    contents = page.split('data-testid="contents"', 1)[1].split("</nav>", 1)[0]
    for heading in (
        "outcome-heading",
        "areas-heading",
        "themes-heading",
        "provision-heading",
        "crosstab-heading",
        "disciplines-heading",
    ):
        assert f'href="#{heading}"' in contents and f'id="{heading}"' in page
    assert page.count('href="#contents">Back to contents</a>') >= 6


def test_provision_has_one_section(client_for, viewer, reviewed):
    page = dashboard(client_for(viewer))
    assert 'id="table-provision"' in page
    assert 'id="table-by-provision"' not in page and "Outcomes by provision at review" not in page


def test_tables_on_the_page_show_labels_and_downloads_keep_the_codes(client_for, viewer, reviewed):
    client = client_for(viewer)
    page = dashboard(client)
    themes_table = page.split('id="table-themes"', 1)[1].split("</table>", 1)[0]
    assert "Workforce capacity" in themes_table
    assert "WORKFORCE_CAPACITY" not in themes_table and ">Code<" not in themes_table
    download = client.get(reverse("dashboard_download", args=["themes", "csv"]), {"scope": "all"}).content.decode(
        "utf-8-sig"
    )
    header, *rows = list(csv.reader(io.StringIO(download)))
    assert header[1] == "Code" and rows[0][1] == "WORKFORCE_CAPACITY"


def test_freshness_is_in_plain_words(client_for, viewer, reviewed):
    page = dashboard(client_for(viewer))
    freshness = page.split('data-testid="freshness"', 1)[1].split("</p>", 1)[0]
    assert "these figures include every review saved up to" in freshness
    assert " ms " not in freshness and "computed" not in freshness


def test_the_heatmap_is_marked_to_give_way_to_its_table_on_a_phone(client_for, viewer, reviewed):
    page = dashboard(client_for(viewer))
    crosstab = page.split('id="crosstab-heading"', 1)[1].split("</section>", 1)[0]
    assert 'class="mb-1 chart-wide-only"' in crosstab and 'id="table-crosstab"' in crosstab


def test_an_outsider_sees_none_of_it(client_for, outsider, reviewed):
    page = dashboard(client_for(outsider))
    assert "Of 2 reviews" not in page
