"""Tables an app above analytics adds to the Power BI feed, without analytics importing it.

Dependencies point one way (casereview <- workshops <- analytics <- improvement), yet the feed
should serve the improvement plan beside the dashboard tables. So an app registers a ``FeedTable``
in its ``AppConfig.ready()`` (improvement: ``improvement/feed_tables.py``); the feed lists it in
``/feed/v1/`` with its columns described and serves it at ``/feed/v1/tables/NAME.csv|json`` with
the same key check, read log and formula-safe CSV as the dashboard tables. Its rows are read when
asked (no snapshot): ``rows(organisation, scope) -> list of rows``, one value per column, for the
key's LA only.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FeedColumn:
    name: str
    description: str


@dataclass(frozen=True)
class FeedTable:
    name: str  # its address: /feed/v1/tables/NAME.csv
    title: str
    columns: tuple[FeedColumn, ...]
    rows: Callable[..., list[list]]  # (organisation, scope) -> rows
    # Whether ?scope= narrows it (its rows are about reviews). A table that is not narrowed
    # refuses a scope rather than answer with rows a reader would take for narrowed ones.
    scoped: bool = False
    note: str = ""

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


_tables: dict[str, FeedTable] = {}


def register_feed_table(table: FeedTable) -> None:
    """Add ``table`` (once, however often an app's ready() runs; the last registration of a name wins)."""
    _tables[table.name] = table


def feed_tables() -> dict[str, FeedTable]:
    """Every registered table by name, in registration order."""
    return dict(_tables)
