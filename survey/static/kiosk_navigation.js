/* The kiosk's navigation: which questions the answers so far show, which screen comes next or before,
   and the progress ("Question 3 of up to 21") and review counts. Pure functions over the definition's questions and the answers,
   no DOM. Works as a browser script (window.KioskNavigation, after skip_logic.js) and in Node. */
(function (root) {
  "use strict";
  var SkipLogic = typeof module === "object" && module.exports ? require("./skip_logic.js") : root.SkipLogic;

  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  /* The answers to the questions before `upTo` that are shown, in order (hidden answers never count). */
  function shownAnswers(questions, answers, upTo) {
    var given = {};
    questions.slice(0, upTo).forEach(function (question) {
      if (has(answers, question.key) && (!question.show_if || SkipLogic.evaluate(question.show_if, given))) {
        given[question.key] = answers[question.key];
      }
    });
    return given;
  }

  /* Whether question `index` is shown, given the shown answers before it. */
  function visible(questions, answers, index) {
    var question = questions[index];
    if (!question.show_if) return true;
    return SkipLogic.evaluate(question.show_if, shownAnswers(questions, answers, index));
  }

  /* The indexes of the questions shown, in order. */
  function visibleIndexes(questions, answers) {
    return questions.map(function (_, index) { return index; })
      .filter(function (index) { return visible(questions, answers, index); });
  }

  /* The screen reached from `start` moving by `step` (1 or -1) past hidden questions:
     {screen: "question", index}, {screen: "consent"} before the first, {screen: "linkage"} after the last. */
  function target(questions, answers, start, step) {
    var index = start;
    while (index >= 0 && index < questions.length && !visible(questions, answers, index)) index += step;
    if (index < 0) return { screen: "consent" };
    if (index >= questions.length) return { screen: "linkage" };
    return { screen: "question", index: index };
  }

  /* The screen after question `index` (-1: from the consent screen). */
  function next(questions, answers, index) { return target(questions, answers, index + 1, 1); }

  /* The screen before question `index` (questions.length: from the linkage screen). */
  function previous(questions, answers, index) { return target(questions, answers, index - 1, -1); }

  var COMBINATORS = { all: true, any: true, not: true };

  /* Skip logic with some answers not given yet: true, false, or null (it depends on them). `unknown`
     holds the keys of questions still ahead; every other answer is as in `answers`. */
  function mayHold(expression, answers, unknown) {
    if (!COMBINATORS[expression.op]) {
      return has(unknown, expression.q) ? null : SkipLogic.evaluate(expression, answers);
    }
    if (expression.op === "not") {
      var inner = mayHold(expression.of, answers, unknown);
      return inner === null ? null : !inner;
    }
    var results = expression.of.map(function (part) { return mayHold(part, answers, unknown); });
    var decisive = expression.op === "all" ? false : true;
    if (results.indexOf(decisive) !== -1) return decisive;
    return results.indexOf(null) !== -1 ? null : !decisive;
  }

  /* Progress on question `index`: {counted, current, total, exact}. Information screens are not counted
     (counted: false). `current` counts the questions shown up to this one; `total` adds every question
     ahead that can still appear, given the answers before this one, so it never grows as the
     participant goes on (a follow-up was already in it) and only shrinks when an answer rules
     questions out; `exact` is false while some of those depend on answers not given yet
     ("Question 3 of up to 21"). The question on screen counts even when hidden (the board's preview). */
  function progress(questions, answers, index) {
    var asks = function (question) { return question.type !== "info"; };
    var before = visibleIndexes(questions, answers).filter(function (i) { return i < index && asks(questions[i]); });
    var known = shownAnswers(questions, answers, index);
    var unknown = {};
    unknown[questions[index].key] = true;
    var ahead = 0;
    var exact = true;
    questions.slice(index + 1).forEach(function (question) {
      var shown = question.show_if ? mayHold(question.show_if, known, unknown) : true;
      if (shown === false) return;
      unknown[question.key] = true;
      if (shown === null) exact = false;
      if (asks(question)) ahead += 1;
    });
    var counted = asks(questions[index]);
    var current = before.length + (counted ? 1 : 0);
    return { counted: counted, current: current, total: current + ahead, exact: exact };
  }

  /* "You answered {answered} of {total} questions": shown questions answered, of those shown that ask. */
  function reviewCounts(questions, answers) {
    var shown = visibleIndexes(questions, answers);
    var given = shownAnswers(questions, answers, questions.length);
    return {
      answered: shown.filter(function (index) { return has(given, questions[index].key); }).length,
      total: shown.filter(function (index) { return questions[index].type !== "info"; }).length,
    };
  }

  /* The index of the question keyed `key`, or -1. */
  function indexOfKey(questions, key) {
    return questions.map(function (question) { return question.key; }).indexOf(key);
  }

  var api = {
    shownAnswers: shownAnswers, visible: visible, mayHold: mayHold, visibleIndexes: visibleIndexes, target: target, next: next,
    previous: previous, progress: progress, reviewCounts: reviewCounts, indexOfKey: indexOfKey,
  };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.KioskNavigation = api;
  }
})(this);
