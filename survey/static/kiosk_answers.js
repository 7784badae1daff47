/* The kiosk's answer checks: what a participant's typed or chosen answer becomes, the linkage code's parts
   and the body of a completed response. Pure functions, no DOM. Works as a browser script
   (window.KioskAnswers, after skip_logic.js) and in Node. */
(function (root) {
  "use strict";
  var SkipLogic = typeof module === "object" && module.exports ? require("./skip_logic.js") : root.SkipLogic;
  var PREFER_NOT_TO_SAY = SkipLogic.PREFER_NOT_TO_SAY;
  var LINKAGE_PART = /^[\p{L}\p{N}]+$/u;

  /* Whether `value` fits a number question: finite, whole when the question says so, within its
     minimum and maximum (null: no bound). */
  function numberFits(question, value) {
    return !(!isFinite(value) || (question.integer && !Number.isInteger(value)) ||
      (question.minimum !== null && value < question.minimum) || (question.maximum !== null && value > question.maximum));
  }

  /* What a number or text field's content means for its question: {empty: true} (no answer),
     {value: ...} (the answer), or {invalid: true} (a number that does not fit; the answer is left alone). */
  function typedAnswer(question, raw) {
    var trimmed = raw.trim();
    if (trimmed === "") return { empty: true };
    if (question.type === "text") return { value: trimmed };
    var value = Number(trimmed);
    return numberFits(question, value) ? { value: value } : { invalid: true };
  }

  /* A copy of `answers` with `key` set to `value`, or without `key` when `value` is undefined. */
  function withAnswer(answers, key, value) {
    var copy = {};
    Object.keys(answers).forEach(function (name) { if (name !== key) copy[name] = answers[name]; });
    if (value !== undefined) copy[key] = value;
    return copy;
  }

  /* A multiple-choice answer after an option is ticked or unticked: the list of codes, or undefined
     when none is left. */
  function toggled(answer, code, checked) {
    var list = Array.isArray(answer) ? answer.slice() : [];
    if (checked) list.push(code); else list = list.filter(function (other) { return other !== code; });
    return list.length ? list : undefined;
  }

  /* Whether the option `code` is chosen in `answer` (one code, or a list of them). */
  function chosen(answer, code) {
    return Array.isArray(answer) ? answer.indexOf(code) !== -1 : answer === code;
  }

  /* What a number field shows for an earlier answer: its digits, or null (empty). */
  function numberShown(answer) {
    return typeof answer === "number" ? String(answer) : null;
  }

  /* What a text field shows for an earlier answer: the text, or null (empty; "Prefer not to say" is
     not text). */
  function textShown(answer) {
    return typeof answer === "string" && answer !== PREFER_NOT_TO_SAY ? answer : null;
  }

  /* The linkage code from the three typed parts: trimmed, upper case, each letters or digits of any
     script; null (no code) when any part is empty or holds anything else. */
  function linkageParts(raw) {
    var parts = raw.map(function (part) { return part.trim().toUpperCase(); });
    return parts.every(function (part) { return LINKAGE_PART.test(part); }) ? parts : null;
  }

  /* What the typed linkage parts amount to: "empty" (nothing typed: no code, nothing to ask),
     "complete" (a code), or "unfinished" (something typed, but not a whole code: the kiosk asks whether
     to finish it or skip it rather than dropping it without a word). */
  function linkageState(raw) {
    if (linkageParts(raw)) return "complete";
    return raw.every(function (part) { return part.trim() === ""; }) ? "empty" : "unfinished";
  }

  /* The body sent for a completed response; `answers` are the shown ones, `linkage` the parts or null. */
  function submission(id, surveyVersion, language, answers, linkage) {
    var item = { id: id, survey_version: surveyVersion, language: language, answers: answers };
    if (linkage) item.linkage = { parts: linkage };
    return item;
  }

  var api = {
    numberFits: numberFits, typedAnswer: typedAnswer, withAnswer: withAnswer, toggled: toggled, chosen: chosen,
    numberShown: numberShown, textShown: textShown, linkageParts: linkageParts, linkageState: linkageState, submission: submission,
  };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.KioskAnswers = api;
  }
})(this);
