"""The charts are built as plain figure dicts, not with Plotly's graph objects (whose validation
cost a refresh ~0.5 s of CPU for an LA's dashboard). They must draw exactly what Plotly built:

- ``data/charts_drawn_by_plotly.json`` holds what ``json.loads(fig.to_json())`` gave for the
  examples below with the Plotly-built charts (plotly 7.1.0, commit 9f86788), template aside;
- the template the charts carry is Plotly's default template ("plotly", which the pages drew
  with), restricted to the trace types and subplots the charts use;
- Plotly itself accepts every figure as it is, property for property (nothing it would drop,
  rename or coerce).
"""

import base64
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from analytics import charts
from analytics.variation.analysis import Funnel
from analytics.variation.disclosure import suppression_of

DRAWN_BY_PLOTLY = Path(__file__).parent / "data" / "charts_drawn_by_plotly.json"

FIGURES = {
    "outcome": {"outcome": {"ideal": 3, "non_ideal": 2, "ideal_share": 0.6, "non_ideal_share": 0.4}, "excluded": 1},
    "no outcome yet": {
        "outcome": {"ideal": 0, "non_ideal": 0, "ideal_share": None, "non_ideal_share": None},
        "excluded": 2,
    },
    "provision": {
        "provision": [
            {"label": "Mainstream <b>school</b>", "ideal": 2, "reviewed": 5},
            {"label": "Special school", "ideal": 0, "reviewed": 1},
            {"label": "Resourced provision", "ideal": 3, "reviewed": 3},
        ]
    },
    "crosstab": {
        "provision_crosstab": [
            {"current_label": "Mainstream school with support", "better_label": "Resourced provision", "count": 2},
            {"current_label": "Mainstream school with support", "better_label": "Not recorded", "count": 1},
            {"current_label": "Special school", "better_label": "Resourced provision", "count": 4},
        ]
    },
    "empty crosstab": {"provision_crosstab": []},
}
RANKED = [
    {"label": "Workforce capacity", "count": 3, "share": 0.5},
    {"label": "Early <a href='x'>help</a>", "count": 1, "share": 0.1667},
    {"label": "Transport", "count": 0, "share": 0.0},
]
THEMES = [
    {
        "label": "Communication",
        "count": 3,
        "barrier_count": 2,
        "barrier_share": 0.6667,
        "enabler_count": 1,
        "enabler_share": 0.5,
    },
    {
        "label": "Transition",
        "count": 1,
        "barrier_count": 0,
        "barrier_share": None,
        "enabler_count": 1,
        "enabler_share": 1.0,
    },
    {"label": "Unused", "count": 0, "barrier_count": 0, "barrier_share": 0.0, "enabler_count": 0, "enabler_share": 0.0},
]
BREAKDOWN = [
    {"label": "Primary", "ideal": 2, "non_ideal": 1, "excluded": 0},
    {"label": "Secondary & post-16", "ideal": 0, "non_ideal": 3, "excluded": 2},
]
POLL = {
    "answers": 7,
    "words": [
        {"word": "listening", "count": 4},
        {"word": "<i>trust</i>", "count": 2},
        {"word": "early help", "count": 1},
    ],
}
COMBINED = [
    {"label": "Communication", "total": 3, "reviews": 2, "findings": 1},
    {"label": "Transition", "total": 1, "reviews": 0, "findings": 1},
    {"label": "Unused", "total": 0, "reviews": 0, "findings": 0},
]
PROCESS_MAP = {
    "steps": [
        {"position": 1, "title": "Request for an EHC needs assessment", "counts": {"working_well": 1, "blocker": 2}},
        {"position": 2, "title": "Decision", "counts": {"working_well": 0, "blocker": 0}},
    ]
}


def _funnel():
    settings = pd.DataFrame(
        {
            "urn": ["100001", "100002", "100003", "100004"],
            "name": ["Hill <b>Primary</b>", "Vale School", "Brook Academy", "Small School"],
            "count": np.array([30.0, 4.0, 12.0, 2.0]),
            "base": np.array([100.0, 80.0, 60.0, 3.0]),
            "rate": np.array([0.3, 0.05, 0.2, 2 / 3]),
            "flag": ["higher_998", "lower_95", "within", "higher_95"],
        }
    )
    grid = np.array([1.0, 10.0, 50.0, 100.0])
    curve = pd.DataFrame(
        {
            "base": grid,
            "lower_998": [0.0, 0.0, 0.05, 0.08],
            "lower_95": [0.0, 0.01, 0.08, 0.1],
            "upper_95": [0.9, 0.4, 0.25, 0.2],
            "upper_998": [1.0, 0.5, 0.3, 0.24],
        }
    )
    return Funnel(measure="Suspensions", base="Pupils", model="binomial", expected=0.15, settings=settings, curve=curve)


FLAG_LABELS = {
    "higher_998": "Higher (99.8%)",
    "higher_95": "Higher (95%)",
    "within": "Within the limits",
    "lower_95": "Lower (95%)",
    "lower_998": "Lower (99.8%)",
}
GROUPS = pd.DataFrame(
    {"group": ["North", "South", 3], "rate": [0.2, 0.5, 0.125], "high": [0.3, 0.6, 0.2], "low": [0.1, 0.4, 0.05]}
)

EXAMPLES = {
    "outcome": lambda: charts.outcome_chart(FIGURES["outcome"]),
    "outcome with no analysed review": lambda: charts.outcome_chart(FIGURES["no outcome yet"]),
    "areas": lambda: charts.ranked_chart(RANKED, "Non-ideal reviews naming the area"),
    "areas, none named": lambda: charts.ranked_chart([{**RANKED[2]}], "Non-ideal reviews naming the area"),
    "themes": lambda: charts.themes_chart(THEMES),
    "themes of a snapshot from before the split": lambda: charts.themes_chart(RANKED),
    "provision": lambda: charts.provision_chart(FIGURES["provision"]),
    "crosstab": lambda: charts.crosstab_chart(FIGURES["crosstab"]),
    "crosstab with no non-ideal review": lambda: charts.crosstab_chart(FIGURES["empty crosstab"]),
    "breakdown": lambda: charts.breakdown_chart(BREAKDOWN),
    "words poll": lambda: charts.words_chart(POLL),
    "combined themes": lambda: charts.combined_themes_chart(COMBINED),
    "process map": lambda: charts.process_map_chart(
        PROCESS_MAP, {"working_well": "Working well", "blocker": "Blocker"}
    ),
    "funnel": lambda: charts.funnel_chart(_funnel(), FLAG_LABELS),
    # Suppressed settings are not drawn (analytics/variation/disclosure.py): recorded as "funnel"
    # with those points taken out.
    "funnel, small counts suppressed": lambda: charts.funnel_chart(
        _funnel(), FLAG_LABELS, hidden=suppression_of(_funnel().settings, None, on=True)
    ),
    "groups": lambda: charts.group_chart(GROUPS, "Locality"),
}


def _plain(value):
    """Plotly's typed arrays ({"dtype": "f8", "bdata": ...}) as lists, and floats rounded to what
    a chart can show, so that the same numbers compare equal however they were encoded."""
    if isinstance(value, dict):
        if set(value) == {"dtype", "bdata"} or set(value) == {"dtype", "bdata", "shape"}:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            return _plain(array.reshape(value["shape"]).tolist() if "shape" in value else array.tolist())
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, float) and math.isfinite(value):
        return round(value, 12)
    return value


def _without_template(figure: dict) -> dict:
    return {
        "data": figure["data"],
        "layout": {key: value for key, value in figure["layout"].items() if key != "template"},
    }


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_chart_is_what_plotly_drew(example):
    drawn_by_plotly = json.loads(DRAWN_BY_PLOTLY.read_text())[example]
    figure = EXAMPLES[example]()
    json.dumps(figure, allow_nan=False)  # plain JSON: no numpy value, no NaN
    assert _plain(_without_template(figure)) == _plain(drawn_by_plotly)


@pytest.mark.parametrize("example", EXAMPLES)
def test_plotly_accepts_every_chart_as_it_is(example):
    figure = EXAMPLES[example]()
    validated = json.loads(go.Figure(figure).to_json())  # raises on a property Plotly does not know
    assert _plain(validated) == _plain(figure)


def test_the_template_is_plotlys_default_for_what_the_charts_draw():
    default = pio.templates["plotly"].to_plotly_json()
    drawn = {trace["type"] for example in EXAMPLES.values() for trace in example()["data"]}
    assert set(charts.TEMPLATE["data"]) == drawn
    assert charts.TEMPLATE["data"] == {kind: default["data"][kind] for kind in drawn}
    # The subplots the charts never draw (polar, ternary, 3D, geo) are left out; the rest is Plotly's.
    assert set(default["layout"]) - set(charts.TEMPLATE["layout"]) == {"polar", "ternary", "scene", "geo"}
    assert _plain(charts.TEMPLATE["layout"]) == _plain(
        {key: default["layout"][key] for key in charts.TEMPLATE["layout"]}
    )
    for example in EXAMPLES.values():
        assert example()["layout"]["template"] == charts.TEMPLATE
