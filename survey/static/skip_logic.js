/* Skip logic on the kiosk: the same rules as questions/skip_logic.py, tested against the same cases
   (tests/questions/skip_logic_cases.json). Works as a browser script (window.SkipLogic) and in Node. */
(function (root) {
  "use strict";
  var PREFER_NOT_TO_SAY = "prefer_not_to_say";

  function values(answer) {
    if (answer === undefined || answer === null || answer === PREFER_NOT_TO_SAY) return [];
    return Array.isArray(answer) ? answer : [answer];
  }

  function number(answer) {
    return typeof answer === "number" && isFinite(answer) ? answer : null;
  }

  function answerTo(answers, key) {
    // Only the answers' own keys: a question keyed "constructor" must not find Object.prototype's.
    return Object.prototype.hasOwnProperty.call(answers, key) ? answers[key] : undefined;
  }

  function evaluate(expression, answers) {
    var given = expression.q === undefined ? [] : values(answerTo(answers, expression.q));
    var n;
    switch (expression.op) {
      case "eq":
        return given.indexOf(expression.value) !== -1;
      case "in":
        return given.some(function (value) { return expression.values.indexOf(value) !== -1; });
      case "gt":
        n = number(answerTo(answers, expression.q));
        return n !== null && n > expression.value;
      case "lt":
        n = number(answerTo(answers, expression.q));
        return n !== null && n < expression.value;
      case "answered":
        return given.length > 0;
      case "not_answered":
        return given.length === 0;
      case "all":
        return expression.of.every(function (part) { return evaluate(part, answers); });
      case "any":
        return expression.of.some(function (part) { return evaluate(part, answers); });
      case "not":
        return !evaluate(expression.of, answers);
      default:
        throw new Error("not a skip-logic expression: " + JSON.stringify(expression));
    }
  }

  var api = { evaluate: evaluate, PREFER_NOT_TO_SAY: PREFER_NOT_TO_SAY };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.SkipLogic = api;
  }
})(this);
