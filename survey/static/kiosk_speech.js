/* The kiosk's read-aloud rules: what the tablet's voice says for a text (gendered forms such as
   "tranquilo/a" read as "tranquilo o tranquila"), which of the tablet's voices reads a language, and which
   of a survey's languages the tablet can read. Pure functions, no DOM, no speech. Works as a browser
   script (window.KioskSpeech) and in Node. */
(function (root) {
  "use strict";

  // The word for "or" in languages that write both genders with a slash ("tranquilo/a"); other
  // languages' texts are read as written.
  var OR = { es: "o", ca: "o", it: "o", pt: "ou", gl: "ou", fr: "ou" };
  var LETTER = "[\\p{L}\\p{M}]";
  // A word followed by a feminine ending: "tranquilo/a", "relajados/as", "señor/a", "seguro(a)".
  var ENDING = new RegExp("(" + LETTER + "+)(?:/(as?)|\\((as?)\\))(?!" + LETTER + ")", "gu");
  // Two whole words either side of a slash: "el/la", "los/las" (one-letter words such as "y/o" stay).
  var PAIR = new RegExp("(?<!" + LETTER + ")(" + LETTER + "{2,})/(" + LETTER + "{2,})(?!" + LETTER + ")", "gu");

  function primary(language) { return String(language || "").toLowerCase().split("-")[0]; }

  /* The feminine form of `word` given the written ending ("a" or "as"). */
  function feminine(word, ending) {
    var lower = word.toLowerCase();
    if (ending === "as" && /(os|es)$/.test(lower)) return word.slice(0, -2) + "as";
    if (ending === "a" && /o$/.test(lower)) return word.slice(0, -1) + "a";
    return word + ending;
  }

  /* "Nervioso" -> "nerviosa" for the second form: only a capital that starts a sentence is dropped. */
  function secondForm(word) {
    var first = word.charAt(0);
    var rest = word.slice(1);
    return rest === rest.toLowerCase() ? first.toLowerCase() + rest : word;
  }

  /* Spanish writes "u" for "o" before a word that starts with the sound o ("otro u otra"). */
  function joined(language, first, second) {
    var or = OR[primary(language)];
    if (primary(language) === "es" && /^h?[oó]/i.test(second)) or = "u";
    return first + " " + or + " " + second;
  }

  /* What the voice should say for `text` in `language`: gendered forms written out in full. */
  function readable(text, language) {
    if (!text || !OR[primary(language)]) return text || "";
    return text
      .replace(ENDING, function (_, word, slashEnding, bracketEnding) {
        return joined(language, word, secondForm(feminine(word, slashEnding || bracketEnding)));
      })
      .replace(PAIR, function (_, first, second) { return joined(language, first, second); });
  }

  /* The voice among `voices` (objects with a `lang` such as "es-MX") that reads `language` ("es" or
     "es-MX"): the same tag first, then the same language, a local and default voice preferred; or null. */
  function voiceFor(voices, language) {
    var wanted = String(language || "").toLowerCase().replace("_", "-");
    var fits = (voices || []).filter(function (voice) {
      var lang = String(voice.lang || "").toLowerCase().replace("_", "-");
      return lang === wanted || primary(lang) === primary(wanted);
    });
    var rank = function (voice) {
      var lang = String(voice.lang || "").toLowerCase().replace("_", "-");
      return (lang === wanted ? 4 : 0) + (voice.localService ? 2 : 0) + (voice["default"] ? 1 : 0);
    };
    fits.sort(function (a, b) { return rank(b) - rank(a); });
    return fits[0] || null;
  }

  /* The codes among `languages` that one of `voices` can read, in the survey's order. */
  function readableLanguages(voices, languages) {
    return languages.filter(function (language) { return voiceFor(voices, language) !== null; });
  }

  /* An answer as it is read: its number on the screen, then its words ("2. Most of the time"). */
  function numbered(number, label) { return number + ". " + label; }

  var api = { readable: readable, voiceFor: voiceFor, readableLanguages: readableLanguages, numbered: numbered };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.KioskSpeech = api;
  }
})(this);
