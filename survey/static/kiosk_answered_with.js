/* How a participant answered, asked once at the end ("Ready to send?"): on their own, with the tablet
   reading to them, or with someone's help (never who). One tap, skippable; the choice goes with the
   response as `answered_with`, nothing else about it. Pure functions, no DOM. Works as a browser script
   (window.KioskAnsweredWith) and in Node. */
(function (root) {
  "use strict";

  // The stored code and the interface string (msgid) of each choice, in the order shown.
  var CHOICES = [
    { code: "own", label: "On my own" },
    { code: "read_aloud", label: "With the tablet reading to me" },
    { code: "helped", label: "With someone's help" },
  ];
  var CODES = CHOICES.map(function (choice) { return choice.code; });

  /* The choice after a tap: tapping the chosen one again takes it back (skipping stays one tap away). */
  function tapped(current, code) {
    if (CODES.indexOf(code) === -1) return current;
    return current === code ? null : code;
  }

  /* The body with how it was answered, or without the field when the question was skipped. */
  function withAnsweredWith(body, code) {
    var copy = Object.assign({}, body);
    delete copy.answered_with;
    if (CODES.indexOf(code) !== -1) copy.answered_with = code;
    return copy;
  }

  var api = { CHOICES: CHOICES, tapped: tapped, withAnsweredWith: withAnsweredWith };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.KioskAnsweredWith = api;
  }
})(this);
