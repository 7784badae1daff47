// The kiosk's report-back words: the participant's language, else the survey's first; read in order.
const test = require("node:test");
const assert = require("node:assert");
const ReportBack = require("../../survey/static/kiosk_report_back.js");

const labels = { heading: "You said, we did", did: "What we did", open: "See", close: "Start over now" };
const payload = {
  released_on: "2026-11-21",
  languages: {
    en: { title: "Naloxone", heard: "", did: "Two kits.", period: "Answers from the whole survey",
          figures: ["About 6 in 10 of you answered “Always”."], labels },
    es: { title: "Naloxona", heard: "Lo dijeron.", did: "Dos kits.", period: "Respuestas", figures: ["Cerca de 6 de cada 10."],
          labels: Object.assign({}, labels, { heading: "Ustedes dijeron, nosotros hicimos", did: "Lo que hicimos" }) },
  },
};

test("the participant's language, else the first language, else nothing", () => {
  assert.strictEqual(ReportBack.texts(payload, "es").title, "Naloxona");
  assert.strictEqual(ReportBack.texts(payload, "ar").title, "Naloxone");
  assert.strictEqual(ReportBack.texts(null, "en"), null);
  assert.strictEqual(ReportBack.texts({ languages: {} }, "en"), null);
});

test("read aloud in the order shown, skipping what is empty", () => {
  assert.deepStrictEqual(ReportBack.readingOrder(ReportBack.texts(payload, "en")), [
    "You said, we did", "Naloxone", "Answers from the whole survey", "About 6 in 10 of you answered “Always”.",
    "What we did", "Two kits.",
  ]);
  assert.ok(ReportBack.readingOrder(ReportBack.texts(payload, "es")).includes("Lo dijeron."));
});

test("no button when nothing is released", () => {
  assert.strictEqual(ReportBack.button(null, "en", {}), null);
});
