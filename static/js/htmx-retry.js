// A database blip answers 503 with Retry-After (casereview/database_unavailable.py). An htmx request
// that meets one is sent again once, after that many seconds, before anything on the page says it
// failed; if the second answer is a 503 too, the page says to try again in a moment.
(function () {
  var retried = new WeakSet(); // elements whose request is being sent the second time

  function retryAfterSeconds(xhr) {
    var seconds = parseInt(xhr.getResponseHeader("Retry-After"), 10);
    return isNaN(seconds) ? 3 : Math.min(Math.max(seconds, 1), 30);
  }

  function showUnavailable() {
    var note = document.querySelector("[data-database-unavailable]");
    if (!note) {
      note = document.createElement("div");
      note.setAttribute("role", "alert");
      note.setAttribute("data-database-unavailable", "");
      note.className = "alert alert-warning";
      note.textContent =
        "casereview could not reach its database for a moment: what you sent just now was not saved. " +
        "Try again in a moment.";
      (document.getElementById("main") || document.body).prepend(note);
    }
    note.hidden = false;
  }

  // Capturing on the document runs before the page's own responseError handlers (on the body), so
  // the first 503 is retried quietly instead of being shown as an error.
  document.addEventListener(
    "htmx:responseError",
    function (event) {
      var detail = event.detail;
      var elt = detail.elt;
      if (!detail.xhr || detail.xhr.status !== 503 || !elt) return;
      if (retried.has(elt)) {
        retried.delete(elt);
        showUnavailable();
        return;
      }
      event.stopPropagation();
      retried.add(elt);
      var config = detail.requestConfig;
      window.setTimeout(function () {
        // With the element as its source htmx gathers the same values and headers again.
        var again = htmx.ajax(config.verb, config.path, { source: elt, target: detail.target });
        // Answered (a second 503 has been shown above): the element's next request starts afresh.
        again.then(function () { retried.delete(elt); }, function () { retried.delete(elt); });
      }, retryAfterSeconds(detail.xhr) * 1000);
    },
    true
  );

  document.addEventListener("htmx:afterRequest", function (event) {
    var note = document.querySelector("[data-database-unavailable]");
    if (note && event.detail.successful) note.hidden = true;
  });
})();
