// Draw every chart on the page from the figure JSON next to it (no inline script: CSP-friendly).
(function () {
  "use strict";
  document.querySelectorAll("[data-chart]").forEach(function (target) {
    const source = document.getElementById(target.dataset.chart);
    if (!source) return;
    const figure = JSON.parse(source.textContent);
    Plotly.newPlot(target, figure.data, figure.layout, {
      displaylogo: false,
      responsive: true,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    });
  });
})();
