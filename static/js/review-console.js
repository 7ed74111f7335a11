// The facilitator's review console: show the non-ideal questions only when they apply, keep
// every unsaved answer on this device (so a dropped connection or a reload loses nothing),
// and say plainly when a save did not reach the server.
(function () {
  "use strict";

  const DRAFT_PREFIX = "casereview:draft:";
  const NOT_FORM_DATA = new Set(["csrfmiddlewaretoken", "action"]);

  function snapshot(form) {
    const fields = {};
    for (const [name, value] of new FormData(form)) {
      if (NOT_FORM_DATA.has(name)) continue;
      (fields[name] = fields[name] || []).push(value);
    }
    return fields;
  }

  function restore(form, fields) {
    for (const input of form.elements) {
      if (!input.name || NOT_FORM_DATA.has(input.name)) continue;
      const values = fields[input.name] || [];
      if (input.type === "checkbox" || input.type === "radio") {
        input.checked = values.includes(input.value);
      } else if (input.type !== "submit") {
        input.value = values[0] || "";
      }
    }
  }

  function readDraft(key) {
    try {
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function writeDraft(form) {
    try {
      localStorage.setItem(form.dataset.draftKey, JSON.stringify({ savedAt: Date.now(), fields: snapshot(form) }));
    } catch (error) {
      // Storage full or disabled (private browsing): the form still works, just without the safety net.
    }
  }

  function showNonIdealQuestions(form) {
    const ideal = form.querySelector('input[name="ideal_outcome"]:checked');
    const notIdeal = ideal !== null && ideal.value === "no";
    form.querySelectorAll(".when-not-ideal").forEach(function (section) {
      section.hidden = !notIdeal;
    });
  }

  function offerRestoredDraft(form, draft) {
    const notice = document.querySelector("[data-draft-notice]");
    if (!notice) return;
    notice.querySelector("[data-draft-time]").textContent =
      "last changed " + new Date(draft.savedAt).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    notice.classList.remove("d-none");
    notice.querySelector("[data-draft-discard]").addEventListener("click", function () {
      localStorage.removeItem(form.dataset.draftKey);
      window.location.reload();
    });
  }

  function setUp(root) {
    const consoleElement = root.id === "console" ? root : root.querySelector("#console");
    if (consoleElement && consoleElement.dataset.savedAllocation) {
      localStorage.removeItem(DRAFT_PREFIX + consoleElement.dataset.savedAllocation);
    }
    root.querySelectorAll("[data-discard-draft]").forEach(function (link) {
      link.addEventListener("click", function () {
        localStorage.removeItem(DRAFT_PREFIX + link.dataset.discardDraft);
      });
    });
    const focusTarget = root.querySelector("[data-focus-on-load]") || (consoleElement && root !== document.body ? root.querySelector("#case-heading") : null);
    if (focusTarget) focusTarget.focus();

    const form = root.querySelector("form[data-review-form]");
    if (!form) return;
    const draft = readDraft(form.dataset.draftKey);
    // A form the server sent back with the person's own answers (errors, conflict) is already current.
    if (draft && !("bound" in form.dataset) && JSON.stringify(draft.fields) !== JSON.stringify(snapshot(form))) {
      restore(form, draft.fields);
      offerRestoredDraft(form, draft);
    }
    showNonIdealQuestions(form);
    form.addEventListener("change", function () {
      showNonIdealQuestions(form);
      writeDraft(form);
    });
    form.addEventListener("input", function () {
      writeDraft(form);
    });
  }

  function showConnectionError(message) {
    const box = document.querySelector("[data-connection-error]");
    if (!box) return;
    box.textContent = message;
    box.classList.remove("d-none");
    box.focus();
  }

  document.body.addEventListener("htmx:sendError", function () {
    showConnectionError(
      "Not saved: the connection dropped. Your answers are kept on this device. Press the button again when you are back online."
    );
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    showConnectionError(
      "Not saved: the server answered with an error (" + event.detail.xhr.status + "). Your answers are kept on this device. Try again in a moment."
    );
  });
  document.body.addEventListener("htmx:beforeRequest", function () {
    document.querySelectorAll("[data-connection-error]").forEach(function (box) {
      box.classList.add("d-none");
    });
  });

  htmx.onLoad(setUp);
})();
