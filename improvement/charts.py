"""A KPI's chart (values by period, the target as a dashed line, the baseline as a dotted one) and
the same figures as a table.

Drawing only: the values come from ``selectors.kpi_summary``. Periods are named in the KPI's
frequency ("2025/26 Autumn term"). Points carry their value as text, each line is named in the
legend and drawn in its own dash, and the RAG or the trend is in the table in words, so nothing
depends on colour. A KPI's name and unit are typed by the lead, so they reach the figure escaped
(casereview.chart_text.plain), as the dashboards' labels do."""

import json
from decimal import Decimal

import plotly.graph_objects as go

from analytics.charts import FONT, NEUTRAL
from casereview.chart_text import plain
from casereview.exports import Table

TARGET = "#D55E00"
BASELINE = "#595959"


def _unit_after_a_number(unit: str) -> str:
    """How the unit follows a value: "81%" but "12 days"."""
    if not unit:
        return ""
    return plain(unit) if unit == "%" else f" {plain(unit)}"


def _label(row: dict) -> str:
    return row.get("label") or row["period"]


def _reference_line(fig, periods: list[str], value, name: str, colour: str, dash: str) -> None:
    fig.add_trace(
        go.Scatter(
            x=[periods[0], periods[-1]],
            y=[value] * 2,
            mode="lines",
            name=name,
            line={"color": colour, "dash": dash, "width": 2},
            hoverinfo="skip",
        )
    )


def kpi_chart(summary: dict) -> dict:
    periods = [plain(_label(row)) for row in summary["values"]]
    values = [row["value"] for row in summary["values"]]
    unit = _unit_after_a_number(summary["unit"])
    fig = go.Figure(
        go.Scatter(
            x=periods,
            y=values,
            mode="lines+markers+text",
            name=plain(summary["name"]),
            text=[f"{v}{unit}" for v in values],
            textposition="top center",
            marker={"color": NEUTRAL, "size": 9},
            line={"color": NEUTRAL},
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    if summary.get("baseline") is not None and periods:
        _reference_line(fig, periods, summary["baseline"], f"Baseline: {summary['baseline']}{unit}", BASELINE, "dot")
    if summary["target"] is not None and periods:
        _reference_line(fig, periods, summary["target"], f"Target: {summary['target']}{unit}", TARGET, "dash")
    fig.update_layout(
        height=340,
        margin={"l": 10, "r": 30, "t": 60, "b": 40},
        font=FONT,
        plot_bgcolor="#fff",
        paper_bgcolor="#fff",
        showlegend=True,
        legend={"orientation": "h", "y": 1.15},
        yaxis_title=plain(summary["unit"] or "Value"),
    )
    fig.update_xaxes(automargin=True, gridcolor="#e9ecef", type="category")
    fig.update_yaxes(automargin=True, gridcolor="#e9ecef")
    return json.loads(fig.to_json())


def _change(previous: dict | None, row: dict) -> str:
    """The change from the period before, with an arrow and a word: "↑ up 4"."""
    if previous is None:
        return "—"
    change = Decimal(str(row["value"])) - Decimal(str(previous["value"]))
    if change > 0:
        return f"↑ up {change.normalize():f}"
    if change < 0:
        return f"↓ down {(-change).normalize():f}"
    return "→ no change"


def kpi_table(summary: dict) -> Table:
    """The chart's figures: every period (named in the KPI's frequency) with its value, the change
    from the period before, the baseline and the target; the RAG against the target, or for a KPI
    where neither higher nor lower is better, no RAG (a trend only)."""
    from improvement.models import Kpi
    from improvement.selectors import kpi_rag

    neutral = summary["direction"] == Kpi.Direction.NEUTRAL
    kpi = Kpi(target=summary["target"], direction=summary["direction"])
    dash = "—"
    rows = []
    for index, row in enumerate(summary["values"]):
        previous = summary["values"][index - 1] if index else None
        rag = "No RAG: a trend only" if neutral else (kpi_rag(kpi, row["value"]) or "no target").capitalize()
        rows.append(
            [
                _label(row),
                row["value"],
                _change(previous, row),
                dash if summary.get("baseline") is None else summary["baseline"],
                dash if summary["target"] is None else summary["target"],
                rag,
            ]
        )
    return Table(
        "kpi",
        f"{summary['name']} by period",
        [
            "Period",
            f"Value ({summary['unit']})" if summary["unit"] else "Value",
            "Change from the period before",
            "Baseline",
            "Target",
            "RAG against target",
        ],
        rows,
    )
