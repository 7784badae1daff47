/* The board's pictures and recordings on the kiosk: which recording reads a question or an answer in a
   language (the server sends only recordings of the words the version shows), the picture of an answer,
   every media file a survey needs (for the service worker to keep offline), and playing parts of a
   screen one after another (a recording, then the tablet's voice, ...). Pure functions, no DOM. Works as
   a browser script (window.KioskMedia), in the service worker and in Node. */
(function (root) {
  "use strict";

  var PREFIX = "/media/";

  function recordingKey(key, code) {
    return code === undefined || code === null ? key : key + "/" + String(code);
  }

  /* The recording of a question (no `code`) or of one of its answers in `language`, or null. */
  function recording(survey, language, key, code) {
    var byLanguage = (survey && survey.recordings && survey.recordings[language]) || {};
    return byLanguage[recordingKey(key, code)] || null;
  }

  /* The URL of an answer's picture, or null. */
  function picture(option) {
    return option && typeof option.picture === "string" && /^[0-9a-f]{64}$/.test(option.picture)
      ? PREFIX + option.picture : null;
  }

  /* Every picture and recording a kiosk survey JSON refers to, once each. */
  function mediaUrls(survey) {
    var found = [];
    var add = function (url) { if (url && found.indexOf(url) === -1) found.push(url); };
    var questions = (survey && survey.definition && survey.definition.questions) || [];
    questions.forEach(function (question) { (question.options || []).forEach(function (o) { add(picture(o)); }); });
    var recordings = (survey && survey.recordings) || {};
    Object.keys(recordings).forEach(function (language) {
      Object.keys(recordings[language]).forEach(function (key) {
        var url = recordings[language][key];
        if (typeof url === "string" && url.indexOf(PREFIX) === 0) add(url);
      });
    });
    return found;
  }

  /* Run `steps` one after another: `run(step)` returns a promise settled when that step has been read;
     stop as soon as `current()` is false (another screen, Repeat, Stop). Resolves when done. */
  function inTurn(steps, run, current) {
    return steps.reduce(function (previous, step) {
      return previous.then(function () {
        if (!current()) return null;
        return Promise.resolve(run(step)).catch(function () { return null; });
      });
    }, Promise.resolve());
  }

  var api = { recording: recording, recordingKey: recordingKey, picture: picture, mediaUrls: mediaUrls, inTurn: inTurn };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.KioskMedia = api;
  }
})(this);
