"""The seed's worked example (docs/design.md, “Report definitions”), imported from files as an LA
would and read back through the ``report`` command: 28 reviews over three workshops, 2 without
consensus, 18 of 26 (69%) could have been better, only 5 of the 15 in maintained special schools
ideal, most of the others better supported in mainstream. Intervals are checked against the Wilson
formula written out here."""

import json
import math
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

WORKSHOPS = ["Autumn case reviews", "Spring case reviews", "Summer case reviews"]
# (provision now, consensus, ideal, better provision, areas, themes), one line per review
REVIEWS = (
    [("MSS", "yes", "yes", "", "", "Lack of parental confidence in mainstream")] * 5
    + [("MSS", "yes", "no", "MAINSTREAM", "TYPE_OF_PROVISION;TIMING_OF_SUPPORT", "PARENTAL_CONFIDENCE_IN_MAINSTREAM")]
    * 6
    + [("MSS", "yes", "no", "RESOURCED", "TYPE_OF_PROVISION", "PARENTAL_CONFIDENCE_IN_MAINSTREAM;WORKFORCE_CAPACITY")]
    * 3
    + [("MSS", "yes", "no", "INMSS", "LEVEL_OF_SUPPORT", "WORKFORCE_CAPACITY")]
    + [("MAINSTREAM", "yes", "yes", "", "", "INCLUSION_CAPACITY_IN_MAINSTREAM")] * 2
    + [
        (
            "MAINSTREAM",
            "yes",
            "no",
            "RESOURCED",
            "TIMING_OF_SUPPORT;TYPE_OF_PROVISION",
            "INCLUSION_CAPACITY_IN_MAINSTREAM",
        )
    ]
    * 2
    + [("MAINSTREAM", "yes", "no", "MSS", "TIMING_OF_SUPPORT", "WORKFORCE_CAPACITY")] * 2
    + [("INMSS", "yes", "no", "MSS", "TYPE_OF_PROVISION", "PARENTAL_CONFIDENCE_IN_MAINSTREAM")] * 2
    + [("INMSS", "yes", "no", "MAINSTREAM", "TYPE_OF_PROVISION;TIMING_OF_SUPPORT", "PARENTAL_CONFIDENCE_IN_MAINSTREAM")]
    + [("INMSS", "yes", "no", "RESOURCED", "LEVEL_OF_SUPPORT", "WORKFORCE_CAPACITY")]
    + [("RESOURCED", "yes", "yes", "", "", "INCLUSION_CAPACITY_IN_MAINSTREAM")]
    + [("MSS", "no", "", "", "", ""), ("MAINSTREAM", "no", "", "", "", "")]
)


def wilson(successes, n, z=1.959964):
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(centre - half, 4), round(centre + half, 4)]


@pytest.fixture
def imported(organisation, tmp_path):
    """The cases, one file per workshop, and the reviews in one file, through the import commands."""
    assert len(REVIEWS) == 28
    for w, title in enumerate(WORKSHOPS):
        cases = tmp_path / f"cases-{w}.csv"
        lines = ["reference,phase,year_group,primary_need,support_level,current_provision,room"]
        lines += [
            f"C-{i:03d},Secondary,9,ASD,EHCP,{provision},Room {1 + i % 2}"
            for i, (provision, *_) in enumerate(REVIEWS)
            if i % 3 == w
        ]
        cases.write_text("\n".join(lines) + "\n")
        call_command(
            "import_cases", str(cases), org="northshire", workshop=title, date=f"2026-0{3 + w}-10", stdout=StringIO()
        )
    reviews = tmp_path / "reviews.csv"
    lines = ["reference,workshop,room,consensus,ideal_outcome,non_ideal_areas,better_provision,themes"]
    lines += [
        f"C-{i:03d},{WORKSHOPS[i % 3]},Room {1 + i % 2},{consensus},{ideal},{areas},{better},{themes}"
        for i, (_, consensus, ideal, better, areas, themes) in enumerate(REVIEWS)
    ]
    reviews.write_text("\n".join(lines) + "\n")
    call_command("import_reviews", str(reviews), org="northshire", stdout=StringIO())


def report(output_format):
    out = StringIO()
    call_command("report", org="northshire", output_format=output_format, stdout=out)
    return out.getvalue()


def test_the_worked_example_reads_back_through_report_json(organisation, imported):
    figures = json.loads(report("json"))
    assert (figures["reviewed"], figures["excluded"], figures["analysed"], figures["children"]) == (28, 2, 26, 28)
    outcome = figures["outcome"]
    assert (outcome["non_ideal"], outcome["n"], outcome["non_ideal_share"], outcome["children"]) == (18, 26, 0.6923, 26)
    assert outcome["ci95"] == wilson(18, 26) and outcome["ci95_of"] == "non_ideal_share"
    assert [a["code"] for a in figures["non_ideal_areas"][:2]] == ["TYPE_OF_PROVISION", "TIMING_OF_SUPPORT"]
    assert figures["themes"][0]["code"] == "PARENTAL_CONFIDENCE_IN_MAINSTREAM"
    mss = next(row for row in figures["provision"] if row["code"] == "MSS")
    assert (mss["reviewed"], mss["ideal"], mss["excluded"]) == (15, 5, 1)
    assert mss["ci95"] == wilson(5, 15) == [0.1518, 0.5829]  # "MSS 5/15 is 15% to 58%"
    summary = next(row for row in figures["dbv_summary"]["rows"] if row["code"] == "MSS")
    assert (summary["reviewed"], summary["ideal"], summary["non_ideal"]) == (15, 5, 10)
    assert [(b["code"], b["count"]) for b in summary["better"]] == [("MAINSTREAM", 6), ("RESOURCED", 3), ("INMSS", 1)]
    total = figures["dbv_summary"]["total"]
    assert (total["reviewed"], total["ideal"], total["non_ideal"], total["ci95"]) == (26, 8, 18, wilson(8, 26))
    assert sorted(w["analysed"] for w in figures["breakdowns"]["workshop"]) == [8, 9, 9]


def test_the_text_report_says_everything_the_json_has(organisation, imported, term):
    retired = term("theme", "WORKFORCE_CAPACITY")
    retired.retired_at = timezone.now()
    retired.save()
    text = report("text")
    assert "Reviewed 28 (28 children), excluded (no consensus) 2, analysed 26 (26 children)." in text
    assert "not ideal 18 (69%, 95% CI 50% to 84%)" in text
    assert (
        "Maintained special school or special academy: 15 reviewed, 5 ideal, 10 not ideal, 33% (15% to 58%) ideal; "
        "better supported in: Mainstream school or academy 6" in text
    )
    assert "Workforce capacity (retired)" in text
    assert "[small numbers: fewer than 5 reviews]" in text  # the single resourced review, for one
    assert "By workshop (reviewed" in text and "By room (reviewed" in text and "By phase (reviewed" in text
    assert "Do the groups differ in the share not ideal?" in text and "one in twenty would show p below 0.05" in text
    # Parental confidence: 12 of the 18 non-ideal reviews (a barrier), 5 of the 8 ideal ones (an enabler).
    assert (
        "Lack of parental confidence in mainstream\n"
        "          barrier 12 (67% (44% to 84%)), enabler 5 (62% (31% to 86%))" in text
    )
