"""What people type (a phone's answer, a theme, a room, a school, a process step, a KPI's name and
unit) is drawn in a chart as text, never as the markup Plotly understands (issue 16, item 7: an
answer became a link). Every chart escapes with the one ``casereview.chart_text.plain``."""

import json
import re

import pandas as pd
import pytest

from analytics import charts
from casereview import chart_text
from improvement import charts as improvement_charts
from improvement.charts import kpi_chart

LINK = 'x<a href="//evil.example">y</a>x'
BIG = '<b style="font-size:80px">big</b>'


def _markup_in(figure: dict) -> list[str]:
    """Every tag anywhere in the figure (data, titles, legends, annotations) but those the charts put
    in themselves (line breaks, hover boxes)."""
    return [tag for tag in re.findall(r"<[^>]*>", json.dumps(figure)) if tag not in ("<br>", "<extra>", "</extra>")]


FIGURES = {
    "words on the dashboard": lambda label: charts.words_chart({"answers": 2, "words": [{"word": label, "count": 2}]}),
    "themes and areas": lambda label: charts.ranked_chart([{"label": label, "count": 3, "share": 0.5}], "Reviews"),
    "themes as barriers and enablers": lambda label: charts.themes_chart(
        [
            {
                "label": label,
                "count": 3,
                "barrier_count": 2,
                "barrier_share": 0.5,
                "enabler_count": 1,
                "enabler_share": 0.25,
            }
        ]
    ),
    "provision": lambda label: charts.provision_chart({"provision": [{"label": label, "ideal": 1, "reviewed": 2}]}),
    "crosstab": lambda label: charts.crosstab_chart(
        {"provision_crosstab": [{"current_label": label, "better_label": label, "count": 1}]}
    ),
    "breakdowns (workshops, rooms)": lambda label: charts.breakdown_chart(
        [{"label": label, "ideal": 1, "non_ideal": 1, "excluded": 0}]
    ),
    "themes of maps and reviews": lambda label: charts.combined_themes_chart(
        [{"label": label, "total": 2, "reviews": 1, "findings": 1}]
    ),
    "a process map": lambda label: charts.process_map_chart(
        {"steps": [{"position": 1, "title": label, "counts": {"blocker": 1}}]}, {"blocker": "Blocker"}
    ),
    "a KPI by period (its name and unit)": lambda label: kpi_chart(
        {"name": label, "unit": label, "target": 90, "values": [{"period": "2027-03-01", "value": 81}]}
    ),
    "groups of settings": lambda label: charts.group_chart(
        pd.DataFrame({"group": [label], "rate": [0.2], "high": [0.3], "low": [0.1]}), "Locality"
    ),
}


@pytest.mark.parametrize("label", [LINK, BIG])
@pytest.mark.parametrize("chart", FIGURES)
def test_markup_typed_into_a_label_is_drawn_as_text(chart, label):
    figure = FIGURES[chart](label)
    assert _markup_in(figure) == [], chart
    assert "&lt;" in json.dumps(figure)  # still there, shown as typed


def test_a_label_without_markup_is_unchanged():
    figure = charts.ranked_chart([{"label": "Workforce capacity", "count": 3, "share": 0.5}], "Reviews")
    assert figure["data"][0]["y"] == ["Workforce capacity"]


def test_every_chart_escapes_with_the_one_shared_plain():
    assert charts.plain is chart_text.plain and improvement_charts.plain is chart_text.plain
