"""Variational analysis pages: the LA's datasets of settings, upload, and the funnel analysis."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from analytics import charts
from analytics.forms import SettingsUploadForm, VariationSettingsForm
from analytics.models import SettingsDataset, VariationSettings
from analytics.selectors import suppresses_small_counts
from analytics.variation.analysis import (
    FLAGS,
    GROUPS,
    MODELS,
    OVERDISPERSION,
    P_VALUES,
    AnalysisError,
    default_model,
    funnel,
)
from analytics.variation.disclosure import Suppression, is_small, suppression_of
from analytics.variation.imports import STANDARD_MEASURES, TEMPLATE_COLUMNS, settings_import
from casereview.exports import Table, table_response
from casereview.models import Role
from casereview.tenancy import for_member, get_for_member_or_404, member_required
from casereview.uploads import ImportRejected

SORTS = {"name": "name", "rate": "rate", "base": "base", "flag": "flag_order", "locality": "locality"}
FLAG_ORDER = {flag: i for i, flag in enumerate(FLAGS)}
FEWER = "fewer than 5"
SUPPRESSED = "suppressed"


@member_required()
def dataset_list(request):
    is_lead = request.membership.is_lead
    organisation = request.membership.organisation
    form = (
        SettingsUploadForm(request.POST or None, request.FILES or None, initial={"la_name": organisation.name})
        if is_lead
        else None
    )
    problems = []
    if request.method == "POST":
        if not is_lead:
            raise PermissionDenied("Only the programme lead can upload datasets.")
        if form.is_valid():
            upload, more = form.cleaned_data["file"], form.cleaned_data["more_file"]
            try:
                dataset = settings_import(
                    organisation=organisation,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    filename=upload.name,
                    data=upload,  # the file itself: a DfE file is read as a stream, never whole
                    by=request.user,
                    la_name=form.cleaned_data["la_name"],
                    more=(more.name, more) if more else None,
                )
            except ImportRejected as rejected:
                problems = rejected.problems
            else:
                notes = " ".join(getattr(dataset, "import_notes", []))
                messages.success(
                    request, f"Uploaded “{dataset.name}”: {dataset.rows.count()} settings. {notes}".strip()
                )
                return redirect("variation", pk=dataset.pk)
    datasets = (
        for_member(request.user, SettingsDataset).select_related("uploaded_by").annotate(settings_count=Count("rows"))
    )
    settings_form = (
        VariationSettingsForm(instance=VariationSettings(suppress_small_counts=suppresses_small_counts(organisation)))
        if is_lead
        else None
    )
    return render(
        request,
        "analytics/variation/datasets.html",
        {"datasets": datasets, "form": form, "problems": problems, "settings_form": settings_form},
    )


@require_POST
@member_required(Role.LEAD)
def variation_settings(request):
    """The LA's rule for small counts in the funnel's tables and downloads."""
    organisation = request.membership.organisation
    instance = for_member(request.user, VariationSettings).first() or VariationSettings(organisation=organisation)
    form = VariationSettingsForm(request.POST, instance=instance)
    if form.is_valid():
        form.save()
        said = "shown as “fewer than 5”" if form.instance.suppress_small_counts else "shown as they are"
        messages.success(request, f"Counts of 1 to 4 are now {said} in the tables and downloads of Compare settings.")
    return redirect("datasets")


@member_required(Role.LEAD)
def dataset_template(request, file_format):
    example = [["100001", "Example Academy", "Secondary", "North", "4", "1050", "38", "160", "9", "1"]]
    table = Table("settings-template", "Settings", TEMPLATE_COLUMNS, example)
    return table_response(table, file_format, "settings-template")


@require_POST
@member_required(Role.LEAD)
def dataset_delete(request, pk):
    dataset = get_for_member_or_404(request.user, SettingsDataset, pk=pk)
    dataset.delete()
    messages.success(request, f"Deleted “{dataset.name}” and its settings.")
    return redirect("datasets")


def _analysis(request, dataset):
    measures = dataset.measures
    measure = request.GET.get("measure") or next((m for m in measures if m not in STANDARD_MEASURES), measures[0])
    base = request.GET.get("base") or next(
        (m for m in ("ehcp", "pupils", *measures) if m in measures and m != measure), measure
    )
    group = request.GET.get("group") or None
    if measure not in measures or base not in measures:
        raise AnalysisError("Choose a measure and a base from the dataset's columns.")
    options = {
        "model": request.GET.get("model") or None,
        "p_value": request.GET.get("p_value") or "exact",
        "widen": request.GET.get("widen") or "none",
    }
    return funnel(dataset.rows.all(), measure, base, group, **options), measure, base, group


def _settings_table(result, sort: str, hidden: Suppression) -> Table:
    """The funnel's settings, as shown and downloaded. With suppression (analytics/variation/
    disclosure.py), a count of 1 to 4 (of the measure or of the base) reads "fewer than 5" and every
    figure made from it "suppressed"; a setting hidden so that it cannot be derived reads
    "suppressed"; hidden settings come last, whatever the order."""
    settings = result.settings.assign(
        flag_order=result.settings.flag.map(FLAG_ORDER),
        hidden=[hidden.hides(index) for index in result.settings.index],
    )
    key = SORTS.get(sort.lstrip("-"), "flag_order")
    descending = sort.startswith("-")
    settings = settings.sort_values(["hidden", key, "name"], ascending=[True, not descending, True])
    rows = []
    for index, r in zip(settings.index, settings.itertuples()):
        primary, secondary = index in hidden.primary, index in hidden.secondary
        small_count, small_base = primary and is_small(r.count), primary and is_small(r.base)
        rows.append(
            [
                r.name,
                r.urn,
                r.locality,
                FEWER if small_count else SUPPRESSED if primary or secondary else int(r.count),
                FEWER if small_base else _figure(r.base),
                SUPPRESSED if primary or secondary else f"{r.rate:.1%}",
                f"{r.expected:.1%}",
                SUPPRESSED if small_base else f"{r.lower_95:.1%} to {r.upper_95:.1%}",
                SUPPRESSED if primary or secondary else _p(min(r.p_upper, r.p_lower)),
                SUPPRESSED if primary else FLAGS[r.flag],
            ]
        )
    note = (
        f"Counts of 1 to 4 are shown as “{FEWER}”, and every figure made from them as “{SUPPRESSED}”; "
        "so that no total minus the shown settings gives one back, one more setting and the totals of "
        "the groups that hold them are suppressed too. Suppressed settings are listed last."
        if hidden.hidden
        else ""
    )
    return Table(
        "settings",
        f"{result.measure} per {result.base}, by setting",
        [
            "Setting",
            "URN",
            "Locality",
            result.measure,
            result.base,
            "Rate",
            "Expected rate",
            "95% range at this size",
            "One-sided p-value",
            "Flag",
        ],
        rows,
        note,
    )


def _figure(value: float):
    return int(value) if float(value).is_integer() else round(float(value), 2)


def _p(value: float) -> str:
    return "below 0.001" if value < 0.001 else f"{value:.3f}"


def _group_table(result, group: str, hidden: Suppression) -> Table:
    return Table(
        "groups",
        f"{result.measure} per {result.base}, by {GROUPS[group].lower()}",
        [
            GROUPS[group],
            "Settings",
            result.measure,
            result.base,
            "Rate",
            "95% interval",
            "Higher than expected",
            "Lower than expected",
        ],
        [
            [r.group, r.settings, *([SUPPRESSED] * 6)]
            if r.group in hidden.groups
            else [
                r.group,
                r.settings,
                int(r.count),
                int(r.base),
                f"{r.rate:.1%}",
                f"{r.low:.1%} to {r.high:.1%}",
                r.higher,
                r.lower,
            ]
            for r in result.groups.itertuples()
        ],
        "The totals of a group holding a suppressed setting are suppressed." if hidden.groups else "",
    )


# Column names in words a SEND lead uses: (plural, one), for "0.186 suspensions per pupil with an EHCP".
MEASURE_WORDS = {
    "pupils": ("pupils", "pupil"),
    "headcount": ("pupils", "pupil"),
    "ehcp": ("pupils with an EHCP", "pupil with an EHCP"),
    "sen_support": ("pupils on SEN support", "pupil on SEN support"),
    "ehcp_suspended": ("suspensions", "suspension"),
    "suspensions": ("suspensions", "suspension"),
    "suspensions_send": ("suspensions", "suspension"),
    "pupils_suspended": ("pupils suspended", "pupil suspended"),
    "perm_excl": ("permanent exclusions", "permanent exclusion"),
    "send_exclusions": ("exclusions", "exclusion"),
    "exclusions_send": ("exclusions", "exclusion"),
}


def measure_words(name: str) -> tuple[str, str]:
    """A dataset column in words; one the list does not know reads as its name with spaces."""
    words = name.replace("_", " ")
    return MEASURE_WORDS.get(name, (words, words))


@member_required()
def variation(request, pk):
    dataset = get_for_member_or_404(request.user, SettingsDataset, pk=pk)
    context = {
        "dataset": dataset,
        "groups": GROUPS,
        "models": MODELS,
        "p_values": P_VALUES,
        "widenings": OVERDISPERSION,
        "chosen": {name: request.GET.get(name, "") for name in ("model", "p_value", "widen")},
    }
    try:
        result, measure, base, group = _analysis(request, dataset)
    except AnalysisError as error:
        context |= {
            "error": str(error),
            "measure": request.GET.get("measure"),
            "base": request.GET.get("base"),
            "group": request.GET.get("group"),
            "default_model_label": MODELS[default_model(request.GET.get("measure") or "")],
        }
        return render(request, "analytics/variation/analysis.html", context, status=200)
    sort = request.GET.get("sort", "flag")
    suppress = suppresses_small_counts(dataset.organisation)
    hidden = suppression_of(result.settings, group, on=suppress)
    flags = result.settings.flag.drop(index=list(hidden.primary))  # a hidden setting's flag is not told
    context |= {
        "result": result,
        "measure": measure,
        "base": base,
        "group": group,
        "sort": sort,
        "suppress": suppress,
        "not_drawn": hidden.hidden,
        "chart": charts.funnel_chart(result, FLAGS, hidden=hidden),
        "table": _settings_table(result, sort, hidden),
        "counts": {FLAGS[f]: int((flags == f).sum()) for f in FLAGS} | {"Suppressed": len(hidden.primary)},
    }
    context["default_model_label"] = MODELS[default_model(measure)]
    context["rate_words"] = f"{measure_words(measure)[0]} per {measure_words(base)[1]}"
    if result.groups is not None:
        context |= {
            "group_table": _group_table(result, group, hidden),
            "group_chart": charts.group_chart(
                result.groups[~result.groups["group"].isin(hidden.groups)], GROUPS[group]
            ),
        }
    return render(request, "analytics/variation/analysis.html", context)


@member_required()
def variation_download(request, pk, name, file_format):
    dataset = get_for_member_or_404(request.user, SettingsDataset, pk=pk)
    try:
        result, _, _, group = _analysis(request, dataset)
    except AnalysisError as error:
        raise Http404(str(error)) from None
    hidden = suppression_of(result.settings, group, on=suppresses_small_counts(dataset.organisation))
    if name == "settings":
        table = _settings_table(result, request.GET.get("sort", "flag"), hidden)
    elif name == "groups" and group:
        table = _group_table(result, group, hidden)
    else:
        raise Http404("No such table.")
    return table_response(table, file_format, f"variation-{dataset.pk}-{name}")
