// An open dashboard asks every few seconds whether newer figures exist (analytics/_freshness.html).
// When it cannot ask (the connection dropped, the server did not answer), it says so instead of
// going on claiming to be up to date; the next answer hides the warning again.
(function () {
  function offline(shown) {
    var note = document.querySelector('#freshness [data-testid="freshness-offline"]');
    if (note) note.hidden = !shown;
  }
  document.body.addEventListener("htmx:sendError", function (event) {
    if (event.target.id === "freshness") offline(true);
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    if (event.target.id === "freshness") offline(true);
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.target.id === "freshness" && event.detail.successful) offline(false);
  });
})();
