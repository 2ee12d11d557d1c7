// Results page, "statement by statement": a link to a statement (from the list of the
// statements the partners differ on most, or an address with #statement-…) opens its
// dimension's <details> and brings the statement into view. Without JavaScript the
// link still leads there: Chromium opens the details itself, others show its summary.
(function () {
  "use strict";

  function reveal() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (!target) {
      return;
    }
    var details = target.closest("details");
    if (details && !details.open) {
      details.open = true;
    }
    // After opening: the browser's own jump may have measured the closed layout.
    target.scrollIntoView();
  }

  window.addEventListener("hashchange", reveal);
  reveal();
})();
