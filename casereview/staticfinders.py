"""Serve plotly.js from the installed plotly package, so charts need no CDN.

Only plotly.min.js is exposed, at static/plotly/plotly.min.js; the rest of plotly's package
data (datasets, templates) stays private."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = "plotly.min.js"
PREFIX = "plotly"


class PlotlyJsFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.storage = FileSystemStorage(location=Path(plotly.__file__).parent / "package_data")
        self.storage.prefix = PREFIX  # collectstatic puts the file under this folder

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != f"{PREFIX}/{PLOTLY_JS}":
            return []
        match = self.storage.path(PLOTLY_JS)
        return [match] if find_all else match

    def list(self, ignore_patterns):
        yield PLOTLY_JS, self.storage
