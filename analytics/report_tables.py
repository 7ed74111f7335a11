"""The tables of a report's figures (a dashboard's), built from a snapshot: shown under each chart,
downloaded as CSV or XLSX and read by the Power BI feed, from the same rows, so the page and the
files always agree. (Not ``casereview.uploads``, which reads uploaded tables.)"""

from analytics.reports import BREAKDOWNS
from casereview.exports import Interval, Share, Table
from workshops.models import FindingKind

SMALL_NOTE = "fewer than 5 reviews: treat with caution"


def _pct(share) -> Share:
    return Share(share)


def _flag(small: bool) -> str:
    return f"Small numbers ({SMALL_NOTE})" if small else ""


def _ci(ci95) -> str:
    """A 95% interval in words; "—" where there is none (no reviews, or a snapshot computed before
    intervals were part of every share: the next refresh adds them)."""
    return Interval(ci95[0], ci95[1]) if ci95 else "—"


def _retired(row) -> str:
    return row["label"] + (" (retired)" if row.get("retired") else "")


def _children(row):
    return row.get("children", "—")


def _theme_flag(row) -> str:
    small = [
        name
        for name, flag in (
            ("barrier share", row.get("barrier_small")),
            ("enabler share", row.get("enabler_small")),
            ("share of analysed", row["small"]),
        )
        if flag
    ]
    return f"Small numbers ({SMALL_NOTE}): {', '.join(small)}" if small else ""


def tables_of(figures: dict) -> dict[str, Table]:
    """Every table of the dashboard, by name (its download address), in the order the page shows
    them: one function per table (``TABLES``), each giving the tables it makes of the figures. New
    columns go after the ones a download (or the Power BI feed) already had, never between them."""
    tables = {}
    for make in TABLES:
        tables |= make(figures)
    return tables


def _named(*tables: Table) -> dict[str, Table]:
    return {table.name: table for table in tables}


def _outcome(figures: dict) -> dict[str, Table]:
    outcome = figures["outcome"]
    return _named(
        Table(
            "outcome",
            "Outcome of the case reviews",
            ["Outcome", "Reviews", "Share of analysed", "95% confidence interval", "Note"],
            [
                [
                    "Ideal outcome",
                    outcome["ideal"],
                    _pct(outcome["ideal_share"]),
                    _ci(outcome.get("ideal_ci95")),
                    _flag(outcome["small"]),
                ],
                [
                    "Could have been better (not ideal)",
                    outcome["non_ideal"],
                    _pct(outcome["non_ideal_share"]),
                    _ci(outcome["ci95"]),
                    _flag(outcome["small"]),
                ],
                ["Analysed (n)", figures["analysed"], "100%" if figures["analysed"] else "—", "", ""],
                ["Excluded: no consensus (not in any share)", figures["excluded"], "", "", ""],
                [
                    "Children in the analysed reviews (a child reviewed twice counts once)",
                    outcome.get("children", "—"),
                    "",
                    "",
                    "",
                ],
            ],
        )
    )


def _areas(figures: dict) -> dict[str, Table]:
    return _named(
        Table(
            "areas",
            "Areas that were not ideal",
            [
                "Area",
                "Code",
                "Non-ideal reviews naming it",
                "Share of non-ideal reviews",
                "n",
                "Note",
                "95% confidence interval",
                "Children",
            ],
            [
                [
                    _retired(r),
                    r["code"],
                    r["count"],
                    _pct(r["share"]),
                    r["n"],
                    _flag(r["small"]),
                    _ci(r.get("ci95")),
                    _children(r),
                ]
                for r in figures["non_ideal_areas"]
            ],
            "A review may name several areas, so shares do not add up to 100%.",
        )
    )


def _themes(figures: dict) -> dict[str, Table]:
    return _named(
        Table(
            "themes",
            "Themes that most contributed to the outcome, as barriers (non-ideal reviews) and enablers (ideal reviews)",
            [
                "Theme",
                "Code",
                "Analysed reviews naming it",
                "Share of analysed reviews",
                "n",
                "Note",
                "95% confidence interval",
                "As a barrier: non-ideal reviews naming it",
                "Share of non-ideal reviews",
                "95% CI (barrier)",
                "As an enabler: ideal reviews naming it",
                "Share of ideal reviews",
                "95% CI (enabler)",
                "Children",
            ],
            [
                [
                    _retired(r),
                    r["code"],
                    r["count"],
                    _pct(r["share"]),
                    r["n"],
                    _theme_flag(r),
                    _ci(r.get("ci95")),
                    r.get("barrier_count", "—"),
                    _pct(r.get("barrier_share")),
                    _ci(r.get("barrier_ci95")),
                    r.get("enabler_count", "—"),
                    _pct(r.get("enabler_share")),
                    _ci(r.get("enabler_ci95")),
                    _children(r),
                ]
                for r in figures["themes"]
            ],
            "A review may name several themes. "
            "A barrier's share is of the non-ideal reviews; an enabler's, of the ideal ones.",
        )
    )


def _provision(figures: dict) -> dict[str, Table]:
    return _named(
        Table(
            "provision",
            "Outcomes by provision at the time of the review",
            [
                "Current provision",
                "Code",
                "Reviewed (with consensus)",
                "Ideal",
                "Share ideal",
                "No consensus (left out)",
                "Note",
                "95% confidence interval",
                "Children",
            ],
            [
                [
                    _retired(r),
                    r["code"],
                    r["reviewed"],
                    r["ideal"],
                    _pct(r["ideal_share"]),
                    r["excluded"],
                    _flag(r["small"]),
                    _ci(r.get("ci95")),
                    _children(r),
                ]
                for r in figures["provision"]
            ],
            "Provision as it was when the case was reviewed.",
        )
    )


def _crosstab(figures: dict) -> dict[str, Table]:
    return _named(
        Table(
            "crosstab",
            "Current provision and the provision that would better support the CYP (non-ideal reviews)",
            ["Current provision", "Better provision", "Reviews"],
            [[r["current_label"], r["better_label"], r["count"]] for r in figures["provision_crosstab"]],
        )
    )


def _disciplines(figures: dict) -> dict[str, Table]:
    return _named(
        Table(
            "disciplines",
            "Who was in the rooms",
            ["Discipline", "People", "Rooms with this discipline"],
            [[r["label"], r["people"], r["rooms"]] for r in figures["disciplines"]],
        )
    )


def _dbv_summary(figures: dict) -> dict[str, Table]:
    if "dbv_summary" not in figures:
        return {}
    summary = figures["dbv_summary"]
    excluded = figures["excluded"]
    return _named(
        Table(
            "dbv-summary",
            "Summary by provision at the time of the review",
            [
                "Provision at review",
                "Reviewed (with consensus)",
                "Children",
                "Ideal",
                "Not ideal",
                "Share ideal",
                "95% confidence interval",
                "Where the not-ideal would be better supported",
                "Note",
            ],
            [
                [
                    _retired(r) if r.get("code") else r["label"],
                    r["reviewed"],
                    r["children"],
                    r["ideal"],
                    r["non_ideal"],
                    _pct(r["ideal_share"]),
                    _ci(r["ci95"]),
                    ", ".join(f"{b['label']} ({b['count']})" for b in r.get("better", [])) or "—",
                    _flag(r["small"]),
                ]
                for r in [*summary["rows"], summary["total"]]
            ],
            f"{excluded} review{'s' if excluded != 1 else ''} without consensus left out of every share.",
        )
    )


def _comparisons(figures: dict) -> dict[str, Table]:
    if "comparisons" not in figures:
        return {}
    return _named(
        Table(
            "comparisons",
            "Do the groups differ in the share not ideal?",
            ["Compared by", "Groups", "Analysed reviews", "Test", "p-value", "In words"],
            [
                [
                    c["label"],
                    c["groups"],
                    c["analysed"],
                    {"fisher_exact": "Fisher's exact", "chi_squared": "χ²"}.get(c["test"], "—"),
                    "—" if c["p_value"] is None else ("below 0.001" if c["p_value"] < 0.001 else f"{c['p_value']:.3f}"),
                    c["words"],
                ]
                for c in figures["comparisons"]
            ],
            figures["comparisons_warning"],
        )
    )


def _breakdowns(figures: dict) -> dict[str, Table]:
    """One table per breakdown (by workshop, phase, primary need...)."""
    return _named(
        *(
            Table(
                f"by-{dimension}",
                f"Outcomes by {title.lower()}",
                [
                    title,
                    "Reviewed",
                    "No consensus",
                    "Analysed",
                    "Ideal",
                    "Not ideal",
                    "Share not ideal",
                    "Note",
                    "95% confidence interval",
                    "Children",
                ],
                [
                    [
                        r["label"],
                        r["reviewed"],
                        r["excluded"],
                        r["analysed"],
                        r["ideal"],
                        r["non_ideal"],
                        _pct(r["non_ideal_share"]),
                        _flag(r["small"]),
                        _ci(r.get("ci95")),
                        _children(r),
                    ]
                    for r in figures["breakdowns"][dimension]
                ],
            )
            for dimension, title in BREAKDOWNS.items()
        )
    )


def _polls(figures: dict) -> dict[str, Table]:
    """Each words poll's answers, and, when it asked for a role, its answers by stakeholder group."""
    tables = {}
    for poll in figures["polls"]:
        tables |= _named(
            Table(
                f"poll-{poll['id']}",
                f"{poll['question']} ({poll['workshop']})",
                ["Answer", "Count"],
                [[w["word"], w["count"]] for w in poll["words"]],
                f"{poll['answers']} answers from {poll['phones']} phones; hidden answers left out.",
            )
        )
        if poll["by_role"]:
            tables |= _named(_poll_by_role(poll))
    return tables


def _poll_by_role(poll: dict) -> Table:
    groups = poll["by_role"]
    return Table(
        f"poll-{poll['id']}-roles",
        f"{poll['question']}: the most given answers by stakeholder group, side by side",
        ["Answer"] + [f"{g['label']} (n={g['phones']} phones)" for g in groups],
        [[row["word"], *row["counts"]] for row in poll["compare"]]
        + [
            ["Answers in the group", *[g["answers"] for g in groups]],
            [
                "Note",
                *["Small number (fewer than 5 phones: treat with caution)" if g["small"] else "" for g in groups],
            ],
        ],
        "n is the number of phones in the group that answered; answers without a role are left out of this table.",
    )


def _combined_themes(figures: dict) -> dict[str, Table]:
    return _named(
        Table(
            "combined-themes",
            "Themes across case reviews and process maps",
            ["Theme", "Code", "Case reviews naming it", "Process map findings naming it", "Together"],
            [
                [
                    r["label"] + (" (retired)" if r["retired"] else ""),
                    r["code"],
                    r["reviews"],
                    r["findings"],
                    r["total"],
                ]
                for r in figures["combined_themes"]
            ],
            "Case reviews: analysed reviews only. A review or a finding may name several themes.",
        )
    )


def _agreement(figures: dict) -> dict[str, Table]:
    if "agreement" not in figures:  # snapshots computed before agreement between rooms have none
        return {}
    return agreement_tables(figures["agreement"])


def _process_maps(figures: dict) -> dict[str, Table]:
    """Each process map's findings, by step and kind."""
    return _named(
        *(
            Table(
                f"process-{process_map['id']}",
                f"{process_map['title']} ({process_map['workshop']}): findings by step",
                ["Step", *FindingKind.labels, "All"],
                [
                    [
                        f"{s['position']}. {s['title']}",
                        *[s["counts"][k] for k in FindingKind.values],
                        sum(s["counts"].values()),
                    ]
                    for s in process_map["steps"]
                ],
            )
            for process_map in figures["process_maps"]
        )
    )


# The dashboard's tables in the page's order (tables_of).
TABLES = (
    _outcome,
    _areas,
    _themes,
    _provision,
    _crosstab,
    _disciplines,
    _dbv_summary,
    _comparisons,
    _breakdowns,
    _polls,
    _combined_themes,
    _agreement,
    _process_maps,
)


def _kappa(figures: dict) -> str:
    if figures["kappa"] is None:
        return "—"
    method = {"cohen": "Cohen's", "fleiss": "Fleiss'"}.get(figures["method"], "")
    return f"{figures['kappa']:.2f} ({method} κ)"


def _interval(ci95) -> str:
    return Interval(ci95[0], ci95[1], percent=False, digits=2) if ci95 else "—"


def agreement_tables(agreement: dict) -> dict[str, Table]:
    """Agreement between rooms: the figures (every reader), and the disagreements (shown to those
    who may see which room said what: analytics/views.py)."""
    rows = []
    for label, key in (
        ("Outcome (ideal / not ideal / no consensus)", "outcome"),
        ("Better provision (rooms that said not ideal)", "better_provision"),
    ):
        figures = agreement[key]
        rows.append(
            [
                label,
                figures["cases"],
                f"{figures['agreed']} of {figures['cases']} ({_pct(figures['percent'])})" if figures["cases"] else "—",
                _kappa(figures),
                _interval(figures["ci95"]),
                figures["reason"] or figures["reading"],
                _flag(figures["small"]),
            ]
        )
    return {
        "agreement": Table(
            "agreement",
            "Agreement between rooms on the cases two or more rooms reviewed",
            ["Question", "Cases", "Every room agreed", "κ", "95% confidence interval", "In words", "Note"],
            rows,
            "κ is agreement beyond chance: 1 perfect, 0 no better than chance.",
        ),
        "disagreements": Table(
            "disagreements",
            "Disagreements between rooms",
            ["Case", "Workshop", "Differ on", "Each room's answer", "Moderated answer"],
            [
                [
                    row["reference"],
                    row["workshop"],
                    ", ".join(row["on"]),
                    "; ".join(f"{room}: {answer}" for room, answer in row["rooms"].items()),
                    row["moderated"] or "Awaiting moderation",
                ]
                for row in agreement["disagreements"]
            ],
            "Until a disagreement is moderated, the first room's answer counts in every other figure.",
        ),
    }
