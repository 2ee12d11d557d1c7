// Autosave for the questionnaire and workshop forms. htmx does the saving
// (data-hx-post on change; comments also a second after typing stops, and on blur,
// when the browser fires `change`). This script makes the outcome visible where the
// person is: a failed answer is marked "not saved" at its own statement (text, not
// only colour) and in the status bar that stays at the bottom of the screen. It
// retries by itself (with a growing pause, and at once when the connection comes
// back), clears the marks once saved, and sends what is unsaved with sendBeacon
// when the page is hidden or left, so a comment typed just before closing the tab
// arrives. Failures that a retry cannot fix (a revoked link, an ended session, a
// locked scan) are said once and not retried.
(function () {
  "use strict";

  var DELAYS = [2000, 5000, 10000, 30000, 60000];

  var form = document.querySelector("form.answers-form[data-hx-post]");
  if (!form) return;
  var status = form.querySelector("#save-status");
  var bar = form.querySelector("[data-save-bar]");
  var retryButton = form.querySelector("[data-retry]");
  var saveUrl = form.getAttribute("data-hx-post");

  var unsaved = new Map(); // field name -> the value not yet confirmed as saved
  var snapshots = new WeakMap(); // request -> the unsaved values it carried
  var redirected = new WeakSet(); // requests answered by a redirect
  var changes = 0; // counts edits, so one edit is handed to sendBeacon once
  var flushed = -1;
  var pending = 0;
  var attempt = 0;
  var timer = null;
  var finalMessage = null; // set when a retry cannot help
  var submitting = false;

  function text(key) {
    return status.dataset[key] || "";
  }

  function fieldOf(name) {
    var field = form.elements[name];
    // Radio buttons come as a RadioNodeList; its first button finds the statement.
    return field && !field.tagName && field.length ? field[0] : field;
  }

  function valueOf(name) {
    var field = form.elements[name];
    return field ? field.value : "";
  }

  function boxOf(name) {
    var field = fieldOf(name);
    if (!field || !field.closest) return null;
    return (
      field.closest(".org-answer") ||
      field.closest(".statement") ||
      field.closest(".dimension-comment")
    );
  }

  function mark(name, message) {
    var box = boxOf(name);
    if (!box) return;
    box.classList.add("is-unsaved");
    var note = box.querySelector(":scope > .unsaved-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "unsaved-note";
      note.dataset.unsavedNote = "";
      var icon = document.createElement("span");
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = "⚠ ";
      note.appendChild(icon);
      note.appendChild(document.createElement("span"));
      // Under the statement's own text, where the eye is (the bottom of a long
      // statement can sit behind the status bar).
      var legend = box.querySelector(":scope > legend");
      if (legend) legend.after(note);
      else box.appendChild(note);
    }
    note.lastChild.textContent = message;
  }

  function unmark(name) {
    var box = boxOf(name);
    if (!box) return;
    box.classList.remove("is-unsaved");
    var note = box.querySelector(":scope > .unsaved-note");
    if (note) note.remove();
  }

  function markAll(message) {
    unsaved.forEach(function (_value, name) {
      mark(name, message);
    });
  }

  function setState(state, message) {
    bar.dataset.state = state;
    if (message !== undefined) status.textContent = message;
    retryButton.hidden = state !== "retrying";
  }

  function save() {
    clearTimeout(timer);
    timer = null;
    if (unsaved.size && !finalMessage && window.htmx) {
      window.htmx.trigger(form, "change");
    }
  }

  function retryLater() {
    clearTimeout(timer);
    timer = setTimeout(save, DELAYS[Math.min(attempt, DELAYS.length - 1)]);
    attempt += 1;
  }

  function saved(snapshot) {
    attempt = 0;
    clearTimeout(timer);
    timer = null;
    snapshot.forEach(function (value, name) {
      // Changed again while this request was under way: its own save follows.
      if (unsaved.get(name) === value) {
        unsaved.delete(name);
        unmark(name);
      }
    });
    bar.dataset.state = "saved";
    retryButton.hidden = true;
  }

  function failed(xhr) {
    var code = xhr ? xhr.status : 0;
    var error = status.querySelector("[data-error]");
    if (code === 410 || code === 404 || code === 403) {
      // A revoked link (410, the server's words), an ended session (404) or an
      // expired security token (403): trying again will not help.
      finalMessage =
        code === 410 && error
          ? error.dataset.error
          : text(code === 403 ? "expired" : "session");
      setState("final", code === 410 ? undefined : "⚠ " + finalMessage);
      markAll(text("markFinal") + " " + finalMessage);
    } else if (code === 400 || code === 409) {
      // The server explained (invalid input, submitted, closed): shown as sent.
      setState("error");
      markAll(text("markFinal") + " " + (error ? error.dataset.error : ""));
    } else {
      // No answer at all, or a server error: worth trying again by itself.
      var offline = navigator.onLine === false;
      setState("retrying", "⚠ " + text(offline ? "offline" : "failed"));
      markAll(text(offline ? "markOffline" : "markFailed"));
      retryLater();
    }
  }

  function remember(event) {
    var target = event.target;
    if (!target.name || target.type === "submit" || target.type === "hidden") return;
    unsaved.set(target.name, valueOf(target.name));
    changes += 1;
    if (finalMessage) mark(target.name, text("markFinal") + " " + finalMessage);
  }
  form.addEventListener("input", remember);
  form.addEventListener("change", remember);

  function ours(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.closest && elt.closest("form") === form;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!ours(event)) return;
    if (finalMessage) {
      event.preventDefault();
      return;
    }
    pending += 1;
    snapshots.set(event.detail.xhr, new Map(unsaved));
    if (bar.dataset.state !== "retrying") setState("saving", text("saving"));
  });

  // A redirect answered the save (a workshop whose login ended lands on the login
  // page): that page must not be swapped into the status line.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!ours(event)) return;
    var xhr = event.detail.xhr;
    if (xhr.responseURL && new URL(xhr.responseURL).pathname !== saveUrl) {
      event.detail.shouldSwap = false;
      redirected.add(xhr);
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (!ours(event)) return;
    pending = Math.max(0, pending - 1);
    var xhr = event.detail.xhr;
    var snapshot = snapshots.get(xhr) || new Map();
    if (redirected.has(xhr)) {
      failed({ status: 404 });
    } else if (xhr.status >= 200 && xhr.status < 300) {
      saved(snapshot);
    } else {
      failed(xhr);
    }
  });

  retryButton.addEventListener("click", function () {
    attempt = 0;
    save();
  });
  window.addEventListener("online", function () {
    attempt = 0;
    save();
  });

  // Leaving or hiding the page: hand what is unsaved to the browser to deliver,
  // even after the page is gone. The form carries the CSRF token as a field.
  function flush() {
    if (!unsaved.size || finalMessage || submitting || flushed === changes) return;
    if (navigator.sendBeacon && navigator.sendBeacon(saveUrl, new FormData(form))) {
      flushed = changes;
    }
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
    // Back on the page: save again the normal way, to learn whether it arrived.
    else save();
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) save();
  });

  // A normal submit (next/back) saves the step too, so leaving that way is safe.
  form.addEventListener("submit", function () {
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && (unsaved.size > 0 || pending > 0)) {
      event.preventDefault();
      event.returnValue = text("leave");
    }
  });
})();
