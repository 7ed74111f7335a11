// The facilitator's review console: show the non-ideal questions only when they apply, keep
// every unsaved answer on this device (so a dropped connection or a reload loses nothing),
// say plainly when a save did not reach the server, and take away a "No consensus" Undo in time.
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

  // A group of checkboxes is one Tab stop, like a group of radios: the arrow keys move between its
  // toggles, Space ticks one (roving tabindex). Without this script every toggle is a Tab stop.
  const NEXT_KEYS = new Set(["ArrowRight", "ArrowDown"]);
  const PREVIOUS_KEYS = new Set(["ArrowLeft", "ArrowUp"]);

  function roveTo(inputs, target) {
    inputs.forEach(function (input) {
      input.tabIndex = input === target ? 0 : -1;
    });
  }

  function setUpRoving(group) {
    const inputs = Array.from(group.querySelectorAll("input.btn-check"));
    if (!inputs.length) return;
    roveTo(inputs, inputs.find(function (input) { return input.checked; }) || inputs[0]);
    group.addEventListener("focusin", function (event) {
      if (inputs.includes(event.target)) roveTo(inputs, event.target);
    });
    group.addEventListener("keydown", function (event) {
      const index = inputs.indexOf(event.target);
      if (index < 0) return;
      let next = null;
      if (NEXT_KEYS.has(event.key)) next = inputs[(index + 1) % inputs.length];
      else if (PREVIOUS_KEYS.has(event.key)) next = inputs[(index - 1 + inputs.length) % inputs.length];
      else if (event.key === "Home") next = inputs[0];
      else if (event.key === "End") next = inputs[inputs.length - 1];
      if (!next) return;
      event.preventDefault();
      roveTo(inputs, next);
      next.focus();
    });
  }

  // Once a question with an error has an answer, its message goes, and so does the summary when empty.
  function clearFixedErrors(form, fieldset) {
    if (!fieldset || !("hasError" in fieldset.dataset)) return;
    if (!fieldset.querySelector("input:checked")) return;
    delete fieldset.dataset.hasError;
    const message = fieldset.querySelector(".field-error");
    if (message) {
      fieldset.setAttribute("aria-describedby", (fieldset.getAttribute("aria-describedby") || "").replace(message.id, "").trim());
      message.remove();
    }
    const summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.querySelectorAll('[data-error-for="' + fieldset.dataset.toggleGroup + '"]').forEach(function (line) {
      line.remove();
    });
    if (!summary.querySelector("li")) summary.remove();
  }

  // The sticky Save bar must never cover what has focus (WCAG 2.2 2.4.11): scroll it clear.
  function keepFocusClearOfBar(event) {
    const bar = document.querySelector(".review-actions");
    if (!bar || bar.contains(event.target)) return;
    // Only a control: a click on a toggle's label first focuses <main> (tabindex -1), and scrolling
    // the whole page then would move the label away before the click lands.
    if (!event.target.matches("input, select, textarea, button, a[href]")) return;
    const shown = event.target.classList.contains("btn-check") && event.target.labels.length ? event.target.labels[0] : event.target;
    const box = shown.getBoundingClientRect();
    const barTop = bar.getBoundingClientRect().top;
    // "instant": Bootstrap makes page scrolling smooth, which would leave the field covered for a moment.
    if (box.bottom > barTop - 8) window.scrollBy({ top: box.bottom - barTop + 16, behavior: "instant" });
  }
  // After the browser's own scroll to the focused element, which may leave it under the bar.
  document.addEventListener("focusin", keepFocusClearOfBar);

  // "Undo" after a "No consensus" is offered for a few seconds, then goes (the server also refuses a
  // late one). If it had the focus, the focus moves to its message rather than being lost.
  function expireUndo(undoForm) {
    window.setTimeout(function () {
      if (!undoForm.isConnected) return;
      const message = undoForm.closest("[role=status]");
      const hadFocus = undoForm.contains(document.activeElement);
      undoForm.remove();
      if (hadFocus && message) message.focus();
    }, Number(undoForm.dataset.undoSeconds) * 1000);
  }

  function setUp(root) {
    root.querySelectorAll("form[data-undo-seconds]").forEach(expireUndo);
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
    form.querySelectorAll("[data-roving]").forEach(setUpRoving);
    form.addEventListener("change", function (event) {
      showNonIdealQuestions(form);
      clearFixedErrors(form, event.target.closest("fieldset[data-toggle-group]"));
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
