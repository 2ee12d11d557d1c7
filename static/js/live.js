// Live session screens (projector, phones, facilitator). htmx polls the server
// every 2 seconds (templates/assessments/includes/_live_poll.html); this script
// pauses those polls while the tab is hidden (a locked phone, a background tab)
// and asks at once when it is shown again, so a phone that wakes up catches up
// without waiting. Without JavaScript the pages offer a "Refresh" button.
(function () {
  "use strict";

  function isPoll(event) {
    var elt = event.detail && event.detail.elt;
    var verb = event.detail && event.detail.requestConfig && event.detail.requestConfig.verb;
    return elt && elt.hasAttribute && elt.hasAttribute("data-live-poll") && verb === "get";
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isPoll(event) && document.visibilityState === "hidden") event.preventDefault();
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible" || !window.htmx) return;
    var poll = document.querySelector("[data-live-poll]");
    if (poll) window.htmx.trigger(poll, "live:refresh");
  });

  // The projector link field selects itself, ready to copy.
  document.addEventListener("focusin", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-select-on-focus")) {
      event.target.select();
    }
  });
})();
