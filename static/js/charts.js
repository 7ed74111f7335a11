// Draw every chart on the page from the figure JSON next to it (no inline script: CSP-friendly).
(function () {
  "use strict";

  // On a narrow screen long category labels are wrapped shorter and drawn smaller, so Plotly's
  // automatic margins fit them inside the chart instead of cutting them on the left.
  const NARROW = 576;

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

  function fitNarrow(figure, width) {
    if (width >= NARROW) return;
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

  document.querySelectorAll("[data-chart]").forEach(function (target) {
    const source = document.getElementById(target.dataset.chart);
    if (!source) return;
    const figure = JSON.parse(source.textContent);
    fitNarrow(figure, target.clientWidth || window.innerWidth);
    // No mode bar: its icon buttons are unlabelled for screen readers, and every figure is
    // already in the table below the chart, which downloads as CSV or Excel.
    Plotly.newPlot(target, figure.data, figure.layout, { displayModeBar: false, responsive: true });
  });
})();
