// The evaluator's dashboard while htmx swaps its results: say so, visibly and to screen readers.
// #loading is a polite live region outside the swapped block (htmx gives it the htmx-request class while
// a request runs, which evaluate.css shows); #dashboard is aria-busy until the new results are in.
(function () {
  "use strict";
  function region() { return document.getElementById("dashboard"); }
  function say(text) {
    const live = document.querySelector("#loading .loading-text");
    if (live) { live.textContent = text; }
  }
  function ours(event) {
    const where = region();
    return where !== null && event.target instanceof Element && where.contains(event.target);
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!ours(event)) { return; }
    region().setAttribute("aria-busy", "true");
    say("Loading the results…");
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    const where = region();
    if (where === null || !where.hasAttribute("aria-busy")) { return; }
    where.removeAttribute("aria-busy");
    const shown = document.querySelector("#results .view-summary");
    say(shown ? "Results updated. " + shown.textContent.trim() : "Results updated.");
  });
  function failed() {
    const where = region();
    if (where === null) { return; }
    where.removeAttribute("aria-busy");
    say("The results could not be loaded. Check the connection and choose again.");
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
})();
