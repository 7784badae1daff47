// The kiosk's answer checks: typed numbers and text, choices, the linkage code and the body sent.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const KioskAnswers = require(path.join(__dirname, "..", "..", "survey", "static", "kiosk_answers.js"));

const days = { key: "meals_days", type: "number", integer: true, minimum: 0, maximum: 7 };
const dose = { key: "dose", type: "number", integer: false, minimum: 0.5, maximum: 2.5 };
const unbounded = { key: "count", type: "number", integer: true, minimum: null, maximum: null };
const note = { key: "note", type: "text", max_length: 500 };

test("a whole number within the range is accepted as a number", () => {
  assert.deepEqual(KioskAnswers.typedAnswer(days, "3"), { value: 3 });
  assert.deepEqual(KioskAnswers.typedAnswer(days, " 0 "), { value: 0 });
  assert.deepEqual(KioskAnswers.typedAnswer(days, "7"), { value: 7 });
});

test("a number outside the range is refused", () => {
  assert.deepEqual(KioskAnswers.typedAnswer(days, "8"), { invalid: true });
  assert.deepEqual(KioskAnswers.typedAnswer(days, "-1"), { invalid: true });
  assert.deepEqual(KioskAnswers.typedAnswer(dose, "0.4"), { invalid: true });
  assert.deepEqual(KioskAnswers.typedAnswer(dose, "2.6"), { invalid: true });
});

test("a fraction is refused where a whole number is asked, accepted where not", () => {
  assert.deepEqual(KioskAnswers.typedAnswer(days, "2.5"), { invalid: true });
  assert.deepEqual(KioskAnswers.typedAnswer(dose, "1.5"), { value: 1.5 });
});

test("what is not a finite number is refused", () => {
  for (const raw of ["abc", "1e999", "Infinity", "3 days", "0x"]) {
    assert.deepEqual(KioskAnswers.typedAnswer(unbounded, raw), { invalid: true }, raw);
  }
});

test("without bounds any whole number fits", () => {
  assert.deepEqual(KioskAnswers.typedAnswer(unbounded, "-40"), { value: -40 });
  assert.deepEqual(KioskAnswers.typedAnswer(unbounded, "100000"), { value: 100000 });
  assert.equal(KioskAnswers.numberFits(unbounded, 1.5), false);
});

test("an empty or blank field is no answer, for numbers and text", () => {
  assert.deepEqual(KioskAnswers.typedAnswer(days, ""), { empty: true });
  assert.deepEqual(KioskAnswers.typedAnswer(days, "   "), { empty: true });
  assert.deepEqual(KioskAnswers.typedAnswer(note, "\n\t "), { empty: true });
});

test("text is kept trimmed, as typed otherwise", () => {
  assert.deepEqual(KioskAnswers.typedAnswer(note, "  more clinic hours \n"), { value: "more clinic hours" });
  assert.deepEqual(KioskAnswers.typedAnswer(note, "99"), { value: "99" });
});

test("setting an answer leaves the others and the original untouched", () => {
  const before = { who5_1: 4 };
  const after = KioskAnswers.withAnswer(before, "who5_2", 3);
  assert.deepEqual(after, { who5_1: 4, who5_2: 3 });
  assert.deepEqual(before, { who5_1: 4 });
});

test("an undefined answer removes the key (Skip)", () => {
  const after = KioskAnswers.withAnswer({ who5_1: 4, who5_2: 3 }, "who5_1", undefined);
  assert.deepEqual(after, { who5_2: 3 });
  assert.equal(Object.prototype.hasOwnProperty.call(after, "who5_1"), false);
});

test("a key named like an Object.prototype property is an ordinary answer", () => {
  const after = KioskAnswers.withAnswer({}, "constructor", "yes");
  assert.equal(Object.prototype.hasOwnProperty.call(after, "constructor"), true);
  assert.deepEqual(Object.keys(KioskAnswers.withAnswer(after, "constructor", undefined)), []);
});

test("ticking options builds a list of codes; unticking the last leaves no answer", () => {
  let answer = KioskAnswers.toggled(undefined, "housing", true);
  assert.deepEqual(answer, ["housing"]);
  answer = KioskAnswers.toggled(answer, "health", true);
  assert.deepEqual(answer, ["housing", "health"]);
  answer = KioskAnswers.toggled(answer, "housing", false);
  assert.deepEqual(answer, ["health"]);
  assert.equal(KioskAnswers.toggled(answer, "health", false), undefined);
});

test("ticking an option after Prefer not to say starts a fresh list", () => {
  assert.deepEqual(KioskAnswers.toggled("prefer_not_to_say", "food", true), ["food"]);
});

test("ticking does not change the list it was given", () => {
  const list = ["housing"];
  KioskAnswers.toggled(list, "health", true);
  assert.deepEqual(list, ["housing"]);
});

test("a choice is shown chosen by its exact code, in one answer or a list", () => {
  assert.equal(KioskAnswers.chosen(4, 4), true);
  assert.equal(KioskAnswers.chosen(4, "4"), false);
  assert.equal(KioskAnswers.chosen(["housing", "food"], "food"), true);
  assert.equal(KioskAnswers.chosen(["housing"], "food"), false);
  assert.equal(KioskAnswers.chosen(undefined, "food"), false);
  assert.equal(KioskAnswers.chosen("prefer_not_to_say", "food"), false);
});

test("a field shows an earlier number or text, never Prefer not to say", () => {
  assert.equal(KioskAnswers.numberShown(3), "3");
  assert.equal(KioskAnswers.numberShown("prefer_not_to_say"), null);
  assert.equal(KioskAnswers.numberShown(undefined), null);
  assert.equal(KioskAnswers.textShown("more hours"), "more hours");
  assert.equal(KioskAnswers.textShown("prefer_not_to_say"), null);
  assert.equal(KioskAnswers.textShown(undefined), null);
});

test("linkage parts are trimmed and upper-cased", () => {
  assert.deepEqual(KioskAnswers.linkageParts([" m", "07 ", "b"]), ["M", "07", "B"]);
});

test("linkage parts may be letters of any script", () => {
  assert.deepEqual(KioskAnswers.linkageParts(["ж", "7", "ع"]), ["Ж", "7", "ع"]);
});

test("an empty or non-alphanumeric linkage part means no code at all", () => {
  assert.equal(KioskAnswers.linkageParts(["M", "", "B"]), null);
  assert.equal(KioskAnswers.linkageParts(["M", " ", "B"]), null);
  assert.equal(KioskAnswers.linkageParts(["M", "0-7", "B"]), null);
  assert.equal(KioskAnswers.linkageParts(["M", "07", "."]), null);
});

test("the body sent holds id, version, language and answers, and linkage only when given", () => {
  const answers = { who5_1: 4 };
  const without = KioskAnswers.submission("3f0c2b6e", 2, "es", answers, null);
  assert.equal(JSON.stringify(without), '{"id":"3f0c2b6e","survey_version":2,"language":"es","answers":{"who5_1":4}}');
  const withCode = KioskAnswers.submission("3f0c2b6e", 2, "es", answers, ["M", "07", "B"]);
  assert.deepEqual(withCode.linkage, { parts: ["M", "07", "B"] });
  assert.deepEqual(Object.keys(withCode), ["id", "survey_version", "language", "answers", "linkage"]);
});

test("a linkage code is empty, complete, or unfinished (then the kiosk asks to finish or skip it)", () => {
  assert.equal(KioskAnswers.linkageState(["", " ", ""]), "empty");
  assert.equal(KioskAnswers.linkageState(["m", "7", "b"]), "complete");
  assert.equal(KioskAnswers.linkageState(["M", "", ""]), "unfinished");
  assert.equal(KioskAnswers.linkageState(["M", "07", "-"]), "unfinished");
});
