// Autosave feedback for the questionnaire and workshop forms. htmx does the saving
// (hx-post on change); this only tells the person whether it worked, offers a retry,
// and warns before leaving the page while a save is pending or failed.
(function () {
  "use strict";

  var pending = 0;
  var failed = false;

  function formOf(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.closest ? elt.closest("form") : null;
  }

  function parts(form) {
    return {
      status: form && form.querySelector("#save-status"),
      retry: form && form.querySelector("[data-retry]"),
    };
  }

  function show(form, state) {
    var p = parts(form);
    if (!p.status) return;
    p.status.dataset.state = state;
    if (state === "saving") p.status.textContent = p.status.dataset.saving;
    if (state === "failed") p.status.textContent = "⚠ " + p.status.dataset.failed;
    // A refused security token will not pass on a retry: the page must be reloaded.
    if (state === "expired") p.status.textContent = "⚠ " + p.status.dataset.expired;
    if (p.retry) p.retry.hidden = state !== "failed";
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    pending += 1;
    show(formOf(event), "saving");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    pending = Math.max(0, pending - 1);
    failed = !event.detail.successful;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var p = parts(formOf(event));
    if (p.retry) p.retry.hidden = true;
  });
  document.addEventListener("htmx:responseError", function (event) {
    failed = true;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    show(formOf(event), status === 403 ? "expired" : "failed");
  });
  document.addEventListener("htmx:sendError", function (event) {
    failed = true;
    show(formOf(event), "failed");
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-retry]");
    if (button && window.htmx) window.htmx.trigger(button.form, "change");
  });

  // A normal submit (next/back) saves the step too, so leaving that way is safe.
  var submitting = false;
  document.addEventListener("submit", function () {
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && (pending > 0 || failed)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
