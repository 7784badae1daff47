// The kiosk's navigation: hidden questions are passed over both ways, Back stops at the consent screen,
// progress never jumps up and leaves information screens out, review counts count only what the answers show.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const KioskNavigation = require(path.join(__dirname, "..", "..", "survey", "static", "kiosk_navigation.js"));

const seen = { op: "eq", q: "overdose_seen", value: "yes" };
const questions = [
  { key: "feeling", type: "rating" },
  { key: "intro", type: "info" },
  { key: "overdose_seen", type: "single_choice" },
  { key: "overdose_reversed", type: "single_choice", show_if: seen },
  { key: "naloxone_used", type: "single_choice", show_if: { op: "eq", q: "overdose_reversed", value: "yes" } },
  { key: "supplies", type: "multi_choice" },
];
const at = (key) => questions.findIndex((question) => question.key === key);

test("Start goes to the first question", () => {
  assert.deepEqual(KioskNavigation.next(questions, {}, -1), { screen: "question", index: 0 });
});

const onQuestion = (key) => ({ screen: "question", index: at(key) });

// One step from a question: [the step, Next or Back, the answers, from the question, to the question].
const steps = [
  ["Next passes over a question the answers hide", "next", { overdose_seen: "no" }, "overdose_seen", "supplies"],
  ["Next shows the follow-up the answers show", "next", { overdose_seen: "yes" }, "overdose_seen", "overdose_reversed"],
  ["Prefer not to say does not show a follow-up", "next", { overdose_seen: "prefer_not_to_say" }, "overdose_seen", "supplies"],
  ["Back passes over hidden questions", "previous", { overdose_seen: "no" }, "supplies", "overdose_seen"],
];

for (const [name, move, answers, from, to] of steps) {
  test(name, () => {
    assert.deepEqual(KioskNavigation[move](questions, answers, at(from)), onQuestion(to));
  });
}

test("a follow-up of a hidden question stays hidden, whatever its own condition's answer was", () => {
  // The participant answered the chain, then went back and changed the first answer to "no".
  const answers = { overdose_seen: "no", overdose_reversed: "yes" };
  assert.equal(KioskNavigation.visible(questions, answers, at("naloxone_used")), false);
  assert.deepEqual(KioskNavigation.next(questions, answers, at("overdose_seen")), onQuestion("supplies"));
});

test("Back never goes before the first screen: from the first question it is the consent screen", () => {
  assert.deepEqual(KioskNavigation.previous(questions, {}, 0), { screen: "consent" });
});

test("Back goes to the consent screen when every question before is hidden", () => {
  const hiddenFirst = [{ key: "a", type: "rating", show_if: { op: "answered", q: "b" } }, { key: "b", type: "rating" }];
  assert.deepEqual(KioskNavigation.previous(hiddenFirst, {}, 1), { screen: "consent" });
});

test("after the last question comes the linkage code, even past hidden ones", () => {
  assert.deepEqual(KioskNavigation.next(questions, {}, at("supplies")), { screen: "linkage" });
  const hiddenLast = questions.slice(0, 4);
  assert.deepEqual(KioskNavigation.next(hiddenLast, { overdose_seen: "no" }, at("overdose_seen")), { screen: "linkage" });
});

test("Back from the linkage code is the last question shown", () => {
  const hiddenLast = questions.slice(0, 4);
  assert.deepEqual(KioskNavigation.previous(hiddenLast, { overdose_seen: "no" }, hiddenLast.length), onQuestion("overdose_seen"));
  assert.deepEqual(KioskNavigation.previous(questions, {}, questions.length), onQuestion("supplies"));
});

test("a survey whose questions are all hidden goes from consent straight to the linkage code", () => {
  const hidden = [{ key: "a", type: "rating", show_if: { op: "answered", q: "z" } }];
  assert.deepEqual(KioskNavigation.next(hidden, {}, -1), { screen: "linkage" });
});

const walk = (answers) => {
  // The progress shown on each question screen, walking the survey forwards with these answers.
  const seen = [];
  let screen = KioskNavigation.next(questions, answers, -1);
  while (screen.screen === "question") {
    const step = KioskNavigation.progress(questions, answers, screen.index);
    if (step.counted) seen.push([step.current, step.total, step.exact]);
    screen = KioskNavigation.next(questions, answers, screen.index);
  }
  return seen;
};

test("progress counts every question that can still appear, so a follow-up never raises the total", () => {
  assert.deepEqual(walk({ overdose_seen: "yes", overdose_reversed: "yes" }),
    [[1, 5, false], [2, 5, false], [3, 5, false], [4, 5, true], [5, 5, true]]);
});

test("an answer that rules follow-ups out lowers the total, and then it is exact", () => {
  assert.deepEqual(walk({ overdose_seen: "no" }), [[1, 5, false], [2, 5, false], [3, 3, true]]);
});

test("information screens are not counted", () => {
  assert.deepEqual(KioskNavigation.progress(questions, {}, at("intro")), { counted: false, current: 1, total: 5, exact: false });
  assert.deepEqual(KioskNavigation.progress(questions, {}, at("overdose_seen")).current, 2);
});

test("going back to change an answer counts the questions ahead as still open", () => {
  const answers = { overdose_seen: "no", supplies: ["food"] };
  assert.deepEqual(KioskNavigation.progress(questions, answers, at("overdose_seen")), { counted: true, current: 2, total: 5, exact: false });
});

test("the board's preview of a hidden follow-up still counts it", () => {
  assert.deepEqual(KioskNavigation.progress(questions, {}, at("overdose_reversed")), { counted: true, current: 3, total: 5, exact: false });
});

test("skip logic over questions not answered yet is true, false or undecided", () => {
  const unknown = { b: true };
  const a = { op: "eq", q: "a", value: 1 };
  const b = { op: "eq", q: "b", value: 1 };
  assert.equal(KioskNavigation.mayHold(b, {}, unknown), null);
  assert.equal(KioskNavigation.mayHold({ op: "all", of: [a, b] }, { a: 2 }, unknown), false);
  assert.equal(KioskNavigation.mayHold({ op: "all", of: [a, b] }, { a: 1 }, unknown), null);
  assert.equal(KioskNavigation.mayHold({ op: "any", of: [a, b] }, { a: 1 }, unknown), true);
  assert.equal(KioskNavigation.mayHold({ op: "any", of: [a, b] }, { a: 2 }, unknown), null);
  assert.equal(KioskNavigation.mayHold({ op: "not", of: b }, {}, unknown), null);
  assert.equal(KioskNavigation.mayHold({ op: "not", of: a }, { a: 1 }, unknown), false);
  assert.equal(KioskNavigation.mayHold({ op: "any", of: [a, a] }, {}, unknown), false);
});

test("the answers sent are those of the questions shown, in the survey's order", () => {
  const answers = { supplies: ["food"], overdose_reversed: "yes", overdose_seen: "no", feeling: 4 };
  const shown = KioskNavigation.shownAnswers(questions, answers, questions.length);
  assert.deepEqual(shown, { feeling: 4, overdose_seen: "no", supplies: ["food"] });
  assert.deepEqual(Object.keys(shown), ["feeling", "overdose_seen", "supplies"]);
});

test("shown answers stop before the question asked about", () => {
  assert.deepEqual(KioskNavigation.shownAnswers(questions, { feeling: 4, overdose_seen: "yes" }, at("overdose_seen")), { feeling: 4 });
});

test("the review counts shown answers of the shown questions that ask something", () => {
  assert.deepEqual(KioskNavigation.reviewCounts(questions, {}), { answered: 0, total: 3 });
  assert.deepEqual(KioskNavigation.reviewCounts(questions, { feeling: 4, overdose_seen: "no", overdose_reversed: "yes" }),
    { answered: 2, total: 3 });
  assert.deepEqual(KioskNavigation.reviewCounts(questions, { overdose_seen: "yes", overdose_reversed: "prefer_not_to_say" }),
    { answered: 2, total: 4 });
});

test("a question is found by its key for the board's preview", () => {
  assert.equal(KioskNavigation.indexOfKey(questions, "supplies"), 5);
  assert.equal(KioskNavigation.indexOfKey(questions, "gone"), -1);
});

test("visibleIndexes lists the shown questions in order", () => {
  assert.deepEqual(KioskNavigation.visibleIndexes(questions, { overdose_seen: "yes" }), [0, 1, 2, 3, 5]);
});
