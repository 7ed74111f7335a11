// Process map editor: a finding being typed is kept on this device until the server says it is
// saved, so a dropped connection or a reload loses nothing; a failed save says so.
(function () {
  "use strict";

  function setUp(root) {
    const steps = root.id === "map-steps" ? root : root.querySelector("#map-steps");
    if (steps && steps.dataset.savedDraft) localStorage.removeItem(steps.dataset.savedDraft);
    root.querySelectorAll("form[data-draft-key]").forEach(function (form) {
      const key = form.dataset.draftKey;
      const text = form.querySelector("textarea");
      if (!text) return;
      const draft = localStorage.getItem(key);
      if (draft && !text.value) {
        text.value = draft;
        form.closest("details").open = true;
      }
      text.addEventListener("input", function () {
        localStorage.setItem(key, text.value);
      });
    });
    const notice = root.querySelector("[data-focus-on-load]");
    if (notice && root !== document.body) notice.focus();
  }

  function showError(message) {
    const box = document.querySelector("[data-connection-error]");
    box.textContent = message;
    box.classList.remove("d-none");
    box.focus();
  }

  document.body.addEventListener("htmx:beforeRequest", function () {
    document.querySelector("[data-connection-error]").classList.add("d-none");
  });
  document.body.addEventListener("htmx:sendError", function () {
    showError("Not saved: the connection dropped. What you typed is kept on this device; try again when you are back online.");
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    showError("Not saved: the server answered with an error (" + event.detail.xhr.status + "). What you typed is kept on this device; try again.");
  });

  htmx.onLoad(setUp);
})();
