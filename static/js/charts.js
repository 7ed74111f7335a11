// Draw every chart on the page from the figure JSON next to it (no inline script: CSP-friendly).
(function () {
  "use strict";
  document.querySelectorAll("[data-chart]").forEach(function (target) {
    const source = document.getElementById(target.dataset.chart);
    if (!source) return;
    const figure = JSON.parse(source.textContent);
    // No mode bar: its icon buttons are unlabelled for screen readers, and every figure is
    // already in the table below the chart, which downloads as CSV or Excel.
    Plotly.newPlot(target, figure.data, figure.layout, { displayModeBar: false, responsive: true });
  });
})();
