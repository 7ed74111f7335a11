// The Moderate page asks every 4 s whether answers have arrived (workshops/polls/_moderate_news.html).
// When they have, it reloads itself so the queue and its count are current, unless the moderator
// is ticking answers or typing a merge, or a quick hide's Undo is on offer (the Undo is shown
// once, and must stay for the presenter to change their mind): then it only shows the note with
// its "Show them" button, so nothing chosen or undoable is lost.
(function () {
  function busy() {
    if (document.querySelector('#queue input[type="checkbox"]:checked')) return true;
    if (document.getElementById("quick-hide-message")) return true;
    var active = document.activeElement;
    return !!(active && active.form && active.type !== "submit" && active.type !== "checkbox" && active.value);
  }
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "moderate-news" || !event.target.querySelector('[data-testid="moderate-news"]')) return;
    if (!busy()) window.location.reload();
  });
})();
