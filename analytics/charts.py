"""Plotly figures for a snapshot's figures. Drawing only: every number comes from the snapshot.

Each bar carries its number as text, so no figure depends on colour; the palette is Okabe-Ito,
distinguishable with the common colour vision deficiencies.

The figures are built as the plain dicts plotly.js draws (``{"data": [...], "layout": {...}}``),
not with plotly.py's graph objects: those validate every property as it is set, which cost a
refresh about 0.5 s of CPU for an LA's dashboard (docs/benchmarks.md). The dicts are what
``json.loads(fig.to_json())`` gave, property for property, and
tests/analytics/test_charts_draw_as_plotly_drew_them.py holds them to it: a property plotly.js
does not know would be ignored silently in the browser, so that test runs each figure through
plotly.py's validation too."""

import math
from collections.abc import Collection, Iterable

from casereview.chart_text import plain
from workshops.models import FindingKind

IDEAL, NOT_IDEAL, EXCLUDED, NEUTRAL = "#009E73", "#D55E00", "#999999", "#0072B2"
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 15, "color": "#212529"}
# Plotly's "Blues", as plotly.py expanded the name.
BLUES = [
    [0.0, "rgb(247,251,255)"],
    [0.125, "rgb(222,235,247)"],
    [0.25, "rgb(198,219,239)"],
    [0.375, "rgb(158,202,225)"],
    [0.5, "rgb(107,174,214)"],
    [0.625, "rgb(66,146,198)"],
    [0.75, "rgb(33,113,181)"],
    [0.875, "rgb(8,81,156)"],
    [1.0, "rgb(8,48,107)"],
]
_PLASMA = [
    [0.0, "#0d0887"],
    [0.1111111111111111, "#46039f"],
    [0.2222222222222222, "#7201a8"],
    [0.3333333333333333, "#9c179e"],
    [0.4444444444444444, "#bd3786"],
    [0.5555555555555556, "#d8576b"],
    [0.6666666666666666, "#ed7953"],
    [0.7777777777777778, "#fb9f3a"],
    [0.8888888888888888, "#fdca26"],
    [1.0, "#f0f921"],
]
_AXIS = {
    "gridcolor": "white",
    "linecolor": "white",
    "ticks": "",
    "title": {"standoff": 15},
    "zerolinecolor": "white",
    "automargin": True,
    "zerolinewidth": 2,
}
# plotly.py's default template ("plotly"), which every figure carried and the pages drew with: it
# hides the zero lines, gives bars their thin edge and patterns their look, keeps category labels
# that look like numbers as categories (autotypenumbers)... Only the parts for the trace types and
# the 2-D axes these charts draw are kept (7 KB a figure was mostly polar, 3-D and map settings);
# tests/analytics/test_charts_draw_as_plotly_drew_them.py checks it against plotly.py's own.
TEMPLATE = {
    "data": {
        "bar": [
            {
                "error_x": {"color": "#2a3f5f"},
                "error_y": {"color": "#2a3f5f"},
                "marker": {
                    "line": {"color": "#E5ECF6", "width": 0.5},
                    "pattern": {"fillmode": "overlay", "size": 10, "solidity": 0.2},
                },
                "type": "bar",
            }
        ],
        "heatmap": [{"type": "heatmap", "colorbar": {"outlinewidth": 0, "ticks": ""}, "colorscale": _PLASMA}],
        "scatter": [{"fillpattern": {"fillmode": "overlay", "size": 10, "solidity": 0.2}, "type": "scatter"}],
    },
    "layout": {
        "autotypenumbers": "strict",
        "colorway": [
            "#636efa",
            "#EF553B",
            "#00cc96",
            "#ab63fa",
            "#FFA15A",
            "#19d3f3",
            "#FF6692",
            "#B6E880",
            "#FF97FF",
            "#FECB52",
        ],
        "font": {"color": "#2a3f5f"},
        "hovermode": "closest",
        "hoverlabel": {"align": "left"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "#E5ECF6",
        "coloraxis": {"colorbar": {"outlinewidth": 0, "ticks": ""}},
        "colorscale": {
            "sequential": _PLASMA,
            "sequentialminus": _PLASMA,
            "diverging": [
                [0, "#8e0152"],
                [0.1, "#c51b7d"],
                [0.2, "#de77ae"],
                [0.3, "#f1b6da"],
                [0.4, "#fde0ef"],
                [0.5, "#f7f7f7"],
                [0.6, "#e6f5d0"],
                [0.7, "#b8e186"],
                [0.8, "#7fbc41"],
                [0.9, "#4d9221"],
                [1, "#276419"],
            ],
        },
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "shapedefaults": {"line": {"color": "#2a3f5f"}},
        "annotationdefaults": {"arrowcolor": "#2a3f5f", "arrowhead": 0, "arrowwidth": 1},
        "title": {"x": 0.05},
    },
}


def _figure(
    data: list[dict],
    height: int,
    *,
    xaxis: dict | None = None,
    yaxis: dict | None = None,
    xaxis_title: str | None = None,
    margin: dict | None = None,
    showlegend: bool = False,
    legend: dict | None = None,
    **extra,
) -> dict:
    """A figure with the charts' common layout. The template is shared by every figure (the same
    dict): it is written out with each, never changed."""
    xaxis = dict(xaxis or {})
    if xaxis_title is not None:
        xaxis["title"] = xaxis_title
    layout = {
        "xaxis": _axis(xaxis),
        "yaxis": _axis(yaxis or {}),
        "margin": margin or {"l": 10, "r": 70, "t": 10, "b": 40},
        "font": FONT,
        "legend": {"traceorder": "normal", **(legend or {})},
        "height": height,
        "plot_bgcolor": "#fff",
        "paper_bgcolor": "#fff",
        "showlegend": showlegend,
        **extra,
        "template": TEMPLATE,
    }
    return {"data": data, "layout": layout}


def _axis(axis: dict) -> dict:
    title = axis.get("title")
    return {
        **axis,
        **({"title": {"text": title}} if isinstance(title, str) else {}),
        "automargin": True,
        "gridcolor": "#e9ecef",
    }


def _bar(y: list, x: list, **properties) -> dict:
    """A horizontal bar trace. Plotly takes a bar's text as strings (it turned numbers into them)."""
    if "text" in properties:
        properties["text"] = [str(t) for t in properties["text"]]
    return {"type": "bar", "orientation": "h", "y": y, "x": x, **properties}


def _numbers(values: Iterable) -> list[float | None]:
    """Numbers from pandas or numpy as JSON numbers, a missing one (NaN) as null: a gap, as
    plotly.js drew NaN."""
    return [float(v) if math.isfinite(v) else None for v in (float(v) for v in values)]


def _wrap(label: str, width: int = 16) -> str:
    """Long axis labels on several lines, so they need not be tilted or cut (escaped: see plain)."""
    lines, line = [], ""
    for word in plain(label).split():
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join(lines + [line])


def _pct(share) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


REVERSED = {"autorange": "reversed"}  # bars top to bottom in the rows' order


def outcome_chart(figures: dict) -> dict:
    outcome = figures["outcome"]
    labels = ["Ideal outcome", "Could have been better", "No consensus (excluded)"]
    counts = [outcome["ideal"], outcome["non_ideal"], figures["excluded"]]
    text = [
        f"{outcome['ideal']} ({_pct(outcome['ideal_share'])})",
        f"{outcome['non_ideal']} ({_pct(outcome['non_ideal_share'])})",
        f"{figures['excluded']} (not in shares)",
    ]
    bar = _bar(
        labels,
        counts,
        text=text,
        textposition="outside",
        cliponaxis=False,
        marker={"color": [IDEAL, NOT_IDEAL, EXCLUDED]},
        hovertemplate="%{y}: %{x}<extra></extra>",
    )
    return _figure([bar], 220, yaxis=REVERSED, xaxis_title="Reviews")


def ranked_chart(rows: list[dict], axis_title: str) -> dict:
    rows = [r for r in rows if r["count"]] or rows[:1]
    bar = _bar(
        [plain(r["label"]) for r in rows],
        [r["count"] for r in rows],
        marker={"color": NEUTRAL},
        text=[f"{r['count']} ({_pct(r['share'])})" for r in rows],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x}<extra></extra>",
    )
    return _figure([bar], 80 + 34 * len(rows), yaxis=REVERSED, xaxis_title=axis_title)


def themes_chart(rows: list[dict]) -> dict:
    """Each theme's share as a barrier (of the non-ideal reviews) and as an enabler (of the ideal
    ones), side by side; the bars carry their counts and shares, the legend says which is which."""
    if not rows or "barrier_share" not in rows[0]:  # a snapshot from before the split
        return ranked_chart(rows, "Analysed reviews naming the theme")
    rows = [r for r in rows if r["count"]] or rows[:1]
    labels = [plain(r["label"]) for r in rows]
    data = [
        _bar(
            labels,
            [r["barrier_share"] or 0 for r in rows],
            name="As a barrier (share of non-ideal reviews)",
            marker={"color": NOT_IDEAL},
            text=[f"{r['barrier_count']} ({_pct(r['barrier_share'])})" for r in rows],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text} of the non-ideal reviews<extra></extra>",
        ),
        _bar(
            labels,
            [r["enabler_share"] or 0 for r in rows],
            name="As an enabler (share of ideal reviews)",
            marker={"color": IDEAL, "pattern": {"shape": "/"}},
            text=[f"{r['enabler_count']} ({_pct(r['enabler_share'])})" for r in rows],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text} of the ideal reviews<extra></extra>",
        ),
    ]
    return _figure(
        data,
        120 + 60 * len(rows),
        yaxis=REVERSED,
        xaxis={"tickformat": ".0%", "range": [0, 1.15]},
        barmode="group",
        xaxis_title="Share of reviews naming the theme",
        showlegend=True,
        legend={"orientation": "h", "y": -0.2},
    )


def provision_chart(figures: dict) -> dict:
    rows = figures["provision"]
    labels = [plain(r["label"]) for r in rows]
    data = [
        _bar(
            labels,
            [r["ideal"] for r in rows],
            name="Ideal",
            marker={"color": IDEAL},
            text=[f"{r['ideal']} ideal" if r["ideal"] else "" for r in rows],
            textposition="inside",
        ),
        _bar(
            labels,
            [r["reviewed"] - r["ideal"] for r in rows],
            name="Not ideal",
            marker={"color": NOT_IDEAL},
            text=[f"{r['reviewed'] - r['ideal']} not ideal" if r["reviewed"] - r["ideal"] else "" for r in rows],
            textposition="inside",
        ),
    ]
    return _figure(
        data,
        130 + 45 * len(rows),
        yaxis=REVERSED,
        barmode="stack",
        xaxis_title="Reviews (with consensus)",
        showlegend=True,
        legend={"orientation": "h", "y": -0.3},
    )


def crosstab_chart(figures: dict) -> dict:
    rows = figures["provision_crosstab"]
    current = list(dict.fromkeys(r["current_label"] for r in rows))
    better = list(dict.fromkeys(r["better_label"] for r in rows))
    counts = {
        (r["current_label"], r["better_label"]): r["count"] for r in reversed(rows)
    }  # the first row of a pair, as before
    z = [[counts.get((c, b), 0) for b in better] for c in current]
    heatmap = {
        "type": "heatmap",
        "z": z,
        "x": [_wrap(b) for b in better],
        "y": [_wrap(c, 24) for c in current],
        "colorscale": BLUES,
        "showscale": False,
        "text": z,
        "texttemplate": "%{text}",
        "textfont": {"size": 18},
        "hovertemplate": "Now: %{y}<br>Better: %{x}<br>%{z} reviews<extra></extra>",
    }
    return _figure(
        [heatmap],
        200 + 70 * max(len(current), 1),
        margin={"l": 10, "r": 20, "t": 120, "b": 10},
        xaxis={"title": "Provision that would better support them", "side": "top", "tickangle": 0},
        yaxis={"title": "Current provision", **REVERSED},
    )


def breakdown_chart(rows: list[dict]) -> dict:
    labels = [plain(r["label"]) for r in rows]
    data = [
        _bar(
            labels,
            [r["ideal"] for r in rows],
            name="Ideal",
            marker={"color": IDEAL},
            text=[r["ideal"] for r in rows],
            textposition="inside",
        ),
        _bar(
            labels,
            [r["non_ideal"] for r in rows],
            name="Not ideal",
            marker={"color": NOT_IDEAL},
            text=[r["non_ideal"] for r in rows],
            textposition="inside",
        ),
        _bar(
            labels,
            [r["excluded"] for r in rows],
            name="No consensus",
            marker={"color": EXCLUDED},
            text=[r["excluded"] or "" for r in rows],
            textposition="inside",
        ),
    ]
    return _figure(
        data,
        110 + 40 * len(rows),
        yaxis=REVERSED,
        barmode="stack",
        xaxis_title="Reviews",
        showlegend=True,
        legend={"orientation": "h", "y": -0.25},
    )


def words_chart(poll: dict) -> dict:
    return ranked_chart(
        [{"label": w["word"], "count": w["count"], "share": w["count"] / poll["answers"]} for w in poll["words"][:15]],
        "Answers",
    )


FLAG_STYLE = {  # flag -> (marker symbol, colour): the shape and the legend words carry it too
    "higher_998": ("triangle-up", "#B2182B"),
    "higher_95": ("triangle-up-open", "#B2182B"),
    "within": ("circle", "#6c757d"),
    "lower_95": ("triangle-down-open", "#1B7837"),
    "lower_998": ("triangle-down", "#1B7837"),
}


def funnel_chart(funnel, flag_labels: dict, hidden=None) -> dict:
    """The settings against the limits. A setting suppressed for disclosure control (``hidden``,
    analytics/variation/disclosure.py) is not drawn: a point's place is its base and its rate,
    which multiply back to its count. The page says how many are left out; they are in the table."""
    settings, curve = funnel.settings, funnel.curve
    if hidden is not None and hidden.hidden:
        settings = settings[[not hidden.hides(index) for index in settings.index]]
    data = []
    for name, dash, label in (("998", "dot", "99.8% limits"), ("95", "dash", "95% limits")):
        for side in ("lower", "upper"):
            data.append(
                {
                    "type": "scatter",
                    "x": _numbers(curve["base"]),
                    "y": _numbers(curve[f"{side}_{name}"]),
                    "mode": "lines",
                    "line": {"color": "#495057", "dash": dash, "width": 1.5},
                    "name": label,
                    "legendgroup": label,
                    "showlegend": side == "upper",
                    "hoverinfo": "skip",
                }
            )
    data.append(
        {
            "type": "scatter",
            "x": _numbers([curve["base"].min(), curve["base"].max()]),
            "y": _numbers([funnel.expected] * 2),
            "mode": "lines",
            "line": {"color": "#212529", "width": 2},
            "name": f"Expected: {funnel.expected:.1%}",
            "hoverinfo": "skip",
        }
    )
    for flag, (symbol, colour) in FLAG_STYLE.items():
        points = settings[settings.flag == flag]
        if points.empty:
            continue
        data.append(
            {
                "type": "scatter",
                "x": _numbers(points["base"]),
                "y": _numbers(points["rate"]),
                "mode": "markers",
                "name": flag_labels[flag],
                "marker": {"symbol": symbol, "color": colour, "size": 12, "line": {"width": 1.5, "color": colour}},
                "customdata": [[plain(r.name), plain(r.urn), _hover_figures(r)] for r in points.itertuples()],
                "hovertemplate": "<b>%{customdata[0]}</b> (URN %{customdata[1]})<br>%{customdata[2]}<extra></extra>",
            }
        )
    return _figure(
        data,
        520,
        xaxis={"title": f"{funnel.base} (the base of the rate)"},
        yaxis={"title": f"{funnel.measure} per {funnel.base}", "tickformat": ".0%"},
        showlegend=True,
        legend={"orientation": "h", "y": -0.2},
    )


def _hover_figures(row) -> str:
    return f"{row.count:.0f} of {row.base:.0f}: {row.rate:.1%}"


def group_chart(groups, title: str) -> dict:
    bar = {
        "type": "bar",
        "x": [plain(group) for group in groups["group"].astype(str)],
        "y": _numbers(groups["rate"]),
        "marker": {"color": NEUTRAL},
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": _numbers(groups["high"] - groups["rate"]),
            "arrayminus": _numbers(groups["rate"] - groups["low"]),
        },
        "text": [f"{r:.1%}" for r in groups["rate"]],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{x}: %{y:.1%}<extra></extra>",
    }
    return _figure(
        [bar],
        380,
        xaxis={"title": title, "type": "category"},
        yaxis={"title": "Rate (with 95% interval)", "tickformat": ".0%"},
    )


KIND_COLOURS = {
    "working_well": "#009E73",
    "challenge": "#E69F00",
    "blocker": "#D55E00",
    "root_cause": "#CC79A7",
    "change_needed": "#0072B2",
}


def combined_themes_chart(rows: list[dict]) -> dict:
    rows = [r for r in rows if r["total"]] or rows[:1]
    labels = [plain(r["label"]) for r in rows]
    data = [
        _bar(
            labels,
            [r["reviews"] for r in rows],
            name="Case reviews",
            marker={"color": NEUTRAL},
            text=[r["reviews"] or "" for r in rows],
            textposition="inside",
        ),
        _bar(
            labels,
            [r["findings"] for r in rows],
            name="Process map findings",
            marker={"color": "#CC79A7"},
            text=[r["findings"] or "" for r in rows],
            textposition="inside",
        ),
    ]
    return _figure(
        data,
        120 + 36 * len(rows),
        yaxis=REVERSED,
        barmode="stack",
        xaxis_title="Times named",
        showlegend=True,
        legend={"orientation": "h", "y": -0.2},
    )


def process_map_chart(process_map: dict, kind_labels: dict) -> dict:
    steps = [_wrap(f"{s['position']}. {s['title']}", 28) for s in process_map["steps"]]
    data = [
        _bar(
            steps,
            [s["counts"][kind] for s in process_map["steps"]],
            name=label,
            marker={"color": KIND_COLOURS[kind]},
            text=[s["counts"][kind] or "" for s in process_map["steps"]],
            textposition="inside",
        )
        for kind, label in kind_labels.items()
    ]
    return _figure(
        data,
        140 + 50 * max(len(steps), 1),
        yaxis=REVERSED,
        barmode="stack",
        xaxis_title="Findings",
        showlegend=True,
        legend={"orientation": "h", "y": -0.2},
    )


def dashboard_charts(figures: dict, fixed: Collection[str]) -> dict:
    """Every chart of a scope's dashboard, drawn once when its snapshot is computed (the page's
    HTML is kept per snapshot, so a view draws nothing). ``fixed``:
    the dimensions the scope fixes (``Scope.kinds``: none for all, ("workshop", "phase") for one
    workshop's secondary reviews), each the same for every review in scope."""
    return {
        "outcome": outcome_chart(figures),
        "areas": ranked_chart(figures["non_ideal_areas"], "Non-ideal reviews naming the area"),
        "themes": themes_chart(figures["themes"]),
        "provision": provision_chart(figures),
        "crosstab": crosstab_chart(figures),
        # A dashboard narrowed to one workshop (or phase, ...) has no breakdown by that same thing:
        # it would be one bar. A combination leaves out each dimension it fixes.
        "breakdowns": {
            dimension: breakdown_chart(rows)
            for dimension, rows in figures["breakdowns"].items()
            if rows and dimension not in fixed
        },
        "polls": {str(poll["id"]): words_chart(poll) for poll in figures["polls"]},
        "combined_themes": combined_themes_chart(figures["combined_themes"]) if figures["process_maps"] else None,
        "process_maps": {
            str(m["id"]): process_map_chart(m, dict(FindingKind.choices)) for m in figures["process_maps"]
        },
    }
