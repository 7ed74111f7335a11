"""The tables of a dashboard, built from a snapshot's figures: shown under each chart and
downloaded as CSV or XLSX, from the same rows, so the page and the files always agree."""

from analytics.reports import BREAKDOWNS
from casereview.exports import Table
from workshops.models import FindingKind

SMALL_NOTE = "fewer than 5 reviews: treat with caution"


def _pct(share) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def _flag(small: bool) -> str:
    return f"Small numbers ({SMALL_NOTE})" if small else ""


def tables_of(figures: dict) -> dict[str, Table]:
    outcome = figures["outcome"]
    tables = {
        "outcome": Table(
            "outcome", "Outcome of the case reviews",
            ["Outcome", "Reviews", "Share of analysed", "95% confidence interval", "Note"],
            [
                ["Ideal outcome", outcome["ideal"], _pct(outcome["ideal_share"]), "", _flag(outcome["small"])],
                ["Could have been better (not ideal)", outcome["non_ideal"], _pct(outcome["non_ideal_share"]),
                 f"{_pct(outcome['ci95'][0])} to {_pct(outcome['ci95'][1])}" if outcome["ci95"] else "—", _flag(outcome["small"])],
                ["Analysed (n)", figures["analysed"], "100%" if figures["analysed"] else "—", "", ""],
                ["Excluded: no consensus (not in any share)", figures["excluded"], "", "", ""],
            ],
        ),
        "areas": Table(
            "areas", "Areas that were not ideal",
            ["Area", "Code", "Non-ideal reviews naming it", "Share of non-ideal reviews", "n", "Note"],
            [[r["label"] + (" (retired)" if r["retired"] else ""), r["code"], r["count"], _pct(r["share"]), r["n"], _flag(r["small"])]
             for r in figures["non_ideal_areas"]],
            "A review may name several areas, so shares do not add up to 100%.",
        ),
        "themes": Table(
            "themes", "Themes that most contributed to the outcome",
            ["Theme", "Code", "Analysed reviews naming it", "Share of analysed reviews", "n", "Note"],
            [[r["label"] + (" (retired)" if r["retired"] else ""), r["code"], r["count"], _pct(r["share"]), r["n"], _flag(r["small"])]
             for r in figures["themes"]],
            "A review may name several themes.",
        ),
        "provision": Table(
            "provision", "Outcomes by current provision",
            ["Current provision", "Code", "Reviewed (with consensus)", "Ideal", "Share ideal", "No consensus (left out)", "Note"],
            [[r["label"], r["code"], r["reviewed"], r["ideal"], _pct(r["ideal_share"]), r["excluded"], _flag(r["small"])]
             for r in figures["provision"]],
        ),
        "crosstab": Table(
            "crosstab", "Current provision and the provision that would better support the CYP (non-ideal reviews)",
            ["Current provision", "Better provision", "Reviews"],
            [[r["current_label"], r["better_label"], r["count"]] for r in figures["provision_crosstab"]],
        ),
        "disciplines": Table(
            "disciplines", "Who was in the rooms",
            ["Discipline", "People", "Rooms with this discipline"],
            [[r["label"], r["people"], r["rooms"]] for r in figures["disciplines"]],
        ),
    }
    for dimension, title in BREAKDOWNS.items():
        tables[f"by-{dimension}"] = Table(
            f"by-{dimension}", f"Outcomes by {title.lower()}",
            [title, "Reviewed", "No consensus", "Analysed", "Ideal", "Not ideal", "Share not ideal", "Note"],
            [[r["label"], r["reviewed"], r["excluded"], r["analysed"], r["ideal"], r["non_ideal"], _pct(r["non_ideal_share"]), _flag(r["small"])]
             for r in figures["breakdowns"][dimension]],
        )
    for poll in figures["polls"]:
        tables[f"poll-{poll['id']}"] = Table(
            f"poll-{poll['id']}", f"{poll['question']} ({poll['workshop']})",
            ["Answer", "Count"], [[w["word"], w["count"]] for w in poll["words"]],
            f"{poll['answers']} answers from {poll['phones']} phones; hidden answers left out.",
        )
        if poll["by_role"]:
            groups = poll["by_role"]
            tables[f"poll-{poll['id']}-roles"] = Table(
                f"poll-{poll['id']}-roles", f"{poll['question']}: the most given answers by stakeholder group, side by side",
                ["Answer"] + [f"{g['label']} (n={g['phones']} phones)" for g in groups],
                [[row["word"], *row["counts"]] for row in poll["compare"]]
                + [["Answers in the group", *[g["answers"] for g in groups]], ["Note", *["Small number (fewer than 5 phones: treat with caution)" if g["small"] else "" for g in groups]]],
                "n is the number of phones in the group that answered; answers without a role are left out of this table.",
            )
    tables["combined-themes"] = Table(
        "combined-themes", "Themes across case reviews and process maps",
        ["Theme", "Code", "Case reviews naming it", "Process map findings naming it", "Together"],
        [[r["label"] + (" (retired)" if r["retired"] else ""), r["code"], r["reviews"], r["findings"], r["total"]] for r in figures["combined_themes"]],
        "Case reviews: analysed reviews only. A review or a finding may name several themes.",
    )
    for process_map in figures["process_maps"]:
        tables[f"process-{process_map['id']}"] = Table(
            f"process-{process_map['id']}", f"{process_map['title']} ({process_map['workshop']}): findings by step",
            ["Step", *FindingKind.labels, "All"],
            [[f"{s['position']}. {s['title']}", *[s["counts"][k] for k in FindingKind.values], sum(s["counts"].values())]
             for s in process_map["steps"]],
        )
    return tables
