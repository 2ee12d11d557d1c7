// Copy buttons for invitation links. Without JavaScript the buttons stay hidden and
// the read-only text field next to each button can be selected and copied by hand.
(function () {
  "use strict";

  function copyFrom(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    field.focus();
    field.select();
    var ok = document.execCommand && document.execCommand("copy");
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function announce(button, text) {
    var original = button.dataset.label || button.textContent;
    button.dataset.label = original;
    button.textContent = text;
    window.setTimeout(function () { button.textContent = original; }, 2000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var field = document.getElementById(button.dataset.copyTarget);
      if (!field) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        copyFrom(field).then(
          function () { announce(button, button.dataset.copiedText || "✓"); },
          function () { field.select(); }
        );
      });
    });
    // Selecting the whole link on focus makes copying by hand one keystroke.
    document.querySelectorAll("input[data-select-on-focus]").forEach(function (field) {
      field.addEventListener("focus", function () { field.select(); });
    });
  });
})();
