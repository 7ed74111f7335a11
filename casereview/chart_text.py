"""Text people typed, made safe to draw in a Plotly chart. Shared by every app that draws one
(analytics' dashboards, improvement's KPI charts), so all charts escape labels the same way."""

import html


def plain(label) -> str:
    """A label that people typed (a theme, a room, a school, a phone's answer, a KPI's name or unit)
    as text only.

    Plotly draws a subset of HTML in labels, hover text, legends, titles and annotations (<a href>,
    <b style>, <br>...), so typed markup would become a link or restyle the chart. Escaped, it shows
    as typed: Plotly turns &lt; back into < when it draws."""
    return html.escape(str(label), quote=False)
