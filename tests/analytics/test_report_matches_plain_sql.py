"""The report's figures, grouped by the database through the ORM and shaped by pandas, equal the
same figures from plain SQL GROUP BY queries, on generated reviews spread over ten LAs. The
aggregation benchmark (bench/aggregation.py) compares the two the same way at up to 1M reviews."""

from analytics.reports import build_report
from analytics.scopes import Scope
from bench import aggregation, dataset


def test_every_las_overview_equals_plain_sql_on_generated_reviews(postgresql, db):
    from django.db import connection

    organisations = dataset.generate(1500, seed=7)
    assert len(organisations) == dataset.LOCAL_AUTHORITIES
    for organisation in organisations:
        report = build_report(organisation, Scope.parse("all"))
        with connection.cursor() as cursor:
            expected = aggregation._sql_figures(cursor, organisation.pk)
        assert aggregation._report_figures(report) == expected
        assert report["reviewed"] == 150
        # Every figure is there and adds up: the breakdowns partition the reviews.
        for dimension in ("workshop", "phase", "primary_need", "support_level", "provision"):
            assert sum(row["reviewed"] for row in report["breakdowns"][dimension]) == 150


def test_a_workshop_scope_equals_plain_sql_restricted_to_that_workshop(postgresql, db):
    from django.db import connection

    organisation = dataset.generate(400, seed=3)[0]
    workshop_id = organisation.workshops.order_by("pk").values_list("pk", flat=True).first()
    report = build_report(organisation, Scope.parse(f"workshop:{workshop_id}"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {aggregation.NUMBERS} {aggregation.REVIEWS} AND a.workshop_id = %(workshop)s",
            {"la": organisation.pk, "workshop": workshop_id},
        )
        reviewed, excluded, analysed, ideal = cursor.fetchone()
    assert [report["reviewed"], report["excluded"], report["analysed"], report["outcome"]["ideal"]] == [
        reviewed,
        excluded,
        analysed,
        ideal,
    ]
    assert reviewed == dataset.CASES_PER_WORKSHOP
