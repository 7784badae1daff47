// The kiosk's pictures, recordings and how it was answered: pure rules, no browser.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const KioskMedia = require(path.join(__dirname, "..", "..", "survey", "static", "kiosk_media.js"));
const KioskAnsweredWith = require(path.join(__dirname, "..", "..", "survey", "static", "kiosk_answered_with.js"));

const DIGEST = "a".repeat(64);
const SURVEY = {
  definition: { questions: [
    { key: "safe", options: [{ code: "yes", picture: DIGEST }, { code: "no" }, { code: "maybe", picture: "../etc" }] },
    { key: "info" },
  ] },
  recordings: { es: { safe: "/media/" + "b".repeat(64), "safe/yes": "/media/" + "c".repeat(64) }, en: {} },
};

test("a question's and an answer's recording are found by language, key and code", () => {
  assert.equal(KioskMedia.recording(SURVEY, "es", "safe"), "/media/" + "b".repeat(64));
  assert.equal(KioskMedia.recording(SURVEY, "es", "safe", "yes"), "/media/" + "c".repeat(64));
  assert.equal(KioskMedia.recording(SURVEY, "es", "safe", "no"), null);
  assert.equal(KioskMedia.recording(SURVEY, "en", "safe"), null);
  assert.equal(KioskMedia.recording({}, "en", "safe"), null);
});

test("an answer's picture is a media URL only for a digest", () => {
  const options = SURVEY.definition.questions[0].options;
  assert.deepEqual(options.map(KioskMedia.picture), ["/media/" + DIGEST, null, null]);
});

test("every media file of a survey is listed once, for the service worker", () => {
  const twice = Object.assign({}, SURVEY, { recordings: { es: SURVEY.recordings.es, en: { "safe/yes": "/media/" + "c".repeat(64) } } });
  assert.deepEqual(KioskMedia.mediaUrls(twice).sort(), ["/media/" + DIGEST, "/media/" + "b".repeat(64), "/media/" + "c".repeat(64)].sort());
  assert.deepEqual(KioskMedia.mediaUrls(null), []);
});

test("parts are read in turn, each after the one before, and stop when the reading is replaced", async () => {
  const said = [];
  let live = true;
  await KioskMedia.inTurn([1, 2, 3], (step) => new Promise((resolve) => setTimeout(() => { said.push(step); resolve(); }, 5 - step)), () => live);
  assert.deepEqual(said, [1, 2, 3]);
  said.length = 0;
  await KioskMedia.inTurn([1, 2, 3], (step) => { said.push(step); if (step === 2) live = false; }, () => live);
  assert.deepEqual(said, [1, 2]);
});

test("a step that fails (a file that cannot play) does not stop the rest", async () => {
  const said = [];
  await KioskMedia.inTurn(["a", "b"], (step) => { said.push(step); if (step === "a") return Promise.reject(new Error("no")); return null; }, () => true);
  assert.deepEqual(said, ["a", "b"]);
});

test("how it was answered: one tap chooses, the same tap takes it back, unknown codes change nothing", () => {
  assert.equal(KioskAnsweredWith.tapped(null, "own"), "own");
  assert.equal(KioskAnsweredWith.tapped("own", "helped"), "helped");
  assert.equal(KioskAnsweredWith.tapped("helped", "helped"), null);
  assert.equal(KioskAnsweredWith.tapped("own", "someone"), "own");
  assert.deepEqual(KioskAnsweredWith.CHOICES.map((c) => c.code), ["own", "read_aloud", "helped"]);
});

test("the body carries answered_with only when chosen", () => {
  const body = { id: "x", answers: {} };
  assert.deepEqual(KioskAnsweredWith.withAnsweredWith(body, "read_aloud"), { id: "x", answers: {}, answered_with: "read_aloud" });
  assert.deepEqual(KioskAnsweredWith.withAnsweredWith(body, null), body);
  assert.deepEqual(KioskAnsweredWith.withAnsweredWith(Object.assign({ answered_with: "own" }, body), "bogus"), body);
});
