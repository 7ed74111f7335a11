"""A KPI's name and unit are typed by the lead: its chart draws them as text, never as the markup
Plotly understands (a link, a restyled label), wherever they appear in the figure."""

import datetime
import json
import re

from improvement import services
from improvement.charts import kpi_chart
from improvement.models import Kpi, KpiKind
from improvement.selectors import kpi_summary

NAME = '<a href="https://evil.example">Decisions within 6 weeks</a>'
UNIT = "<b>%</b>"


def test_a_kpi_named_with_markup_reaches_its_chart_escaped(plan, lead):
    kpi = Kpi.objects.create(plan=plan, name=NAME, kind=KpiKind.HOW_WELL, unit=UNIT, target=90)
    services.kpi_value_set(kpi=kpi, period=datetime.date(2027, 3, 1), value=81, by=lead)

    figure = json.dumps(kpi_chart(kpi_summary(kpi)))

    assert re.findall(r"<\s*/?\s*[ab][\s>]", figure, flags=re.IGNORECASE) == []
    assert "&lt;a href" in figure and "&lt;b&gt;%&lt;/b&gt;" in figure  # still there, shown as typed
