"""An LA that has not chosen who must use a second factor follows MFA_REQUIRED_FOR_DEFAULT: its
Sign-in page must show that rule, not the column's default (a newcomer saw "Programme leads"
while nobody was asked, and saving the page unchanged switched the rule on)."""

import pytest

from casereview.models import OrganisationSignIn
from casereview.signin.forms import SignInSettingsForm


@pytest.mark.parametrize("default", ["none", "leads", "everyone"])
def test_an_la_that_has_not_chosen_sees_the_default_that_applies(organisation, settings, default):
    settings.MFA_REQUIRED_FOR_DEFAULT = default
    form = SignInSettingsForm(instance=OrganisationSignIn(organisation=organisation))
    assert form["mfa_required_for"].value() == default


def test_an_la_that_has_chosen_sees_its_choice(organisation, settings):
    settings.MFA_REQUIRED_FOR_DEFAULT = "none"
    chosen = OrganisationSignIn.objects.create(organisation=organisation, mfa_required_for="everyone")
    assert SignInSettingsForm(instance=chosen)["mfa_required_for"].value() == "everyone"
