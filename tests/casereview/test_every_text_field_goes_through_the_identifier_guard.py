"""Every form of the project that takes text, and every text column of its models, goes through
the identifier guard (issue 16, item 3). The test walks the project's own form classes and models,
so a form or field added later without the guard fails here until it is guarded or listed below
with the reason it needs none."""

import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from casereview.identifiers import reject_attendee_identifiers, reject_identifiers
from casereview.models import VocabularyTerm
from workshops.models import Poll, PollSettings

PROJECT_APPS = ("casereview", "workshops", "analytics", "improvement")
GUARDS = (reject_identifiers, reject_attendee_identifiers)
UPN = "H801200001001"  # a checksum-valid UPN, as the attacker typed it into a theme

# Model text columns that need no guard, each with the reason. Anything else must carry the guard.
UNGUARDED_COLUMNS = {
    "casereview.User.password": "a password hash",
    "casereview.User.first_name": "a member of staff's own name, never a child's",
    "casereview.User.last_name": "a member of staff's own name, never a child's",
    "casereview.User.email": "a member of staff's sign-in address",
    "casereview.Organisation.slug": "letters, digits and hyphens given by an administrator's command",
    "casereview.VocabularyTerm.code": "made by the service from the guarded label",
    "casereview.DeletionRecord.what": "written by the code from counts and guarded titles",
    "casereview.DeletionRecord.reason": "written by the code",
    "workshops.Workshop.join_code": "generated from a fixed alphabet",
    "workshops.Case.year_group": "checked against N, R and 1 to 14 by the import",
    "workshops.ReviewAudit.source": "written by the code (console, import)",
    "workshops.PollResponse.phone": "a random token the server makes",
    "workshops.PollResponse.normalised": "made from the guarded text",
    "workshops.PollResponse.choice": "must be one of the poll's guarded options",
    "analytics.ReportSnapshot.scope": "written by the code",
    "analytics.ReportSnapshot.fingerprint": "written by the code",
    "analytics.SettingRow.urn": "six or seven digits (a school's URN), checked by the import",
    "analytics.SettingRow.name": "written only by analytics.variation.imports, which guards it",
    "analytics.SettingRow.phase": "written only by analytics.variation.imports, which guards it",
    "analytics.SettingRow.locality": "written only by analytics.variation.imports, which guards it",
    "analytics.FeedToken.key_prefix": "the start of a random key the server makes",
    "analytics.FeedToken.key_hash": "a SHA-256 the server makes",
    "analytics.FeedToken.form_nonce": "a random value the server puts in its own form",
    "analytics.FeedRead.path": "written only by analytics.feed.services.read_record, which guards it",
    "workshops.PollResponse.lemma": "made from the guarded text",
    "workshops.PollMerge.key": "a lemma made from guarded answers",
    "casereview.OrganisationSignIn.issuer": "the identity provider's issuer URL, checked as a URL",
    "casereview.OrganisationSignIn.client_id": "an id the identity provider gave the LA's IT",
    "casereview.OrganisationSignIn.client_secret_encrypted": "ciphertext made by casereview.signin.secrets",
    "casereview.OrganisationSignIn.client_secret_env": "an environment variable's name, checked as one",
    "casereview.OrganisationSignIn.allowed_domains": "email domains, each checked as a domain name",
    "improvement.FocusArea.sort_key": "made by the code from the guarded reference",
    "improvement.Action.sort_key": "made by the code from the guarded reference",
    "improvement.Risk.sort_key": "made by the code from the guarded reference",
    "improvement.Recommendation.sort_key": "made by the code from the guarded reference",
}


def _import_project_modules():
    for app in PROJECT_APPS:
        try:
            package = importlib.import_module(app)
        except ImportError:
            continue
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


# Forms that take text but keep none of it, each with the reason.
FORMS_KEEPING_NO_TEXT = {
    "casereview.forms.SignInForm": "checks an email and a password against an account; stores neither",
    "casereview.views.ResetForm": "an email address to send a link to; stores nothing",
    "casereview.signin.forms.SignInSettingsForm": "an identity provider's URL, ids, a secret and email domains, "
    "given by the LA's IT (the service checks the URL, the domains and the variable name); no free text",
    "casereview.admin.OrganisationSignInAdminForm": "the same settings, for the superuser's first setup",
}


def project_forms_taking_text():
    _import_project_modules()
    found = {
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.startswith(PROJECT_APPS)
        and not cls.__name__.startswith("_")
        and f"{cls.__module__}.{cls.__name__}" not in FORMS_KEEPING_NO_TEXT
        and any(isinstance(field, forms.CharField) for field in cls.base_fields.values())
    }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


def _guarded(field) -> bool:
    return any(validator is guard for validator in field.validators for guard in GUARDS)


def project_text_columns():
    return [
        (f"{model._meta.app_label}.{model.__name__}.{field.name}", field)
        for model in apps.get_models()
        if model.__module__.startswith(PROJECT_APPS)
        for field in model._meta.get_fields()
        if isinstance(field, (models.CharField, models.TextField)) and not field.choices
    ]


def test_every_model_text_column_carries_the_guard_or_says_why_not():
    unguarded = {name for name, field in project_text_columns() if not _guarded(field)}
    assert unguarded - set(UNGUARDED_COLUMNS) == set(), "guard these columns, or list them with a reason"
    assert set(UNGUARDED_COLUMNS) - unguarded == set(), "these are guarded now, or gone: take them off the list"


# How to build each form of the project for the LA in the fixtures. A new form taking text fails
# the walk below until it has a line here.
FORM_MAKERS = {
    "analytics.forms.SettingsUploadForm": lambda f, data: f(data, {"file": SimpleUploadedFile("s.csv", b"urn,name\n")}),
    "casereview.forms.VocabularyTermAddForm": lambda f, data: f(data),
    "casereview.forms.VocabularyTermForm": lambda f, data: f(data, instance=f.fixtures["theme"]),
    "workshops.forms.CaseReviewForm": lambda f, data: f(
        {**data, "version": 0}, organisation=f.fixtures["organisation"]
    ),
    "workshops.forms.RoomForm": lambda f, data: f(data, workshop=f.fixtures["workshop"]),
    "workshops.forms.WorkshopForm": lambda f, data: f(data, organisation=f.fixtures["organisation"]),
    # A poll reads only its own kind's fields (another kind's are neither checked nor kept), so each
    # field is tried in a poll of the kind it belongs to.
    "workshops.polls.forms.PollForm": lambda f, data: f(
        {**data, "kind": _poll_kind_reading(data)}, instance=Poll(workshop=f.fixtures["workshop"])
    ),
    "workshops.polls.forms.PollSettingsForm": lambda f, data: f(
        data, instance=PollSettings(organisation=f.fixtures["organisation"])
    ),
    "workshops.process_maps.forms.ProcessMapForm": lambda f, data: f(data),
    "workshops.process_maps.forms.StepForm": lambda f, data: f(data),
    "workshops.process_maps.forms.FindingForm": lambda f, data: f(data, organisation=f.fixtures["organisation"]),
    "workshops.agreement.forms.ModerationForm": lambda f, data: f(
        {**data, "version": 0}, organisation=f.fixtures["organisation"]
    ),
    "analytics.feed.views.TokenForm": lambda f, data: f(data),
    "improvement.forms.PlanForm": lambda f, data: f(data, organisation=f.fixtures["organisation"]),
    "improvement.workbook.forms.PlanImportForm": lambda f, data: f(
        data, {"workbook": SimpleUploadedFile("plan.xlsx", b"PK")}, organisation=f.fixtures["organisation"]
    ),
    "improvement.forms.WorkstreamForm": lambda f, data: f({**data, "position": 1}, plan=_plan(f)),
    "improvement.forms.FocusAreaForm": lambda f, data: f(data, organisation=f.fixtures["organisation"]),
    "improvement.forms.ActionForm": lambda f, data: f(data, organisation=f.fixtures["organisation"]),
    "improvement.forms.ProgressNoteForm": lambda f, data: f(data),
    "improvement.forms.NextStepForm": lambda f, data: f(data),
    "improvement.forms.RecommendationForm": lambda f, data: f(data, plan=_plan(f)),
    "improvement.forms.DecisionForm": lambda f, data: f(data, plan=_plan(f)),
    "improvement.forms.RiskForm": lambda f, data: f(data),
    "improvement.forms.KpiForm": lambda f, data: f(data, plan=_plan(f)),
    "improvement.forms.KpiValueForm": lambda f, data: f(data, kpi=_kpi(f)),
    "improvement.forms.FollowUpForm": lambda f, data: f(data),
    "improvement.forms.UpdateForm": lambda f, data: f(data),
    # The reporting calendar and sign-off (h2, issue 36).
    "improvement.forms.MeetingForm": lambda f, data: f(data),
    "improvement.forms.SignOffForm": lambda f, data: f(data),
    "improvement.forms.EvidenceLinkForm": lambda f, data: f(data),
}


# Text fields that take no free text at all: anything but their format is refused, a UPN included.
FORMATTED_FIELDS = {
    "improvement.forms.KpiValueForm.period": "a period as its KPI names it (2025/26 Autumn term, 2026-05), parsed",
    # References are at most 20 characters of letters, digits, dots and dashes; a bare UPN or NHS
    # number among them is refused by the guard (tests/improvement/test_references_are_text.py).
    "improvement.forms.FocusAreaForm.ref": "a reference such as 1.1 or 14–15, at most 20 characters",
    "improvement.forms.RecommendationForm.ref": "a reference such as 1.1 or 14–15, at most 20 characters",
}


def _poll_kind_reading(data) -> str:
    from workshops.polls.forms import KIND_FIELDS

    tried = next((name for name, value in data.items() if UPN in value), None)
    return next((kind for kind, names in KIND_FIELDS.items() if tried in names), "choice")


def _kpi(form_class):
    """A termly KPI: its value form reads "2025/26 Autumn term" and refuses anything else, a UPN included."""
    from improvement.models import Kpi, KpiKind

    return Kpi.objects.get_or_create(
        plan=_plan(form_class), name="Attendance of pupils with an EHCP", kind=KpiKind.DIFFERENCE, frequency="termly"
    )[0]


def _plan(form_class):
    from improvement.models import Plan

    return Plan.objects.get_or_create(
        organisation=form_class.fixtures["organisation"], title="SEND improvement programme"
    )[0]


@pytest.mark.parametrize("form_class", project_forms_taking_text(), ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_form_refuses_an_identifier_in_each_text_field(form_class, organisation, workshop, term):
    name = f"{form_class.__module__}.{form_class.__name__}"
    assert name in FORM_MAKERS, f"{name} takes text: add it to FORM_MAKERS so its fields are checked"
    form_class.fixtures = {
        "organisation": organisation,
        "workshop": workshop,
        "theme": term("theme", "PARENTAL_CONFIDENCE_IN_MAINSTREAM"),
    }
    text_fields = [field for field, kind in form_class.base_fields.items() if isinstance(kind, forms.CharField)]
    for field in text_fields:
        ordinary = {other: "Ordinary words" for other in text_fields}
        form = FORM_MAKERS[name](form_class, {**ordinary, field: f"about {UPN} here"})
        assert not form.is_valid(), f"{name}.{field} took a UPN"
        if f"{name}.{field}" in FORMATTED_FIELDS:
            assert form.errors.get(field), f"{name}.{field} took a UPN"
            continue
        assert "could identify a child" in " ".join(form.errors.get(field, []) + form.errors.get("__all__", [])), (
            f"{name}.{field}: {form.errors.as_data()}"
        )


def test_a_theme_labelled_with_a_upn_is_refused_on_the_page_and_stores_nothing(client_for, lead):
    before = VocabularyTerm.objects.count()
    response = client_for(lead).post(reverse("vocabulary_term_add", args=["theme"]), {"label": UPN})
    assert response.status_code == 200
    assert "could identify a child" in response.content.decode()
    assert VocabularyTerm.objects.count() == before
