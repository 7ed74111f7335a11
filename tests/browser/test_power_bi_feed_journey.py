"""The lead connects a Power BI report: makes a feed key in the browser, and the key reads a
dashboard table over HTTP with the header, as Power BI's Web connector sends it."""

import csv
import io

import pytest

from analytics.models import FeedRead

pytestmark = pytest.mark.browser


def test_the_lead_makes_a_key_and_a_report_reads_a_table_with_it(visit, computed, demo):
    computed("all")
    lead = visit("desktop").sign_in("lead@demo.test")
    page = lead.page
    page.get_by_role("link", name="Workshops", exact=True).click()
    page.get_by_role("link", name="Power BI feed").click()
    lead.check()
    page.get_by_label("Name of the key").fill("Power BI: SEND board report")
    page.get_by_role("button", name="Make a key").click()
    key = page.get_by_role("textbox", name="Feed key").input_value()
    assert key.startswith("crf_")
    lead.check("power-bi-feed")

    refused = page.request.get("/feed/v1/tables/outcome.csv")  # the browser's session is not a key
    assert refused.status == 401
    response = page.request.get("/feed/v1/tables/outcome.csv", headers={"Authorization": f"Bearer {key}"})
    assert response.status == 200
    rows = list(csv.reader(io.StringIO(response.body().decode("utf-8-sig"))))
    assert rows[0][:2] == ["Outcome", "Reviews"] and rows[1][0] == "Ideal outcome"

    page.reload()  # the form is not sent again as a second key
    page.get_by_role("cell", name="/feed/v1/tables/outcome.csv").first.wait_for()
    assert FeedRead.objects.filter(status=200).count() == 1
    assert page.get_by_role("button", name="Revoke Power BI: SEND board report").count() == 1
    page.goto("/workshops/power-bi-feed/")
    page.get_by_role("button", name="Revoke Power BI: SEND board report").click()
    page.get_by_text("Revoked “Power BI: SEND board report”").wait_for()
    lead.check()
    assert page.request.get("/feed/v1/tables/outcome.csv", headers={"Authorization": f"Bearer {key}"}).status == 401
