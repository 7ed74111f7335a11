"""A KPI's chart (values by period, the target as a dashed line) and the same figures as a table.

Drawing only: the values come from ``selectors.kpi_summary``. Points carry their value as text and
the RAG is in the table in words, so nothing depends on colour. A KPI's name and unit are typed by
the lead, so they reach the figure escaped (casereview.chart_text.plain), as the dashboards' labels do."""

import json

import plotly.graph_objects as go

from analytics.charts import FONT, NEUTRAL
from casereview.chart_text import plain
from casereview.exports import Table

TARGET = "#D55E00"


def _unit_after_a_number(unit: str) -> str:
    """How the unit follows a value: "81%" but "12 days"."""
    if not unit:
        return ""
    return plain(unit) if unit == "%" else f" {plain(unit)}"


def kpi_chart(summary: dict) -> dict:
    periods = [plain(row["period"]) for row in summary["values"]]
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
    if summary["target"] is not None and periods:
        fig.add_trace(
            go.Scatter(
                x=[periods[0], periods[-1]],
                y=[summary["target"]] * 2,
                mode="lines",
                name=f"Target: {summary['target']}{unit}",
                line={"color": TARGET, "dash": "dash", "width": 2},
                hoverinfo="skip",
            )
        )
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


def kpi_table(summary: dict) -> Table:
    from improvement.models import Kpi
    from improvement.selectors import kpi_rag

    kpi = Kpi(target=summary["target"], direction=summary["direction"])
    rows = [
        [
            row["period"],
            row["value"],
            summary["target"] if summary["target"] is not None else "—",
            (kpi_rag(kpi, row["value"]) or "no target").capitalize(),
        ]
        for row in summary["values"]
    ]
    return Table(
        "kpi",
        f"{summary['name']} by period",
        ["Period", f"Value ({summary['unit']})" if summary["unit"] else "Value", "Target", "RAG against target"],
        rows,
    )
