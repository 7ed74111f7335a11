/* The attendee's phone.

   Follows the presenter over plain HTTP (council networks often block websockets): while the page
   is in sight, every 4 to 6 seconds (the page's data-follow-every), at a random moment so a room of
   phones does not ask at once, it asks the follow address whether the open polls changed; at once
   when the phone is picked up (the page seen again, the network back); never while out of sight.
   The answer is 204 while nothing changed (no body, no database on the server). When something
   did, it fetches the open polls' cards (the same for every phone, so the server renders them
   once) and brings in the polls opened since,
   takes out the ones closed, and leaves every poll still open as it is, so nothing being typed is
   lost. A poll reset (a new round) is replaced unless someone is typing in it. A poll closed while
   its answer was typed or chosen and not sent keeps its card, saying so, with the answer readable
   (until the page is reloaded: nothing is stored). A poll that opens out of sight is shown by a
   "New poll below" cue that goes to it.

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

  // An answer typed or chosen and not sent: a field unlike the card as it came. A refused
  // answer's card comes back with the boxes as typed, marked: what is in them was not sent either.
  function hasUnsent(section) {
    var refused = section.querySelector("[aria-invalid=true]") !== null;
    return Array.prototype.some.call(section.querySelectorAll("input, textarea, select"), function (field) {
      if (field.type === "hidden") {
        return false;
      }
      if (field.type === "radio" || field.type === "checkbox") {
        return field.checked !== field.defaultChecked;
      }
      if (field.tagName === "SELECT") {
        var initial = 0; // with no option marked selected, the first one is
        Array.prototype.forEach.call(field.options, function (option, index) {
          if (option.defaultSelected) { initial = index; }
        });
        return field.selectedIndex !== initial;
      }
      return field.value !== field.defaultValue || (refused && field.value !== "");
    });
  }

  function isBusy(section) {
    if (section.contains(document.activeElement) && document.activeElement.tagName !== "BUTTON") {
      return true;
    }
    return hasUnsent(section);
  }

  // --- A poll closed while being answered -------------------------------------------------------

  var CLOSED_MESSAGE = "This poll has closed; your answer was not sent.";

  // The card stays with what was typed: text boxes read-only (still selectable, to copy), choices
  // and the send button disabled. Each field changed is marked, so that reopening undoes exactly that.
  function closeCard(section) {
    if (section.classList.contains("is-closed")) {
      return;
    }
    section.classList.add("is-closed");
    section.querySelectorAll("input, textarea, select, button").forEach(function (field) {
      if (field.type === "hidden") {
        return;
      }
      if (field.matches("input[type=text], textarea")) {
        if (!field.readOnly) {
          field.readOnly = true;
          field.setAttribute("data-closed", "readonly");
        }
      } else if (!field.disabled) {
        field.disabled = true;
        field.setAttribute("data-closed", "disabled");
      }
    });
    section.querySelectorAll("button[type=submit]").forEach(function (button) { button.hidden = true; });
    var message = document.createElement("p");
    message.className = "alert alert-warning poll-closed-message";
    message.setAttribute("role", "status");
    message.setAttribute("tabindex", "-1");
    var heading = section.querySelector("h2");
    heading.parentNode.insertBefore(message, heading.nextSibling);
    // Filled once it is in the page: a live region is read out when its text changes, not always
    // when it arrives with its text.
    window.setTimeout(function () {
      message.textContent = CLOSED_MESSAGE;
      // A choice or button just disabled has dropped the focus: it goes to the message instead.
      if (document.activeElement === document.body || document.activeElement === null) {
        message.focus();
      }
    }, 100);
  }

  function reopenCard(section) {
    section.classList.remove("is-closed");
    section.querySelectorAll("[data-closed]").forEach(function (field) {
      if (field.getAttribute("data-closed") === "readonly") {
        field.readOnly = false;
      } else {
        field.disabled = false;
      }
      field.removeAttribute("data-closed");
    });
    section.querySelectorAll("button[type=submit]").forEach(function (button) { button.hidden = false; });
    section.querySelectorAll(".poll-closed-message").forEach(function (message) { message.remove(); });
  }

  // --- The cue to a poll opened out of sight -----------------------------------------------------

  var cue = document.getElementById("new-poll-cue");
  var unseen = []; // the headings of polls opened out of sight, not scrolled into view since
  var CUE_ROOM = 80; // px at the bottom of the screen, under the cue: a heading there is not seen yet

  // The part of the page on the screen. With the on-screen keyboard up (someone typing) that is
  // less than the window: browsers keep the window's bottom, and fixed elements, under the keyboard.
  function screenArea() {
    var view = window.visualViewport;
    return view ? { top: view.offsetTop, bottom: view.offsetTop + view.height } : { top: 0, bottom: window.innerHeight };
  }

  function inView(heading, area) {
    var box = heading.getBoundingClientRect();
    return box.top >= area.top && box.bottom <= area.bottom - CUE_ROOM;
  }

  // Shows the cue while a poll opened out of sight has not been seen, pointing to the first one in
  // the page, above the keyboard if it is up. A poll seen once is never cued again.
  function updateCue() {
    var area = screenArea();
    unseen = unseen.filter(function (heading) { return document.contains(heading) && !inView(heading, area); });
    var heading = unseen.slice().sort(function (a, b) {
      return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    })[0];
    cue.hidden = !heading;
    // Scrolling to a box (Tab, or the keyboard opening) keeps it clear of the cue.
    document.documentElement.classList.toggle("has-new-poll-cue", !cue.hidden);
    if (heading) {
      var above = heading.getBoundingClientRect().top < area.top;
      cue.querySelector(".new-poll-cue__where").textContent = above ? "above" : "below";
      cue.querySelector(".new-poll-cue__arrow").textContent = above ? "↑" : "↓";
      cue.style.setProperty("--keyboard-height", Math.max(0, window.innerHeight - area.bottom) + "px");
    }
    return heading;
  }

  var pending = false;
  function updateCueSoon() { // at most once a frame while scrolling
    if (unseen.length && !pending) {
      pending = true;
      window.requestAnimationFrame(function () { pending = false; updateCue(); });
    }
  }

  if (cue) {
    window.addEventListener("scroll", updateCueSoon, { passive: true });
    window.addEventListener("resize", updateCueSoon);
    if (window.visualViewport) {
      window.visualViewport.addEventListener("resize", updateCueSoon);
      window.visualViewport.addEventListener("scroll", updateCueSoon);
    }
    cue.addEventListener("click", function () {
      var heading = updateCue();
      if (heading) {
        unseen.splice(unseen.indexOf(heading), 1);
        var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
        heading.closest("section.poll-card").scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
        heading.focus({ preventScroll: true }); // a screen reader reads the question out
      }
      updateCue(); // the next poll not seen, or the cue goes
    });
  }

  function merge(fresh) {
    var opened = [];
    var arrived = [];
    var keptClosed = false;
    var freshSections = fresh.querySelectorAll("section.poll-card");
    var keep = {};
    Array.prototype.forEach.call(freshSections, function (section) { keep[section.id] = true; });
    cards.querySelectorAll("section.poll-card").forEach(function (section) {
      if (keep[section.id]) {
        return;
      }
      if (hasUnsent(section)) { // what was typed is not taken away
        keptClosed = keptClosed || !section.classList.contains("is-closed");
        closeCard(section);
      } else {
        section.remove();
      }
    });
    var empty = document.getElementById("no-polls");
    var previous = null;
    Array.prototype.forEach.call(freshSections, function (section) {
      var current = document.getElementById(section.id);
      var node = current;
      if (current && current.classList.contains("is-closed")) {
        reopenCard(current); // opened again before the page was reloaded: answerable again
      }
      if (!current) {
        node = addToken(document.importNode(section, true));
        opened.push(section.querySelector("h2").textContent);
        arrived.push(node);
      } else if (current.getAttribute("data-round") !== section.getAttribute("data-round") && !isBusy(current)) {
        node = addToken(document.importNode(section, true));
        current.replaceWith(node);
      }
      // The presenter's order; a poll already in its place is never moved (moving it would
      // take the focus away from a box being typed in). Closed cards kept stay where they are.
      var target = previous ? previous.nextElementSibling : cards.firstElementChild;
      while (target && target.classList.contains("is-closed")) {
        target = target.nextElementSibling;
      }
      if (node !== target) {
        cards.insertBefore(node, target);
      }
      previous = node;
    });
    if (cue) { // once in place: where they are decides the cue (none for one already in view)
      arrived.forEach(function (node) { unseen.push(node.querySelector("h2")); });
      updateCue(); // and a poll being cued may have closed
    }
    empty.hidden = cards.querySelectorAll("section.poll-card:not(.is-closed)").length > 0;
    cards.querySelectorAll("input[data-max-length]").forEach(updateCount);
    if (announcer) {
      // A closed card kept says so itself.
      var closed = empty.hidden || keptClosed ? "" : "The poll has closed.";
      announcer.textContent = opened.length ? "New poll: " + opened.join("; ") : closed;
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

  // "4000 2000": ask every 4 s plus up to 2 s at random (workshops/polls/follow.py).
  var every = (cards.getAttribute("data-follow-every") || "4000 2000").split(" ").map(Number);
  var timer = null;
  var asking = false;

  function check() {
    timer = null;
    // Out of sight (the screen locked, another tab): nothing asked until it is seen again.
    if (asking || document.hidden) { return; }
    asking = true;
    var url = cards.getAttribute("data-follow") + "?v=" + encodeURIComponent(cards.getAttribute("data-version"));
    fetch(url, { credentials: "omit", cache: "no-store" })
      .then(function (response) {
        if (response.status === 200) {
          return response.json().then(function (body) { return refresh(body.version); });
        }
        if (response.status !== 204 && response.status !== 304) { throw new Error("follow " + response.status); }
        return null;
      })
      .then(function () { asking = false; schedule(every[0]); },
            function () { asking = false; schedule(Math.max(every[0], 5000)); });
  }

  function schedule(base) {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, base + Math.random() * every[1]);
  }

  // A phone picked up when the presenter says "answer on your phones" asks at once, rather than
  // waiting out the interval (or a timer the browser held back while the screen was off).
  function checkNow() {
    if (!document.hidden) {
      window.clearTimeout(timer);
      check();
    }
  }
  document.addEventListener("visibilitychange", checkNow);
  window.addEventListener("online", checkNow);

  schedule(every[0]);
}());
