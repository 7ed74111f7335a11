/* The poll projector: the word cloud fits the screen it is on, and the join address and the code
   fit their column on one line.

   The words' sizes are multiples of one unit (--cloud-unit, in CSS). Here the unit is the largest
   that lets every word fit the space the question and the join panel leave, found by halving the
   interval (a dozen layouts at most). When even the smallest readable unit is too big, the sizes
   are brought closer together (--cloud-spread); when that is not enough, the least given words are
   left out of the cloud (they stay in the table) and "and M more" says how many.
   It runs on load, on resize and whenever htmx brings new results. */
(function () {
  "use strict";

  // The smallest word is never below 18 px: readable from the back of a room on 720 lines.
  var SMALLEST_WORD_PX = 18;
  var SMALLEST_FACTOR = 2.6; // .size-1 in casereview.css

  function fits(cloud) {
    return cloud.scrollHeight <= cloud.clientHeight + 1 && cloud.scrollWidth <= cloud.clientWidth + 1;
  }

  // The largest value in [low, high] of a CSS variable at which the cloud fits (low if none).
  function largestFitting(cloud, name, low, high, unit) {
    cloud.style.setProperty(name, high + unit);
    if (fits(cloud)) {
      return high;
    }
    for (var step = 0; step < 10; step++) {
      var middle = (low + high) / 2;
      cloud.style.setProperty(name, middle + unit);
      if (fits(cloud)) {
        low = middle;
      } else {
        high = middle;
      }
    }
    cloud.style.setProperty(name, low + unit);
    return low;
  }

  function fitCloud() {
    var cloud = document.querySelector(".word-cloud[data-fit]");
    if (!cloud || !cloud.clientHeight) {
      return;
    }
    var words = Array.prototype.slice.call(cloud.querySelectorAll(".word-cloud__word"));
    words.forEach(function (word) { word.hidden = false; });
    var vmin = Math.min(window.innerWidth, window.innerHeight) / 100;
    var smallest = SMALLEST_WORD_PX / SMALLEST_FACTOR;
    // First the size of every word; at the smallest readable size, then the difference between
    // the most and the least given; only then are the least given words left out.
    cloud.style.setProperty("--cloud-spread", "1");
    var unit = largestFitting(cloud, "--cloud-unit", smallest, Math.max(smallest, vmin * 1.6), "px");
    if (unit === smallest && !fits(cloud)) {
      largestFitting(cloud, "--cloud-spread", 0, 1, "");
    }
    var left = 0;
    for (var last = words.length - 1; last > 0 && !fits(cloud); last--) {
      words[last].hidden = true;
      left += 1;
    }
    var more = document.getElementById("cloud-more");
    if (more) {
      var count = parseInt(more.getAttribute("data-more"), 10) + left;
      more.querySelector("[data-more-count]").textContent = count;
      more.hidden = count === 0;
    }
  }

  // An element that must stay on one line (the join address, the code: white-space: nowrap in
  // CSS) keeps its CSS size when it fits its box, else takes the size at which it just fits: the
  // width of one line of text is proportional to its font size, so one measure finds it, and a
  // step or two more absorbs rounding.
  function fitWidths() {
    document.querySelectorAll("[data-fit-width]").forEach(function (element) {
      element.style.fontSize = "";
      if (element.scrollWidth <= element.clientWidth + 1 || !element.clientWidth) {
        return;
      }
      var size = parseFloat(window.getComputedStyle(element).fontSize);
      size = Math.max(12, Math.floor(size * element.clientWidth / element.scrollWidth * 10) / 10);
      element.style.fontSize = size + "px";
      while (element.scrollWidth > element.clientWidth + 1 && size > 12) {
        size -= 0.5;
        element.style.fontSize = size + "px";
      }
    });
  }

  // htmx replaces the results every time they change: the table stays open if it was.
  var openDetails = [];
  document.addEventListener("htmx:beforeSwap", function () {
    openDetails = Array.prototype.map.call(document.querySelectorAll("#live-results details[open]"), function (d) { return d.id; });
  });
  document.addEventListener("htmx:afterSettle", function () {
    openDetails.forEach(function (id) {
      var details = document.getElementById(id);
      if (details) { details.open = true; }
    });
    fitCloud();
  });
  document.addEventListener("toggle", function (event) {
    if (event.target.closest && event.target.closest("#live-results")) { fitCloud(); }
  }, true);

  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(function () { fitWidths(); fitCloud(); }, 100);
  });

  function start() { fitWidths(); fitCloud(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
