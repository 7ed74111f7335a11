"""Issue 33: a dashboard open in one tab, a review saved in another. The dashboard asks every 10 s
whether newer figures exist and reloads itself; it never goes on claiming "Up to date" without
having asked, and says so when it cannot ask."""

import re

import pytest

from workshops.models import CaseAllocation
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

pytestmark = pytest.mark.browser


def reviews_shown(page) -> int:
    return int(re.search(r"\((\d+) reviews?\)", page.get_by_test_id("freshness").inner_text())[1])


def test_a_review_saved_elsewhere_reaches_an_open_dashboard_within_seconds(visit, demo, computed):
    computed("all")
    viewer = visit("desktop").sign_in("viewer@demo.test")
    viewer.page.goto("/dashboards/")
    before = reviews_shown(viewer.page)
    viewer.check()

    to_do = CaseAllocation.objects.filter(
        workshop__organisation=demo, kind="first", review__isnull=True, room__isnull=False
    ).first()
    themes = list(demo.vocabulary.filter(kind="theme")[:1])
    review_save(
        allocation=to_do,
        answer=ReviewAnswer(True, True, themes=themes),
        by=to_do.room.facilitators.first(),
        expected_version=0,
    )
    # What the worker does with the refresh the save asked for (no worker runs in these journeys;
    # without Redis the refresh runs in-process and this finds the figures current already).
    computed("all")
    # The page reloads itself: no click, no navigation by the test.
    viewer.page.wait_for_function(
        "n => /\\((\\d+) reviews?\\)/.exec(document.querySelector('[data-testid=freshness]')?.innerText || '')"
        " && Number(/\\((\\d+) reviews?\\)/.exec(document.querySelector('[data-testid=freshness]').innerText)[1]) > n",
        arg=before,
        timeout=25_000,
    )
    assert reviews_shown(viewer.page) == before + 1
    viewer.check()


def test_a_dashboard_that_cannot_ask_says_so(visit, demo, computed):
    computed("all")
    viewer = visit("desktop").sign_in("viewer@demo.test")
    viewer.page.goto("/dashboards/")
    offline = viewer.page.get_by_test_id("freshness-offline")
    assert offline.is_hidden()
    viewer.page.route("**/dashboards/status/**", lambda route: route.abort())
    offline.wait_for(state="visible", timeout=25_000)
    viewer.page.unroute("**/dashboards/status/**")
    offline.wait_for(state="hidden", timeout=25_000)
