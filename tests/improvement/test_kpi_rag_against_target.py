"""A KPI's RAG: green on or beyond the target in its direction, amber within 10% of it, red further off."""

from decimal import Decimal

import pytest

from improvement.models import Kpi
from improvement.selectors import kpi_rag


@pytest.mark.parametrize(
    ("direction", "value", "rag"),
    [
        ("up", 90, "green"),
        ("up", 95, "green"),
        ("up", 81, "amber"),
        ("up", 80.9, "red"),
        ("down", 45, "green"),
        ("down", 40, "green"),
        ("down", 49.5, "amber"),
        ("down", 50, "red"),
    ],
)
def test_rag_follows_the_direction_and_the_margin(direction, value, rag):
    target = 90 if direction == "up" else 45
    assert kpi_rag(Kpi(target=Decimal(target), direction=direction), Decimal(str(value))) == rag


def test_no_target_or_no_value_means_no_rag():
    assert kpi_rag(Kpi(target=None, direction="up"), Decimal(3)) is None
    assert kpi_rag(Kpi(target=Decimal(3), direction="up"), None) is None
