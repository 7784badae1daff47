// The kiosk's read-aloud rules: gendered forms read in full, the voice for a language, the languages a
// tablet can read.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const KioskSpeech = require(path.join(__dirname, "..", "..", "survey", "static", "kiosk_speech.js"));

// What each language's rules read in full: [text, language, as read].
const readings = [
  ["a Spanish gendered form is read as both words", [
    ["Me he sentido tranquilo/a y relajado/a", "es", "Me he sentido tranquilo o tranquila y relajado o relajada"],
  ]],
  ["accents, plurals, a consonant ending and brackets are read in full", [
    ["activo/a y enérgico/a", "es", "activo o activa y enérgico o enérgica"],
    ["¿Están cansados/as?", "es", "¿Están cansados o cansadas?"],
    ["un/a señor/a", "es-MX", "un o una señor o señora"],
    ["seguro(a)", "es", "seguro o segura"],
  ]],
  ["a capital that starts the text is not repeated on the second form", [
    ["Nervioso/a", "es", "Nervioso o nerviosa"],
  ]],
  ["Spanish says 'u' before a word starting with the sound o", [["otro/a", "es", "otro u otra"]]],
  ["two whole words either side of a slash are read with 'or'; 'y/o' and numbers stay", [
    ["el/la participante", "es", "el o la participante"],
    ["sí y/o no, 1/2", "es", "sí y/o no, 1/2"],
  ]],
  ["Portuguese uses its own 'or'", [["cansado/a", "pt-BR", "cansado ou cansada"]]],
  ["languages without this writing are read as written", [
    ["and/or he/she", "en", "and/or he/she"],
    ["", "es", ""],
  ]],
];

for (const [name, cases] of readings) {
  test(name, () => {
    for (const [text, language, read] of cases) assert.equal(KioskSpeech.readable(text, language), read);
  });
}

const voices = [
  { lang: "en-US", name: "US", localService: true, default: true },
  { lang: "es-ES", name: "Spain", localService: false, default: false },
  { lang: "es_MX", name: "Mexico", localService: true, default: false },
];

test("the voice for a language prefers the same tag, then a local voice", () => {
  assert.equal(KioskSpeech.voiceFor(voices, "es").name, "Mexico");
  assert.equal(KioskSpeech.voiceFor(voices, "es-ES").name, "Spain");
  assert.equal(KioskSpeech.voiceFor(voices, "EN").name, "US");
});

test("no voice for a language, or no voices at all, is null", () => {
  assert.equal(KioskSpeech.voiceFor(voices, "ar"), null);
  assert.equal(KioskSpeech.voiceFor([], "en"), null);
  assert.equal(KioskSpeech.voiceFor(undefined, "en"), null);
});

test("the languages a tablet can read keep the survey's order", () => {
  assert.deepEqual(KioskSpeech.readableLanguages(voices, ["ar", "es", "en"]), ["es", "en"]);
  assert.deepEqual(KioskSpeech.readableLanguages([], ["en"]), []);
});

test("an answer is read with its number", () => {
  assert.equal(KioskSpeech.numbered(2, "Most of the time"), "2. Most of the time");
});
