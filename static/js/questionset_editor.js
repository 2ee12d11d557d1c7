// The question-set editor, on top of a form that works without it: says what is
// wrong as you type (a missing or over-long text, the English older than the
// Dutch), keeps the 1-5 equivalents and the zipper links' share in step with what
// is typed, and warns before leaving the page with unsaved changes. The server
// checks everything again on save, with the import's rules.
(function () {
  "use strict";

  var form = document.querySelector("form.qs-editor");
  if (!form) return;
  var dirty = false;
  var status = form.querySelector(".qs-dirty");
  var messages = document.getElementById("qs-messages");

  function say(key, values) {
    var text = (messages && messages.dataset[key]) || "";
    Object.keys(values || {}).forEach(function (name) {
      text = text.replace("{" + name + "}", values[name]);
    });
    return text;
  }

  function liveProblem(field) {
    var box = field.parentNode.querySelector(".qs-live");
    if (!box) {
      box = document.createElement("p");
      box.className = "qs-live qs-error";
      box.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", box);
    }
    return box;
  }

  function checkText(field) {
    var max = parseInt(field.dataset.max, 10);
    var length = field.value.trim().length;
    var message = "";
    if (max && length > max) {
      message = say("tooLong", { length: length, limit: max });
    } else if (length === 0 && !field.name.match(/quick_win/)) {
      message = say("missing");
    }
    var box = liveProblem(field);
    box.textContent = message;
    box.hidden = !message;
  }

  function markOutdated(field) {
    var pair = field.closest("[data-pair]");
    if (!pair) return;
    var english = pair.querySelector('[data-lang="en"] textarea');
    var flag = pair.querySelector("[data-outdated]");
    if (!english || !flag) return;
    if (field.lang === "nl" && english.value === english.defaultValue) {
      flag.hidden = false;
    } else if (field.lang === "en") {
      flag.hidden = true;
    }
  }

  function number(value) {
    var parsed = parseFloat(String(value).replace(",", "."));
    return isFinite(parsed) ? parsed : null;
  }

  function format(value) {
    return value.toLocaleString(document.documentElement.lang, {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    });
  }

  function updateScales() {
    form.querySelectorAll("output[data-scale-of]").forEach(function (output) {
      var input = document.getElementById(output.dataset.scaleOf);
      var value = number(input.value);
      if (value === null) { output.textContent = ""; return; }
      var isGap = input.hasAttribute("data-gap");
      output.textContent = format(isGap ? (4 * value) / 100 : 1 + (4 * value) / 100);
    });
    var share = number(form.elements.condition_share.value);
    var rest = form.querySelector("[data-link-share]");
    if (rest && share !== null) rest.textContent = String(Math.round((100 - share) * 100) / 100);
  }

  form.addEventListener("input", function (event) {
    var field = event.target;
    if (!dirty) {
      dirty = true;
      if (status) status.textContent = status.dataset.unsaved;
    }
    if (field.matches("textarea, input[data-max]")) checkText(field);
    if (field.matches("textarea")) markOutdated(field);
    if (field.matches("input[type=number]")) updateScales();
  });

  form.addEventListener("submit", function () {
    dirty = false;
  });

  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = form.dataset.dirtyMessage; // older browsers show it
  });
})();
