// Draw every chart on the page from the figure JSON next to it (no inline script: CSP-friendly).
// On a dashboard, also open the collapsed sections (analytics/_figures.html) on wider screens and
// the one a contents link points to.
(function () {
  "use strict";

  // Below this width (Bootstrap's "sm", as in dashboard.css) a screen is a phone's.
  const NARROW = 576;
  const LABEL_FONT = 13;
  const LINE = Math.round(LABEL_FONT * 1.3);
  const BAR = 22; // a bar's thickness on a phone, in pixels

  const measure = document.createElement("canvas").getContext("2d");

  function textWidth(text, size, family) {
    measure.font = size + "px " + family;
    return measure.measureText(text).width;
  }

  // Plotly's pseudo-HTML as the words it shows (for measuring only).
  function shown(label) {
    return String(label).replace(/<br>/g, " ").replace(/<[^>]*>/g, "").replace(/&[a-z]+;|&#\d+;/g, "&");
  }

  // Wraps a label into lines no wider than `width` pixels (a longer single word keeps its line).
  function wrapTo(label, width, size, family) {
    const lines = [];
    let line = "";
    String(label).replace(/<br>/g, " ").split(/\s+/).forEach(function (word) {
      const longer = line ? line + " " + word : word;
      if (line && textWidth(shown(longer), size, family) > width) {
        lines.push(line);
        line = word;
      } else {
        line = longer;
      }
    });
    lines.push(line);
    return lines;
  }

  // Wraps a label into lines of about `width` characters.
  function wrap(label, width) {
    const words = String(label).replace(/<br>/g, " ").split(/\s+/);
    const lines = [];
    let line = "";
    words.forEach(function (word) {
      if (line && line.length + word.length + 1 > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    lines.push(line);
    return lines.join("<br>");
  }

  function horizontalBars(figure) {
    return figure.data.length > 0 && figure.data.every(function (trace) {
      return trace.type === "bar" && trace.orientation === "h";
    });
  }

  // A phone's horizontal bar chart: each category's label on its own lines above its bar, across the
  // whole width (beside the bar there is no room for it: labels wrapped into a narrow column printed
  // over each other), values never cut at the right edge, nothing turned on its side.
  function fitBarsToPhone(figure, width) {
    const layout = figure.layout;
    const family = (layout.font && layout.font.family) || "sans-serif";
    const categories = [];
    figure.data.forEach(function (trace) {
      trace.y.forEach(function (category) {
        if (categories.indexOf(category) === -1) categories.push(category);
      });
    });
    const plotWidth = width - 8;
    const labels = categories.map(function (category) {
      return wrapTo(category, plotWidth - 4, LABEL_FONT, family);
    });
    const lines = Math.max.apply(null, labels.map(function (label) { return label.length; }));
    const grouped = layout.barmode === "group" ? figure.data.length : 1;
    const bars = BAR * grouped;
    const room = lines * LINE + 8; // above each bar, for its label
    const band = bars + room;

    layout.bargap = room / band;
    layout.bargroupgap = 0;
    layout.font = Object.assign({}, layout.font, { size: LABEL_FONT });
    // The top category's label needs the room above its bar inside the plot, as every other's has.
    const extra = (room / 2) / band;
    layout.yaxis = Object.assign({}, layout.yaxis, {
      showticklabels: false,
      autorange: false,
      range: [categories.length - 0.5, -0.5 - extra],
      automargin: false,
    });
    layout.annotations = (layout.annotations || []).concat(categories.map(function (category, index) {
      return {
        text: labels[index].join("<br>"),
        x: 0,
        xref: "paper",
        xanchor: "left",
        y: category,
        yref: "y",
        yanchor: "bottom",
        yshift: bars / 2 + 2,
        align: "left",
        showarrow: false,
        font: { size: LABEL_FONT },
      };
    }));
    layout.xaxis = Object.assign({}, layout.xaxis, {
      range: [0, xLimit(figure, plotWidth, family)],
      autorange: false,
      tickangle: 0,
      nticks: 5,
      automargin: true,
      tickfont: { size: 12 },
    });
    // The legend above the chart: it says what the colours are before the bars are read.
    if (layout.showlegend) {
      layout.legend = Object.assign({}, layout.legend, {
        orientation: "h", x: 0, xanchor: "left", y: 1, yanchor: "bottom", font: { size: 12 },
      });
    }
    const top = 8 + (layout.showlegend ? 22 * legendRows(figure, plotWidth, family) : 0);
    layout.margin = { l: 4, r: 4, t: top, b: 56 };
    layout.height = Math.round(top + 56 + (categories.length + extra) * band);
  }

  // How many rows the legend takes across the chart: Plotly puts an entry (its swatch, about 40 px,
  // and its words) on the next row when the row is full.
  function legendRows(figure, plotWidth, family) {
    let rows = 1;
    let used = 0;
    figure.data.forEach(function (trace) {
      const entry = 40 + textWidth(shown(trace.name || ""), 12, family);
      if (used && used + entry > plotWidth) {
        rows += 1;
        used = 0;
      }
      used += entry;
    });
    return rows;
  }

  // The end of the value axis, so that a value written beyond its bar ("21 (72%)") fits inside the
  // chart: Plotly's own range leaves it no room and cuts it at the edge.
  function xLimit(figure, plotWidth, family) {
    const stacked = figure.layout.barmode === "stack";
    const ends = {};
    let limit = 0;
    figure.data.forEach(function (trace) {
      trace.x.forEach(function (value, index) {
        const start = stacked ? (ends[trace.y[index]] || 0) : 0;
        const end = start + (value || 0);
        if (stacked) ends[trace.y[index]] = end;
        limit = Math.max(limit, end * 1.05);
        if (trace.textposition === "outside" && trace.text) {
          const room = plotWidth - textWidth(shown(trace.text[index]), LABEL_FONT, family) - 10;
          if (room > 0) limit = Math.max(limit, end * plotWidth / room);
        }
      });
    });
    return limit || 1;
  }

  // At every width: a value too long for its stretch of a bar is hidden (it is in the table below),
  // not turned on its side and shrunk to an unreadable size, as Plotly does by default.
  function keepValuesLevel(figure) {
    figure.data.forEach(function (trace) {
      trace.textangle = 0;
    });
    figure.layout.uniformtext = { mode: "hide", minsize: 11 };
  }

  // The heatmap's column labels (above it) wrapped to its columns' width: wrapped by characters on
  // the server, on a tablet they ran into each other. Below NARROW the heatmap is not shown at all.
  function fitHeatmapColumns(figure, width) {
    const heatmap = figure.data[0];
    const family = (figure.layout.font && figure.layout.font.family) || "sans-serif";
    const size = width < 992 ? 12 : 15;
    const rows = heatmap.y.map(function (label) {
      return Math.max.apply(null, String(label).split("<br>").map(function (line) {
        return textWidth(shown(line), size, family);
      }));
    });
    const column = (width - Math.max.apply(null, rows) - 60) / Math.max(heatmap.x.length, 1);
    heatmap.x = heatmap.x.map(function (label) { return wrapTo(label, column - 10, size, family).join("<br>"); });
    figure.layout.xaxis = Object.assign({}, figure.layout.xaxis, { tickfont: { size: size }, tickangle: 0 });
    figure.layout.yaxis = Object.assign({}, figure.layout.yaxis, { tickfont: { size: size } });
  }

  // Other charts on a narrow screen (the funnel, the KPI's, the groups'): long category labels wrapped
  // shorter and drawn smaller, so Plotly's automatic margins fit them inside the chart.
  function fitNarrow(figure, width) {
    const chars = Math.max(10, Math.floor(width / 30));
    figure.data.forEach(function (trace) {
      if (trace.type === "heatmap") return;
      const axis = trace.orientation === "h" ? "y" : "x";
      if (Array.isArray(trace[axis]) && trace[axis].every(function (value) { return typeof value === "string"; })) {
        trace[axis] = trace[axis].map(function (value) { return wrap(value, chars); });
      }
    });
    figure.layout.font = Object.assign({}, figure.layout.font, { size: 12 });
    ["xaxis", "yaxis"].forEach(function (name) {
      figure.layout[name] = Object.assign({}, figure.layout[name], { automargin: true, tickfont: { size: 11 } });
    });
    const margin = figure.layout.margin || {};
    figure.layout.margin = Object.assign({}, margin, { l: 4, r: Math.min(margin.r || 0, 40) });
  }

  function draw(target) {
    const source = document.getElementById(target.dataset.chart);
    if (!source) return;
    const figure = JSON.parse(source.textContent);
    const width = target.clientWidth || window.innerWidth;
    if (horizontalBars(figure)) keepValuesLevel(figure);
    if (figure.data.length === 1 && figure.data[0].type === "heatmap") fitHeatmapColumns(figure, width);
    if (width < NARROW) {
      if (horizontalBars(figure)) fitBarsToPhone(figure, width);
      else fitNarrow(figure, width);
    }
    // No mode bar: its icon buttons are unlabelled for screen readers, and every figure is
    // already in the table below the chart, which downloads as CSV or Excel.
    Plotly.newPlot(target, figure.data, figure.layout, { displayModeBar: false, responsive: true });
    target.dataset.drawn = "true";
  }

  // A chart in a closed section is drawn when the section opens: closed, it has no width to be
  // drawn at, and a phone need not draw the charts it is not shown.
  function drawWhenShown(target) {
    const section = target.closest("details");
    if (!section || section.open) {
      draw(target);
      return;
    }
    section.addEventListener("toggle", function drawn() {
      if (!section.open) return;
      section.removeEventListener("toggle", drawn);
      draw(target);
    });
  }

  const sections = document.querySelectorAll("details.dashboard-section");
  if (window.innerWidth >= NARROW) {
    sections.forEach(function (section) { section.open = true; });
  }

  // A link to a section's heading (the contents, the "counted once" note) opens the section below
  // it before the browser scrolls there.
  function openSectionOf(hash) {
    if (hash.length < 2) return;
    const target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) return;
    const section = target.closest("details.dashboard-section") ||
      (target.closest("section") && target.closest("section").querySelector("details.dashboard-section"));
    if (section) section.open = true;
  }
  if (sections.length) {
    document.addEventListener("click", function (event) {
      const link = event.target.closest && event.target.closest('a[href^="#"]');
      if (link) openSectionOf(link.getAttribute("href"));
    });
    window.addEventListener("hashchange", function () { openSectionOf(location.hash); });
    if (location.hash) {
      openSectionOf(location.hash);
      const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) target.scrollIntoView();
    }
  }

  document.querySelectorAll("[data-chart]").forEach(drawWhenShown);
})();
