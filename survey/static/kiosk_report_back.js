/* "You said, we did" on the kiosk: the board's released report-back, offered after the thank-you in the
   participant's language and read aloud like any screen. The words come in GET /api/kiosk/survey
   (`report_back`), released figures only. `texts()` is pure and tested in Node; `button()` builds the
   screen with the page's own helpers (kiosk.js), so reading, highlighting and the reset timer are the
   kiosk's. Nothing is kept: the screen is left only by "Start over now" or the thank-you's idle reset. */
(function (root) {
  "use strict";

  /* The report-back's words in `language` (else the survey's first language), or null. */
  function texts(payload, language) {
    if (!payload || !payload.languages) return null;
    var codes = Object.keys(payload.languages);
    if (!codes.length) return null;
    return payload.languages[language] || payload.languages[codes[0]];
  }

  /* What the voice reads, in order: heading, title, period, each figure, what was heard, what was done. */
  function readingOrder(words) {
    if (!words) return [];
    var parts = [words.labels.heading, words.title, words.period].concat(words.figures);
    if (words.heard) parts.push(words.heard);
    parts.push(words.labels.did, words.did);
    return parts.filter(function (part) { return part; });
  }

  /* The thank-you's button that opens the report-back screen (null when nothing is released). `page`:
     el, button, show, readParts, reset and repeatLabel from kiosk.js. */
  function button(payload, language, page) {
    var words = texts(payload, language);
    if (!words) return null;
    return page.button(words.labels.open, function () { screen(words, page); }, { "class": "big", id: "report-back-open" });
  }

  function screen(words, page) {
    var el = page.el;
    var heading = el("h1", { id: "screen-title", text: words.labels.heading });
    var title = el("h2", { text: words.title });
    var period = el("p", { "class": "period", text: words.period });
    var figures = words.figures.map(function (text) { return el("li", { text: text }); });
    var heard = words.heard ? el("p", { text: words.heard }) : null;
    var didHeading = el("h2", { text: words.labels.did });
    var did = el("p", { "class": "did", text: words.did });
    var small = el("p", { "class": "small", text: words.labels.small });
    var nodes = [heading, title, period].concat(figures, heard ? [heard] : [], [didHeading, did]);
    var parts = function () { return nodes.map(function (node) { return [node, node.textContent]; }); };
    page.show(el("section", { "class": "screen report-back", "aria-labelledby": "screen-title" }, [
      heading,
      page.button(page.repeatLabel(), function () { page.readParts(parts(), true); }, { "class": "big repeat" }),
      title, period,
      el("ul", { "class": "figures" }, figures),
      heard, didHeading, did, small,
      el("div", { "class": "actions" }, [page.button(words.labels.close, page.reset, { "class": "big primary", id: "report-back-close" })]),
    ]));
    page.readParts(parts());
  }

  var api = { texts: texts, readingOrder: readingOrder, button: button };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.KioskReportBack = api;
  }
})(this);
