/* The attendee's phone.

   Follows the presenter over plain HTTP (council networks often block websockets): every 2 to 3
   seconds, at a random moment so a room of phones does not ask at once, it asks the follow address
   whether the open polls changed. The answer is 204 while nothing changed (no body, no database on
   the server). When something did, it fetches the open polls' cards (the same for every phone, so
   the server renders them once) and brings in the polls opened since,
   takes out the ones closed, and leaves every poll still open as it is, so nothing being typed is
   lost. A poll reset (a new round) is replaced unless someone is typing in it.

   Sends an answer in one request: the server replies with the poll's card, updated (the thank-you,
   or the box to change with everything as typed), which takes the old card's place. Without
   JavaScript, or when the reply is not a card, the form posts as forms do.

   Counts the characters of each answer box as they are typed, and says before the limit is reached
   how many are left; nothing is ever cut off. */
(function () {
  "use strict";

  var cards = document.getElementById("poll-cards");
  var announcer = document.getElementById("polls-announcer");

  // --- Character counts --------------------------------------------------------------------------

  function updateCount(input) {
    var max = parseInt(input.getAttribute("data-max-length"), 10);
    var count = document.getElementById(input.id + "-count");
    if (!max || !count) {
      return;
    }
    var length = input.value.length;
    count.classList.toggle("is-near", length > max - 8 && length <= max);
    count.classList.toggle("is-over", length > max);
    if (length > max) {
      count.textContent = length + " of " + max + " characters: " + (length - max) + " too many, please shorten it";
    } else if (length > max - 8) {
      count.textContent = length + " of " + max + " characters: " + (max - length) + " left";
    } else {
      count.textContent = length + " of " + max + " characters";
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-max-length]")) {
      updateCount(event.target);
    }
  });
  document.querySelectorAll("input[data-max-length]").forEach(updateCount);

  // --- Answering in one request -------------------------------------------------------------------

  function showProblem(form, text) {
    var section = form.closest("section.poll-card");
    var box = section.querySelector(".poll-send-problem");
    if (!box) {
      box = document.createElement("div");
      box.className = "alert alert-danger poll-send-problem";
      box.setAttribute("tabindex", "-1");
      form.parentNode.insertBefore(box, form);
    }
    box.textContent = text;
    box.focus(); // read out where it is, once: the focus moves there
  }

  function placeCard(section, html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(section.id);
    if (!fresh) {
      return false;
    }
    var node = document.importNode(fresh, true);
    section.replaceWith(node);
    node.querySelectorAll("input[data-max-length]").forEach(updateCount);
    // Focus where the phone's user looks next: the box to change, else the thank-you.
    var invalid = node.querySelector("[aria-invalid=true]");
    var notice = node.querySelector(".poll-notice");
    if (invalid) {
      invalid.focus();
    } else if (notice) {
      notice.focus(); // a screen reader reads the thank-you as the focus lands on it
    }
    return true;
  }

  function send(form) {
    var section = form.closest("section.poll-card");
    var button = form.querySelector("button[type=submit]");
    var label = button.textContent;
    button.disabled = true;
    button.textContent = "Sending…";
    function enable() {
      button.disabled = false;
      button.textContent = label;
    }
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "HX-Request": "true", "Accept": "text/html" }
    })
      .then(function (response) {
        if (response.status === 429) {
          enable();
          showProblem(form, "Not sent: many answers are arriving from your network. Wait a minute, then press Send again. Your answer is still here.");
          return null;
        }
        return response.text().then(function (html) {
          if ((response.status === 200 || response.status === 400) && placeCard(section, html)) {
            return;
          }
          form.submit(); // not a card (the poll or workshop ended, the page expired): as without JavaScript
        });
      })
      .catch(function () {
        enable();
        showProblem(form, "Not sent: your phone lost its connection. Your answer is still here: press Send again.");
      });
  }

  if (cards && window.fetch && window.FormData && window.DOMParser) {
    cards.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.matches("section.poll-card form")) {
        event.preventDefault();
        if (!form.querySelector("button[type=submit]").disabled) { // not twice while one is on its way
          send(form);
        }
      }
    });
  }

  // --- Following the presenter -------------------------------------------------------------------

  if (!cards || !window.fetch || !window.DOMParser) {
    return; // the "Check for new polls" button still works
  }

  function isBusy(section) {
    if (section.contains(document.activeElement) && document.activeElement.tagName !== "BUTTON") {
      return true;
    }
    return Array.prototype.some.call(section.querySelectorAll("input[type=text]"), function (input) {
      return input.value !== input.defaultValue;
    });
  }

  function merge(fresh) {
    var opened = [];
    var freshSections = fresh.querySelectorAll("section.poll-card");
    var keep = {};
    Array.prototype.forEach.call(freshSections, function (section) { keep[section.id] = true; });
    cards.querySelectorAll("section.poll-card").forEach(function (section) {
      if (!keep[section.id]) {
        section.remove();
      }
    });
    var empty = document.getElementById("no-polls");
    var previous = null;
    Array.prototype.forEach.call(freshSections, function (section) {
      var current = document.getElementById(section.id);
      var node = current;
      if (!current) {
        node = addToken(document.importNode(section, true));
        opened.push(section.querySelector("h2").textContent);
      } else if (current.getAttribute("data-round") !== section.getAttribute("data-round") && !isBusy(current)) {
        node = addToken(document.importNode(section, true));
        current.replaceWith(node);
      }
      // The presenter's order; a poll already in its place is never moved (moving it would
      // take the focus away from a box being typed in).
      var target = previous ? previous.nextElementSibling : cards.firstElementChild;
      if (node !== target) {
        cards.insertBefore(node, target);
      }
      previous = node;
    });
    empty.hidden = cards.querySelectorAll("section.poll-card").length > 0;
    cards.querySelectorAll("input[data-max-length]").forEach(updateCount);
    if (announcer) {
      announcer.textContent = opened.length ? "New poll: " + opened.join("; ") : (empty.hidden ? "" : "The poll has closed.");
    }
  }

  // Cards from the shared address are the same for every phone and carry no form token: each
  // form is given this page's, so it posts as the page's own forms do.
  function addToken(node) {
    var token = cards.getAttribute("data-csrf-token");
    node.querySelectorAll("form").forEach(function (form) {
      if (token && !form.querySelector("input[name=csrfmiddlewaretoken]")) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "csrfmiddlewaretoken";
        input.value = token;
        form.insertBefore(input, form.firstChild);
      }
    });
    return node;
  }

  function refresh(version) {
    return fetch(cards.getAttribute("data-cards") + "?v=" + encodeURIComponent(version),
                 { credentials: "omit", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("page " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("poll-cards");
        if (fresh) {
          merge(fresh);
          cards.setAttribute("data-version", fresh.getAttribute("data-version") || version);
        }
      });
  }

  function check() {
    var url = cards.getAttribute("data-follow") + "?v=" + encodeURIComponent(cards.getAttribute("data-version"));
    fetch(url, { credentials: "omit", cache: "no-store" })
      .then(function (response) {
        if (response.status === 200) {
          return response.json().then(function (body) { return refresh(body.version); });
        }
        if (response.status !== 204 && response.status !== 304) { throw new Error("follow " + response.status); }
        return null;
      })
      .then(function () { schedule(2000); }, function () { schedule(5000); });
  }

  function schedule(base) {
    window.setTimeout(check, base + Math.random() * 1000);
  }

  schedule(2000);
}());
