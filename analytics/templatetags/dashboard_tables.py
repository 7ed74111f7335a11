"""How a dashboard table is shown on the page: labels only. Codes (``Code`` columns) are for the
downloads and the Power BI feed, which keep every column."""

from django import template

from casereview.exports import Table

register = template.Library()

DOWNLOAD_ONLY_COLUMNS = frozenset({"Code"})


@register.filter
def on_screen(table: Table) -> Table:
    keep = [index for index, column in enumerate(table.columns) if column not in DOWNLOAD_ONLY_COLUMNS]
    if len(keep) == len(table.columns):
        return table
    return Table(
        table.name,
        table.title,
        [table.columns[i] for i in keep],
        [[row[i] for i in keep] for row in table.rows],
        table.note,
    )
