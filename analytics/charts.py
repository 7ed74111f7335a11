"""Plotly figures for a snapshot's figures. Drawing only: every number comes from the snapshot.

Each bar carries its number as text, so no figure depends on colour; the palette is Okabe-Ito,
distinguishable with the common colour vision deficiencies."""

import html
import json
from collections.abc import Collection

import plotly.graph_objects as go

from workshops.models import FindingKind

IDEAL, NOT_IDEAL, EXCLUDED, NEUTRAL = "#009E73", "#D55E00", "#999999", "#0072B2"
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 15, "color": "#212529"}


def _layout(fig: go.Figure, height: int, **extra) -> dict:
    margin = extra.pop("margin", {"l": 10, "r": 70, "t": 10, "b": 40})
    fig.update_layout(
        height=height, margin=margin, font=FONT, plot_bgcolor="#fff",
        paper_bgcolor="#fff", showlegend=extra.pop("showlegend", False), legend_traceorder="normal", **extra,
    )
    fig.update_xaxes(automargin=True, gridcolor="#e9ecef")
    fig.update_yaxes(automargin=True, gridcolor="#e9ecef")
    # Plotly's own encoder turns numpy and pandas values into plain JSON types.
    return json.loads(fig.to_json())


def plain(label) -> str:
    """A label that people typed (a theme, a room, a school, a phone's answer) as text only.

    Plotly draws a subset of HTML in labels, hover text and legends (<a href>, <b style>, <br>...),
    so typed markup would become a link or restyle the chart. Escaped, it shows as typed: Plotly
    turns &lt; back into < when it draws."""
    return html.escape(str(label), quote=False)


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


def outcome_chart(figures: dict) -> dict:
    outcome = figures["outcome"]
    labels = ["Ideal outcome", "Could have been better", "No consensus (excluded)"]
    counts = [outcome["ideal"], outcome["non_ideal"], figures["excluded"]]
    text = [f"{outcome['ideal']} ({_pct(outcome['ideal_share'])})", f"{outcome['non_ideal']} ({_pct(outcome['non_ideal_share'])})",
            f"{figures['excluded']} (not in shares)"]
    fig = go.Figure(go.Bar(y=labels, x=counts, orientation="h", text=text, textposition="outside", cliponaxis=False,
                           marker={"color": [IDEAL, NOT_IDEAL, EXCLUDED]}, hovertemplate="%{y}: %{x}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, 220, xaxis_title="Reviews")


def ranked_chart(rows: list[dict], axis_title: str) -> dict:
    rows = [r for r in rows if r["count"]] or rows[:1]
    fig = go.Figure(go.Bar(
        y=[plain(r["label"]) for r in rows], x=[r["count"] for r in rows], orientation="h", marker={"color": NEUTRAL},
        text=[f"{r['count']} ({_pct(r['share'])})" for r in rows], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, 80 + 34 * len(rows), xaxis_title=axis_title)


def themes_chart(rows: list[dict]) -> dict:
    """Each theme's share as a barrier (of the non-ideal reviews) and as an enabler (of the ideal
    ones), side by side; the bars carry their counts and shares, the legend says which is which."""
    if not rows or "barrier_share" not in rows[0]:  # a snapshot from before the split
        return ranked_chart(rows, "Analysed reviews naming the theme")
    rows = [r for r in rows if r["count"]] or rows[:1]
    labels = [r["label"] for r in rows]
    fig = go.Figure([
        go.Bar(name="As a barrier (share of non-ideal reviews)", y=labels, x=[r["barrier_share"] or 0 for r in rows], orientation="h",
               marker={"color": NOT_IDEAL}, text=[f"{r['barrier_count']} ({_pct(r['barrier_share'])})" for r in rows],
               textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{text} of the non-ideal reviews<extra></extra>"),
        go.Bar(name="As an enabler (share of ideal reviews)", y=labels, x=[r["enabler_share"] or 0 for r in rows], orientation="h",
               marker={"color": IDEAL, "pattern": {"shape": "/"}}, text=[f"{r['enabler_count']} ({_pct(r['enabler_share'])})" for r in rows],
               textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{text} of the ideal reviews<extra></extra>"),
    ])
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickformat=".0%", range=[0, 1.15])
    return _layout(fig, 120 + 60 * len(rows), barmode="group", xaxis_title="Share of reviews naming the theme", showlegend=True,
                   legend={"orientation": "h", "y": -0.2})


def provision_chart(figures: dict) -> dict:
    rows = figures["provision"]
    labels = [plain(r["label"]) for r in rows]
    fig = go.Figure([
        go.Bar(name="Ideal", y=labels, x=[r["ideal"] for r in rows], orientation="h", marker={"color": IDEAL},
               text=[f"{r['ideal']} ideal" if r["ideal"] else "" for r in rows], textposition="inside"),
        go.Bar(name="Not ideal", y=labels, x=[r["reviewed"] - r["ideal"] for r in rows], orientation="h", marker={"color": NOT_IDEAL},
               text=[f"{r['reviewed'] - r['ideal']} not ideal" if r["reviewed"] - r["ideal"] else "" for r in rows], textposition="inside"),
    ])
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, 130 + 45 * len(rows), barmode="stack", xaxis_title="Reviews (with consensus)", showlegend=True,
                   legend={"orientation": "h", "y": -0.3})


def crosstab_chart(figures: dict) -> dict:
    rows = figures["provision_crosstab"]
    current = list(dict.fromkeys(r["current_label"] for r in rows))
    better = list(dict.fromkeys(r["better_label"] for r in rows))
    z = [[next((r["count"] for r in rows if r["current_label"] == c and r["better_label"] == b), 0) for b in better] for c in current]
    fig = go.Figure(go.Heatmap(z=z, x=[_wrap(b) for b in better], y=[_wrap(c, 24) for c in current], colorscale="Blues",
                               showscale=False, text=z, texttemplate="%{text}", textfont={"size": 18},
                               hovertemplate="Now: %{y}<br>Better: %{x}<br>%{z} reviews<extra></extra>"))
    fig.update_xaxes(title="Provision that would better support them", side="top", tickangle=0)
    fig.update_yaxes(title="Current provision", autorange="reversed")
    return _layout(fig, 200 + 70 * max(len(current), 1), margin={"l": 10, "r": 20, "t": 120, "b": 10})


def breakdown_chart(rows: list[dict]) -> dict:
    labels = [plain(r["label"]) for r in rows]
    fig = go.Figure([
        go.Bar(name="Ideal", y=labels, x=[r["ideal"] for r in rows], orientation="h", marker={"color": IDEAL},
               text=[r["ideal"] for r in rows], textposition="inside"),
        go.Bar(name="Not ideal", y=labels, x=[r["non_ideal"] for r in rows], orientation="h", marker={"color": NOT_IDEAL},
               text=[r["non_ideal"] for r in rows], textposition="inside"),
        go.Bar(name="No consensus", y=labels, x=[r["excluded"] for r in rows], orientation="h", marker={"color": EXCLUDED},
               text=[r["excluded"] or "" for r in rows], textposition="inside"),
    ])
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, 110 + 40 * len(rows), barmode="stack", xaxis_title="Reviews", showlegend=True,
                   legend={"orientation": "h", "y": -0.25})


def words_chart(poll: dict) -> dict:
    return ranked_chart(
        [{"label": w["word"], "count": w["count"], "share": w["count"] / poll["answers"]} for w in poll["words"][:15]],
        "Answers",
    )


FLAG_STYLE = {  # flag -> (marker symbol, colour): the shape and the legend words carry it too
    "higher_998": ("triangle-up", "#B2182B"), "higher_95": ("triangle-up-open", "#B2182B"),
    "within": ("circle", "#6c757d"),
    "lower_95": ("triangle-down-open", "#1B7837"), "lower_998": ("triangle-down", "#1B7837"),
}


def funnel_chart(funnel, flag_labels: dict, suppress: bool = False) -> dict:
    """The settings against the limits. With suppression, a setting whose count or base is 1 to 4
    is still drawn (its place is needed to read the plot) but its hover text gives no counts."""
    settings, curve = funnel.settings, funnel.curve
    fig = go.Figure()
    for name, dash, label in (("998", "dot", "99.8% limits"), ("95", "dash", "95% limits")):
        for side in ("lower", "upper"):
            fig.add_trace(go.Scatter(
                x=curve["base"], y=curve[f"{side}_{name}"], mode="lines", line={"color": "#495057", "dash": dash, "width": 1.5},
                name=label, legendgroup=label, showlegend=side == "upper", hoverinfo="skip",
            ))
    fig.add_trace(go.Scatter(x=[curve["base"].min(), curve["base"].max()], y=[funnel.expected] * 2, mode="lines",
                             line={"color": "#212529", "width": 2}, name=f"Expected: {funnel.expected:.1%}", hoverinfo="skip"))
    for flag, (symbol, colour) in FLAG_STYLE.items():
        points = settings[settings.flag == flag]
        if points.empty:
            continue
        fig.add_trace(go.Scatter(
            x=points["base"], y=points["rate"], mode="markers", name=flag_labels[flag],
            marker={"symbol": symbol, "color": colour, "size": 12, "line": {"width": 1.5, "color": colour}},
            customdata=[[plain(r.name), plain(r.urn), _hover_figures(r, suppress)] for r in points.itertuples()],
            hovertemplate="<b>%{customdata[0]}</b> (URN %{customdata[1]})<br>%{customdata[2]}<extra></extra>",
        ))
    fig.update_xaxes(title=f"{funnel.base} (the base of the rate)")
    fig.update_yaxes(title=f"{funnel.measure} per {funnel.base}", tickformat=".0%")
    return _layout(fig, 520, showlegend=True, legend={"orientation": "h", "y": -0.2})


def _hover_figures(row, suppress: bool) -> str:
    if suppress and (0 < row.count < 5 or 0 < row.base < 5):
        return "fewer than 5 (suppressed)"
    return f"{row.count:.0f} of {row.base:.0f}: {row.rate:.1%}"


def group_chart(groups, title: str) -> dict:
    fig = go.Figure(go.Bar(
        x=[plain(group) for group in groups["group"].astype(str)], y=groups["rate"], marker={"color": NEUTRAL},
        error_y={"type": "data", "symmetric": False, "array": groups["high"] - groups["rate"], "arrayminus": groups["rate"] - groups["low"]},
        text=[f"{r:.1%}" for r in groups["rate"]], textposition="outside", cliponaxis=False,
        hovertemplate="%{x}: %{y:.1%}<extra></extra>",
    ))
    fig.update_xaxes(title=title, type="category")
    fig.update_yaxes(title="Rate (with 95% interval)", tickformat=".0%")
    return _layout(fig, 380)


KIND_COLOURS = {"working_well": "#009E73", "challenge": "#E69F00", "blocker": "#D55E00", "root_cause": "#CC79A7", "change_needed": "#0072B2"}


def combined_themes_chart(rows: list[dict]) -> dict:
    rows = [r for r in rows if r["total"]] or rows[:1]
    labels = [plain(r["label"]) for r in rows]
    fig = go.Figure([
        go.Bar(name="Case reviews", y=labels, x=[r["reviews"] for r in rows], orientation="h", marker={"color": NEUTRAL},
               text=[r["reviews"] or "" for r in rows], textposition="inside"),
        go.Bar(name="Process map findings", y=labels, x=[r["findings"] for r in rows], orientation="h", marker={"color": "#CC79A7"},
               text=[r["findings"] or "" for r in rows], textposition="inside"),
    ])
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, 120 + 36 * len(rows), barmode="stack", xaxis_title="Times named", showlegend=True,
                   legend={"orientation": "h", "y": -0.2})


def process_map_chart(process_map: dict, kind_labels: dict) -> dict:
    steps = [_wrap(f"{s['position']}. {s['title']}", 28) for s in process_map["steps"]]
    fig = go.Figure([
        go.Bar(name=label, y=steps, x=[s["counts"][kind] for s in process_map["steps"]], orientation="h",
               marker={"color": KIND_COLOURS[kind]}, text=[s["counts"][kind] or "" for s in process_map["steps"]], textposition="inside")
        for kind, label in kind_labels.items()
    ])
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, 140 + 50 * max(len(steps), 1), barmode="stack", xaxis_title="Findings", showlegend=True,
                   legend={"orientation": "h", "y": -0.2})


def dashboard_charts(figures: dict, fixed: Collection[str]) -> dict:
    """Every chart of a scope's dashboard, drawn once when its snapshot is computed: building a
    Plotly figure costs milliseconds per chart, too much to spend on every page view. ``fixed``:
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
        "process_maps": {str(m["id"]): process_map_chart(m, dict(FindingKind.choices)) for m in figures["process_maps"]},
    }
