// The lead's poll form: only the chosen kind's fields show. The page works without this script
// (a button brings the fields of the kind chosen); with it, they change as the kind is chosen.
// Another kind's fields are hidden and disabled, so they are not sent either.
(function () {
  const form = document.querySelector("[data-poll-form]");
  if (!form) return;
  const sections = form.querySelectorAll("fieldset[data-kind]");

  function showChosenKind() {
    const chosen = form.querySelector('input[name="kind"]:checked');
    sections.forEach(function (section) {
      const shown = chosen !== null && section.dataset.kind === chosen.value;
      section.hidden = !shown;
      section.disabled = !shown;
    });
  }

  // Not needed here; removed rather than hidden, so Enter in a text field still saves the poll.
  const chooseButton = form.querySelector("[data-choose-kind]");
  if (chooseButton) chooseButton.remove();
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") showChosenKind();
  });
  showChosenKind();
})();
