"""Each theme on the dashboard shows the actions that answer it; themes with no action are listed as gaps;
the follow-ups of the non-ideal reviews are counted there too."""

import datetime
import re

from improvement import services
from improvement.selectors import themes_without_action
from improvement.services import ActionData


def _action_for(focus_area, lead, theme, title):
    return services.action_save(
        focus_area=focus_area,
        action=None,
        by=lead,
        expected_version=0,
        data=ActionData(title=title, owner="Head of SEND", due=datetime.date(2027, 1, 1), themes=[theme]),
    )


def _row(page, label):
    page = page.split('data-testid="plan-section"')[1]  # the plan's section, not the figures' own theme table
    match = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>\s*<td>(.*?)</td>", page, re.S)
    assert match, label
    return match.group(1)


def test_the_dashboard_lists_each_themes_actions_and_the_gaps(focus_area, lead, viewer, term, client_for, organisation):
    workforce = term("theme", "WORKFORCE_CAPACITY")
    _action_for(focus_area, lead, workforce, "Recruit two educational psychologists")
    page = client_for(viewer).get("/dashboards/").content.decode()
    assert "Recruit two educational psychologists" in _row(page, workforce.label)
    transition = term("theme", "TRANSITION_BETWEEN_SETTINGS")
    assert "No action yet" in _row(page, transition.label)
    gaps = page.split('data-testid="themes-without-action"')[1].split("</ul>")[0]
    assert transition.label in gaps and workforce.label not in gaps
    assert "Add an action" not in page  # a viewer reads; only the lead adds


def test_the_lead_gets_a_link_to_add_an_action_for_a_theme(focus_area, lead, term, client_for):
    page = client_for(lead).get("/dashboards/").content.decode()
    assert "/plans/actions/new/?theme=WORKFORCE_CAPACITY" in page
    form = client_for(lead).get("/plans/actions/new/?theme=WORKFORCE_CAPACITY").content.decode()
    assert f'value="{term("theme", "WORKFORCE_CAPACITY").pk}"' in form and "checked" in form


def test_a_focus_area_citing_a_theme_without_any_action_leaves_it_a_gap(focus_area, lead, term, organisation):
    theme = term("theme", "WORKFORCE_CAPACITY")
    focus_area.themes.add(theme)
    assert theme in themes_without_action(organisation)
    _action_for(focus_area, lead, term("theme", "TRANSITION_BETWEEN_SETTINGS"), "Transition support")
    assert theme not in themes_without_action(organisation)  # its focus area now has an action


def test_the_dashboard_counts_the_follow_ups_of_non_ideal_reviews(
    allocations, facilitator, lead, viewer, term, client_for
):
    from workshops.services.answers import ReviewAnswer
    from workshops.services.reviews import review_save

    not_ideal = ReviewAnswer(
        True,
        False,
        [term("non_ideal_area", "TIMING_OF_SUPPORT")],
        term("provision", "MAINSTREAM"),
        [term("theme", "WORKFORCE_CAPACITY")],
    )
    reviews = [review_save(allocation=a, answer=not_ideal, by=facilitator, expected_version=0) for a in allocations]
    services.follow_up_add(review=reviews[0], date=datetime.date(2027, 1, 5), outcome="no_change", note="", by=lead)
    services.follow_up_add(review=reviews[0], date=datetime.date(2027, 3, 5), outcome="moved", note="", by=lead)
    services.follow_up_add(
        review=reviews[1], date=datetime.date(2027, 2, 5), outcome="support_changed", note="", by=lead
    )
    page = client_for(viewer).get("/dashboards/").content.decode()
    assert re.search(r"Of 3 reviews whose outcome was not ideal, <span data-testid=\"followed-up\">2</span>", page)
    assert re.search(r"Moved to the suggested provision</th><td>1</td>", page)  # the latest follow-up of the first
    assert re.search(r"No change</th><td>0</td>", page)
    assert re.search(r"Support changed</th><td>1</td>", page)
