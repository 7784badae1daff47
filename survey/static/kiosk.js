/* The kiosk: one survey session at a time on a shared tablet.
   The whole survey loads at the start; answers live only in this page's memory; a completed response
   goes to an outbox in localStorage (that response alone) until the server acknowledges it; a reset
   replaces the page and its history entry, so nothing of the last person is left to go back to.
   This file wires the DOM to kiosk_answers.js, kiosk_navigation.js, kiosk_speech.js and kiosk_outbox.js
   (loaded before it, after skip_logic.js), which hold the logic and are tested in Node. */
(function () {
  "use strict";

  // How long a screen waits for a touch (docs/kiosk.md, "Timeouts"). Answers in memory go soonest.
  var IDLE_MS = 60 * 1000;                // a survey screen: then "Are you still there?"...
  var COUNTDOWN_S = 20;                   // ...counting down, then everything is cleared
  var WELCOME_IDLE_MS = 5 * 60 * 1000;    // an untouched welcome: a fresh page (a switch left on goes)
  var THANKS_IDLE_MS = 60 * 1000;         // the thank-you stays until touched, then this without a touch
  var PNTS = window.SkipLogic.PREFER_NOT_TO_SAY;
  var Answers = window.KioskAnswers;
  var Navigation = window.KioskNavigation;
  var Speech = window.KioskSpeech;
  var Media = window.KioskMedia;
  var AnsweredWith = window.KioskAnsweredWith;
  var synth = window.speechSynthesis || null;

  var root = document.getElementById("kiosk");
  // The board's preview runs this same code on a proposal's survey: nothing is kept, sent or timed out.
  var PREVIEW = root.dataset.preview || null;
  var kiosk = null;     // the survey JSON from /api/kiosk/survey
  var session = null;   // {language, readAloud, answers, position, linkage}
  var phase = null;     // "welcome", "survey", "thanks" (untouched) or "thanks-touched": which timer runs
  var idleTimer = null;
  var countdownTimer = null;
  var reading = 0;      // the reading under way; events of a cancelled one are ignored

  // ---- small helpers ---------------------------------------------------------------------------

  function tIn(language, key, vars) {
    var strings = (kiosk && kiosk.ui[language]) || {};
    var text = strings[key] || key;
    Object.keys(vars || {}).forEach(function (name) { text = text.split("{" + name + "}").join(vars[name]); });
    return text;
  }

  function t(key, vars) { return tIn(session ? session.language : kiosk.languages[0].code, key, vars); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name.indexOf("on") === 0) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function local(texts) { return (texts && (texts[session.language] || texts[kiosk.definition.languages[0]])) || ""; }

  /* One interface string in every language of the survey, each marked with its own (before anyone has
     chosen one), the same words once. */
  function inEach(key) {
    var seen = [];
    var nodes = [];
    kiosk.languages.forEach(function (language) {
      var text = tIn(language.code, key);
      if (seen.indexOf(text) !== -1) return;
      if (seen.length) nodes.push(document.createTextNode(" · "));
      seen.push(text);
      nodes.push(el("span", { lang: language.code, dir: language.direction, text: text }));
    });
    return { nodes: nodes, text: seen.join(" · ") };
  }

  function show(screen) {
    stopReading();
    closeStop();
    root.replaceChildren(screen);
    var heading = screen.querySelector("h1");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }

  function button(label, onclick, extra) {
    return el("button", Object.assign({ type: "button", text: label, onclick: onclick }, extra || {}));
  }

  // ---- read-aloud --------------------------------------------------------------------------------

  function voices() { return synth ? synth.getVoices() : []; }

  function canRead(language) { return Speech.voiceFor(voices(), language) !== null; }

  var playing = null;   // the recording being played, if any

  function stopReading() {
    reading += 1;
    if (synth) synth.cancel();
    if (playing) { playing.pause(); playing = null; }
    document.querySelectorAll(".reading").forEach(function (node) { node.classList.remove("reading"); });
  }

  /* Read `parts` ([element, text] pairs) one after another, each highlighted while it is read. Only when
     read-aloud is on, unless `force` (the Repeat button). */
  function readParts(parts, force) {
    if (!(force || (session && session.readAloud))) return;
    if (parts.some(function (part) { return part[2]; })) { readInTurn(parts); return; }
    if (!synth) return;
    stopReading();
    var mine = reading;
    var language = session.language;
    var voice = Speech.voiceFor(voices(), language);
    parts.filter(function (part) { return part[1]; }).forEach(function (part) {
      var utterance = new window.SpeechSynthesisUtterance(Speech.readable(part[1], language));
      utterance.lang = language;
      if (voice && window.SpeechSynthesisVoice && voice instanceof window.SpeechSynthesisVoice) utterance.voice = voice;
      var mark = function (on) { if (mine === reading && part[0]) part[0].classList.toggle("reading", on); };
      utterance.addEventListener("start", function () { mark(true); });
      utterance.addEventListener("boundary", function () { mark(true); });
      utterance.addEventListener("end", function () { mark(false); if (mine === reading) touched(); });
      utterance.addEventListener("error", function () { mark(false); });
      synth.speak(utterance);
    });
  }

  /* A screen with the board's recordings: each part in turn, a recording where there is one (played in
     an <audio> element), the tablet's voice for the rest, each highlighted while it is read. */
  function readInTurn(parts) {
    stopReading();
    var mine = reading;
    var language = session.language;
    var voice = Speech.voiceFor(voices(), language);
    Media.inTurn(parts.filter(function (part) { return part[1] || part[2]; }), function (part) {
      var mark = function (on) { if (mine === reading && part[0]) part[0].classList.toggle("reading", on); };
      return new Promise(function (resolve) {
        var done = function () { mark(false); if (mine === reading) touched(); resolve(); };
        if (part[2]) {
          var audio = el("audio", { "class": "recording", src: part[2], preload: "auto" });
          playing = audio;
          audio.addEventListener("playing", function () { mark(true); });
          audio.addEventListener("ended", done);
          audio.addEventListener("error", done);
          audio.addEventListener("pause", function () { if (mine !== reading) resolve(); });
          root.appendChild(audio);
          audio.play().catch(done);
          return;
        }
        if (!synth) { resolve(); return; }
        var utterance = new window.SpeechSynthesisUtterance(Speech.readable(part[1], language));
        utterance.lang = language;
        if (voice && window.SpeechSynthesisVoice && voice instanceof window.SpeechSynthesisVoice) utterance.voice = voice;
        utterance.addEventListener("start", function () { mark(true); });
        utterance.addEventListener("end", done);
        utterance.addEventListener("error", function () { mark(false); resolve(); });
        synth.speak(utterance);
      });
    }, function () { return mine === reading; });
  }

  function repeatButton(parts) {
    return button(t(session.readAloud ? "Repeat" : "Read aloud"), function () { readParts(parts(), true); },
      { "class": "big repeat" });
  }

  // ---- the outbox ------------------------------------------------------------------------------

  var outbox = window.KioskOutbox.inBrowser(window);
  var flush = outbox.flush;

  // ---- stop, idle and reset ----------------------------------------------------------------------

  function reset() {
    session = null;
    stopReading();
    // Replace the page and its history entry: Back can never return to this session.
    window.location.replace(PREVIEW ? window.location.href : "/kiosk");
  }

  function stopIdle() {
    window.clearTimeout(idleTimer);
    window.clearInterval(countdownTimer);
    var overlay = document.getElementById("idle");
    if (overlay) overlay.hidden = true;
  }

  function touched() {
    if (PREVIEW) return;
    stopIdle();
    if (phase === "welcome") idleTimer = window.setTimeout(reset, WELCOME_IDLE_MS);
    else if (phase === "survey") idleTimer = window.setTimeout(stillThere, IDLE_MS);
    else if (phase === "thanks-touched") idleTimer = window.setTimeout(reset, THANKS_IDLE_MS);
  }

  function stillThere() {
    var overlay = document.getElementById("idle");
    var seconds = COUNTDOWN_S;
    closeStop();
    stopReading();
    document.getElementById("idle-title").textContent = t("Are you still there?");
    var text = document.getElementById("idle-text");
    var continueButton = document.getElementById("idle-continue");
    continueButton.textContent = t("I'm still here");
    continueButton.onclick = touched;
    text.textContent = t("Your answers will be cleared in {seconds} seconds.", { seconds: seconds });
    overlay.hidden = false;
    continueButton.focus();
    countdownTimer = window.setInterval(function () {
      seconds -= 1;
      text.textContent = t("Your answers will be cleared in {seconds} seconds.", { seconds: seconds });
      if (seconds <= 0) reset();
    }, 1000);
  }

  if (!PREVIEW) ["pointerdown", "keydown", "input"].forEach(function (kind) {
    document.addEventListener(kind, function (event) {
      if (phase === "thanks") phase = "thanks-touched";
      if (document.getElementById("idle").hidden || event.target.id === "idle-continue") touched();
    }, true);
  });

  var stopDialog = null;

  function closeStop() {
    if (!stopDialog) return;
    stopDialog.remove();
    stopDialog = null;
  }

  /* "Stop and clear": one tap, then a calm confirmation; yes clears everything (a fresh page). */
  function confirmStop() {
    stopReading();
    closeStop();
    var keep = button(t("Keep going"), function () { closeStop(); focusHeading(); }, { "class": "big" });
    stopDialog = el("div", { "class": "idle", id: "stop" }, [
      el("div", { "class": "idle-box", role: "alertdialog", "aria-modal": "true", "aria-labelledby": "stop-title",
        "aria-describedby": "stop-text", onkeydown: function (event) { if (event.key === "Escape") keep.click(); } }, [
        el("h2", { id: "stop-title", text: t("Stop and clear your answers?") }),
        el("p", { id: "stop-text", text: t("Nothing you answered will be kept, and the survey starts again from the beginning.") }),
        el("div", { "class": "actions" }, [keep, button(t("Yes, clear my answers"), reset, { "class": "big primary" })]),
      ]),
    ]);
    document.body.appendChild(stopDialog);
    keep.focus();
  }

  function focusHeading() { var heading = root.querySelector("h1"); if (heading) heading.focus(); }

  function stopButton() { return button(t("Stop and clear"), confirmStop, { "class": "stop" }); }

  /* The small staff control: in every language on the welcome, then in the chosen one. */
  function staffWords() {
    var staff = document.querySelector(".staff-exit");
    if (!staff) return;
    var summary = staff.querySelector("summary");
    if (!session) {
      summary.replaceChildren.apply(summary, inEach("Staff").nodes);
      return;
    }
    staff.setAttribute("lang", session.language);
    summary.textContent = t("Staff");
    staff.querySelector("label").textContent = t("Staff PIN");
    staff.querySelector("button").textContent = t("Leave kiosk mode");
  }

  // ---- screens -----------------------------------------------------------------------------------

  function welcome() {
    phase = "welcome";
    var toggle = el("input", { type: "checkbox", id: "read-aloud" });
    var notice = el("div", { "class": "voice-notice", id: "voice-notice", hidden: true });
    var choices = kiosk.languages.map(function (language) {
      return button(language.name, function () {
        if (toggle.checked && !canRead(language.code)) { noVoice(notice, language); return; }
        begin(language.code, toggle.checked);
      }, { lang: language.code, dir: language.direction, "class": "big language" });
    });
    var label = el("label", { "for": "read-aloud" }, inEach("Read questions aloud").nodes);
    show(el("section", { "class": "screen welcome", "aria-labelledby": "screen-title" }, [
      el("h1", { id: "screen-title" }, inEach("Welcome").nodes),
      el("p", { "class": "site-name", text: kiosk.site }),
      el("div", { "class": "choices", role: "group", "aria-label": inEach("Choose your language").text }, choices),
      el("p", { "class": "switch" }, [toggle, label]),
      notice,
    ]));
    staffWords();
    touched();
  }

  /* The tablet has no voice for the language chosen with read-aloud on: say so, in that language and in
     writing, and offer the languages it can read, or the chosen one without reading aloud. */
  function noVoice(notice, language) {
    var readable = kiosk.languages.filter(function (other) { return canRead(other.code); });
    var name = { language: language.name };
    notice.replaceChildren(
      el("h2", { id: "voice-title", text: tIn(language.code, "This tablet has no voice to read {language} aloud.", name) }),
      el("p", { text: tIn(language.code, readable.length ? "It can read aloud in these languages:"
        : "It cannot read aloud in any language right now.") }),
      el("div", { "class": "choices" }, readable.map(function (other) {
        return button(other.name, function () { begin(other.code, true); },
          { lang: other.code, dir: other.direction, "class": "big language" });
      }).concat([button(tIn(language.code, "Continue in {language} without reading aloud", name),
        function () { begin(language.code, false); }, { "class": "big" })])));
    notice.setAttribute("lang", language.code);
    notice.setAttribute("dir", language.direction);
    notice.setAttribute("role", "alert");
    notice.setAttribute("aria-labelledby", "voice-title");
    notice.hidden = false;
  }

  function begin(language, readAloud) {
    session = { language: language, readAloud: readAloud, answers: {}, position: -1, linkage: null };
    var described = kiosk.languages.filter(function (l) { return l.code === language; })[0];
    document.documentElement.lang = language;
    document.documentElement.dir = described ? described.direction : "ltr";
    phase = "survey";
    staffWords();
    touched();
    consent();
  }

  function consent() {
    var heading = el("h1", { id: "screen-title", text: t("Before you start") });
    var lines = [
      "This survey is anonymous: we do not ask your name, and nothing you answer can be traced back to you.",
      "You can skip any question, or choose “Prefer not to say”.",
      "Your answers change nothing about the services you get here.",
      "It takes about 5 minutes. You can stop at any time.",
    ].map(function (line) { return el("li", { text: t(line) }); });
    var parts = function () { return [[heading, heading.textContent]].concat(lines.map(function (li) { return [li, li.textContent]; })); };
    show(el("section", { "class": "screen consent", "aria-labelledby": "screen-title" }, [
      heading,
      repeatButton(parts),
      el("ul", { "class": "consent-points" }, lines),
      el("div", { "class": "actions bar" }, [
        button(t("Not now"), reset, { "class": "big" }),
        button(t("Start"), function () { next(-1); }, { "class": "big primary" }),
      ]),
    ]));
    readParts(parts());
  }

  function questions() { return kiosk.definition.questions; }

  function goTo(target) {
    if (target.screen === "consent") { consent(); return; }
    if (target.screen === "linkage") { linkage(); return; }
    session.position = target.index;
    question(target.index);
  }

  function next(index) { goTo(Navigation.next(questions(), session.answers, index)); }

  function previous(index) { goTo(Navigation.previous(questions(), session.answers, index)); }

  function optionInput(question, option, number, type) {
    var id = question.key + "-" + String(option.code);
    var label = local(option.label);
    var recorded = Media.recording(kiosk, session.language, question.key, option.code);
    var pictureUrl = Media.picture(option);
    var box = el("div", { "class": pictureUrl ? "option with-picture" : "option" });
    var input = el("input", { type: type, id: id, name: question.key, value: String(option.code),
      checked: Answers.chosen(session.answers[question.key], option.code),
      // Tapping an answer reads it (read-aloud on); keyboard selection in a radio group clicks too.
      onclick: function () { readParts([[box, Speech.numbered(number, label), recorded]]); },
      onchange: function () {
        var answer = type === "radio" ? option.code : Answers.toggled(session.answers[question.key], option.code, input.checked);
        session.answers = Answers.withAnswer(session.answers, question.key, answer);
        pnts.setAttribute("aria-pressed", "false");
      } });
    box.appendChild(input);
    // The number the voice reads out, shown beside the words but not part of the answer's name.
    box.appendChild(el("span", { "class": "number", "aria-hidden": "true", text: String(number) }));
    // A picture the board approved for this answer, large, inside the label: its words are its alt text.
    box.appendChild(el("label", { "for": id }, [
      pictureUrl ? el("img", { "class": "answer-picture", src: pictureUrl, alt: label }) : null,
      el("span", { "class": "answer-words", text: label, "aria-hidden": pictureUrl ? "true" : null }),
    ]));
    return { box: box, text: Speech.numbered(number, label), recording: recorded };
  }

  var pnts = null;

  function same(a, b) { return a.trim().toLowerCase() === b.trim().toLowerCase(); }

  function question(index) {
    var q = questions()[index];
    var progress = Navigation.progress(questions(), session.answers, index);
    var parts = [];
    var body = [];
    var help = local(q.help);
    var heading = el("h1", { id: "screen-title", text: local(q.text) });
    var stem = q.type === "rating" && help ? el("p", { "class": "help stem", text: help }) : null;
    if (stem) parts.push([stem, help]);
    parts.push([heading, local(q.text)]);
    var noNames = t("Please do not write names or anything that could identify you or someone else.");
    // A free-text question whose own help is the no-names hint shows it once.
    if (help && !stem && !(q.type === "text" && same(help, noNames))) {
      var helpNode = el("p", { "class": "help", text: help });
      body.push(helpNode);
      parts.push([helpNode, help]);
    }
    var hint = function (id, text) {
      var node = el("p", { "class": "hint", id: id, text: text });
      body.push(node);
      parts.push([node, text]);
    };
    var field = null;
    if (q.type === "single_choice" || q.type === "rating" || q.type === "multi_choice") {
      var multi = q.type === "multi_choice";
      if (multi) hint(null, t("Choose any that apply."));
      var options = q.options.map(function (option, i) { return optionInput(q, option, i + 1, multi ? "checkbox" : "radio"); });
      field = el("fieldset", { "class": "options" }, [el("legend", { "class": "visually-hidden", text: local(q.text) })]
        .concat(options.map(function (option) { return option.box; })));
      options.forEach(function (option) { parts.push([option.box, option.text, option.recording]); });
    } else if (q.type === "number") {
      hint("number-hint", t("Type a number from {minimum} to {maximum}.", { minimum: q.minimum, maximum: q.maximum }));
      field = el("input", { type: "number", id: "answer", inputmode: q.integer ? "numeric" : "decimal",
        min: q.minimum, max: q.maximum, step: q.integer ? "1" : "any", "aria-labelledby": "screen-title",
        "aria-describedby": "number-hint", value: Answers.numberShown(session.answers[q.key]) });
    } else if (q.type === "text") {
      hint("text-hint", noNames);
      field = el("textarea", { id: "answer", maxlength: q.max_length, rows: "4", "aria-labelledby": "screen-title",
        "aria-describedby": "text-hint" });
      var earlier = Answers.textShown(session.answers[q.key]);
      if (earlier !== null) field.value = earlier;
    }
    var problem = el("p", { "class": "error", id: "problem", role: "alert", hidden: true });
    pnts = q.type === "info" ? null : button(t("Prefer not to say"), function () {
      session.answers = Answers.withAnswer(session.answers, q.key, PNTS);
      next(index);
    }, { "class": "big pnts", "aria-pressed": session.answers[q.key] === PNTS ? "true" : "false" });
    if (pnts) parts.push([pnts, t("Prefer not to say")]);
    var secondary = q.type === "info" ? null : el("div", { "class": "secondary" }, [
      button(t("Skip"), function () {
        session.answers = Answers.withAnswer(session.answers, q.key, undefined);
        next(index);
      }, { "class": "big" }),
      pnts,
    ]);
    // A recording the board provided of this question's words (its text and help) in this language
    // plays instead of the tablet's voice for them; answers with their own recording play theirs.
    var recordedQuestion = Media.recording(kiosk, session.language, q.key) || (q.audio && q.audio[session.language]);
    if (recordedQuestion) {
      var own = [heading, stem, body.indexOf(helpNode) === -1 ? null : helpNode];
      parts = [[heading, "", recordedQuestion]].concat(parts.filter(function (part) { return own.indexOf(part[0]) === -1; }));
    }
    var readAloud = function (force) { readParts(parts, force); };
    var nextButton = button(t("Next"), function () {
      if (field && (q.type === "number" || q.type === "text")) {
        var typed = Answers.typedAnswer(q, field.value);
        if (typed.invalid) {
          problem.textContent = t("Please type a whole number from {minimum} to {maximum}, or skip this question.",
            { minimum: q.minimum, maximum: q.maximum });
          problem.hidden = false;
          field.setAttribute("aria-invalid", "true");
          field.focus();
          return;
        }
        session.answers = Answers.withAnswer(session.answers, q.key, typed.value);
      }
      next(index);
    }, { "class": "big primary" });
    var counted = progress.counted ? el("p", { "class": "progress", text: t(progress.exact
      ? "Question {current} of {total}" : "Question {current} of up to {total}",
    { current: progress.current, total: progress.total }) }) : el("span");
    show(el("section", { "class": "screen question", "aria-labelledby": "screen-title", "data-key": q.key }, [
      el("div", { "class": "topbar" }, [counted, stopButton()]),
      stem,
      heading,
      button(t(session.readAloud ? "Repeat" : "Read aloud"), function () { readAloud(true); }, { "class": "big repeat" }),
    ].concat(body, [field, problem, secondary,
      el("div", { "class": "actions bar" }, [button(t("Back"), function () { previous(index); }, { "class": "big" }), nextButton])])));
    readAloud(false);
  }

  function linkage() {
    var inputs = [];
    var fields = [
      ["linkage-0", "First letter of your mother's first name", 1],
      ["linkage-1", "Day of the month you were born (01 to 31)", 2],
      ["linkage-2", "First letter of the town where you were born", 1],
    ].map(function (spec, i) {
      var existing = session.linkage ? session.linkage[i] : "";
      var input = el("input", { id: spec[0], maxlength: spec[2], autocomplete: "off", autocapitalize: "characters",
        inputmode: spec[2] === 2 ? "numeric" : "text", value: existing || null });
      inputs.push(input);
      return el("div", { "class": "field" }, [el("label", { "for": spec[0], text: t(spec[1]) }), input]);
    });
    var typed = function () { return inputs.map(function (input) { return input.value; }); };
    var skip = function () { session.linkage = null; review(); };
    var heading = el("h1", { id: "screen-title", text: t("A code only you know (you can skip this)") });
    var why = el("p", { text: t("If you make this code each time you answer, we can see how things change over time without ever knowing who you are. Nobody can turn it back into your name.") });
    var unfinished = el("div", { "class": "unfinished", id: "unfinished", role: "alert", hidden: true });
    var parts = function () {
      return [[heading, heading.textContent], [why, why.textContent]].concat(fields.map(function (field) {
        return [field, field.querySelector("label").textContent];
      }));
    };
    show(el("section", { "class": "screen linkage", "aria-labelledby": "screen-title" }, [
      el("div", { "class": "topbar" }, [el("span"), stopButton()]),
      heading,
      repeatButton(parts),
      why,
    ].concat(fields, [unfinished,
      el("div", { "class": "secondary" }, [button(t("Skip the code"), skip, { "class": "big" })]),
      el("div", { "class": "actions bar" }, [
        button(t("Back"), function () { previous(questions().length); }, { "class": "big" }),
        button(t("Use this code"), function () {
          var state = Answers.linkageState(typed());
          if (state === "unfinished") { askToFinish(unfinished, inputs, skip); return; }
          session.linkage = state === "complete" ? Answers.linkageParts(typed()) : null;
          review();
        }, { "class": "big primary" }),
      ])])));
    readParts(parts());
  }

  /* Part of a code typed: ask whether to finish it or skip it, rather than dropping it without a word. */
  function askToFinish(box, inputs, skip) {
    var title = el("h2", { id: "unfinished-title", text: t("Your code is not finished.") });
    var text = el("p", { text: t("You can finish it, or skip it: the survey works the same without it.") });
    box.replaceChildren(title, text, el("div", { "class": "actions" }, [
      button(t("Finish the code"), function () {
        var first = inputs.filter(function (input) { return Answers.linkageParts([input.value]) === null; })[0] || inputs[0];
        box.hidden = true;
        first.focus();
      }, { "class": "big primary" }),
      button(t("Skip the code"), skip, { "class": "big" }),
    ]));
    box.setAttribute("aria-labelledby", "unfinished-title");
    box.hidden = false;
    readParts([[title, title.textContent], [text, text.textContent]]);
  }

  function review() {
    var counts = Navigation.reviewCounts(questions(), session.answers);
    var heading = el("h1", { id: "screen-title", text: t("Ready to send?") });
    var summary = el("p", { text: t("You answered {answered} of {total} questions.", { answered: counts.answered, total: counts.total }) });
    var how = answeredWithChoices();
    var parts = function () { return [[heading, heading.textContent], [summary, summary.textContent]].concat(how.parts); };
    show(el("section", { "class": "screen review", "aria-labelledby": "screen-title" }, [
      el("div", { "class": "topbar" }, [el("span"), stopButton()]),
      heading,
      repeatButton(parts),
      summary,
      how.node,
      el("div", { "class": "actions bar" }, [
        button(t("Back"), linkage, { "class": "big" }),
        button(t("Send my answers"), send, { "class": "big primary", id: "send" }),
      ]),
    ]));
    readParts(parts());
  }

  /* "How did you answer?": three buttons, one tap chooses (tapping it again takes it back), skippable by
     sending without a choice. The choice stays if the participant goes back and returns. */
  function answeredWithChoices() {
    var title = el("h2", { id: "answered-with-title", text: t("How did you answer? (you can skip this)") });
    var why = el("p", { "class": "hint", id: "answered-with-why", text: t("This tells us how the survey works for people. We never ask who helped.") });
    var buttons = AnsweredWith.CHOICES.map(function (choice) {
      var node = button(t(choice.label), function () {
        session.answeredWith = AnsweredWith.tapped(session.answeredWith || null, choice.code);
        buttons.forEach(function (other, i) {
          other.setAttribute("aria-pressed", AnsweredWith.CHOICES[i].code === session.answeredWith ? "true" : "false");
        });
        readParts([[node, node.textContent]]);
      }, { "class": "big answered-with", "data-code": choice.code,
        "aria-pressed": session.answeredWith === choice.code ? "true" : "false" });
      return node;
    });
    var node = el("div", { "class": "answered-with-box", role: "group", "aria-labelledby": "answered-with-title",
      "aria-describedby": "answered-with-why" }, [title, why, el("div", { "class": "choices" }, buttons)]);
    var parts = [[title, title.textContent], [why, why.textContent]].concat(buttons.map(function (b) { return [b, b.textContent]; }));
    return { node: node, parts: parts };
  }

  function send() {
    if (PREVIEW) {
      show(el("section", { "class": "screen", "aria-labelledby": "screen-title" }, [
        el("h1", { id: "screen-title", text: t("Preview: nothing was sent.") }),
        button(t("Start the preview again"), reset, { "class": "big primary" }),
      ]));
      return;
    }
    outbox.add(AnsweredWith.withAnsweredWith(Answers.submission(window.crypto.randomUUID(), kiosk.survey_version,
      session.language, Navigation.shownAnswers(questions(), session.answers, questions().length), session.linkage),
    session.answeredWith));
    var language = session.language;
    var readAloud = session.readAloud;
    stopIdle();
    thanks(language, readAloud);
    flush().then(function (sent) {
      var status = document.querySelector(".thanks .status");
      if (status && sent) status.textContent = tIn(language, "Your answers were sent.");
    });
  }

  /* The thank-you stays until someone touches it (the resources are there to read); after a touch, a
     minute without one starts over. Only the language and the read-aloud switch are kept for it. */
  function thanks(language, readAloud) {
    session = { language: language, readAloud: readAloud, answers: {} };
    phase = "thanks";
    var resourcesText = (kiosk.resources_by_language && kiosk.resources_by_language[language]) || kiosk.resources;
    var heading = el("h1", { id: "screen-title", text: t("Thank you") });
    var status = el("p", { "class": "status", role: "status",
      text: t("Your answers are saved on this tablet and will be sent when the connection comes back.") });
    var resources = resourcesText ? [el("h2", { text: t("Here for you") }), el("p", { "class": "resources", text: resourcesText })] : [];
    var parts = function () {
      return [[heading, heading.textContent], [status, status.textContent]].concat(resources.map(function (node) {
        return [node, node.textContent];
      }));
    };
    show(el("section", { "class": "screen thanks", "aria-labelledby": "screen-title" }, [
      heading, status, repeatButton(parts),
    ].concat(resources, [el("div", { "class": "actions" }, [reportBack(language),
      button(t("Start over now"), reset, { "class": "big primary" })])])));
    readParts(parts());
  }

  /* The board's released report-back, offered after the thank-you (kiosk_report_back.js, docs/kiosk.md). */
  function reportBack(language) {
    if (!window.KioskReportBack || !kiosk.report_back) return null;
    return window.KioskReportBack.button(kiosk.report_back, language, { el: el, button: button, show: show,
      readParts: readParts, reset: reset, repeatLabel: function () { return t(session.readAloud ? "Repeat" : "Read aloud"); } });
  }

  // ---- start -------------------------------------------------------------------------------------

  function failed(message) {
    show(el("section", { "class": "screen" }, [el("h1", { text: "Survey unavailable · Encuesta no disponible" }),
      el("p", { text: message })]));
  }

  // A page brought back from the back-forward cache could hold someone's answers: start afresh.
  window.addEventListener("pageshow", function (event) { if (event.persisted) reset(); });
  var exitForm = document.querySelector(".staff-exit form");
  if (exitForm) exitForm.addEventListener("submit", function () { session = null; root.replaceChildren(); });
  if (!PREVIEW) {
    window.KioskOutbox.keepSending(outbox, window);
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/kiosk-sw.js", { scope: "/kiosk" }).catch(function () {});
  }
  // The browser loads its voices in the background; asking once starts it, so the welcome knows them.
  if (synth) synth.getVoices();

  function previewAt(language, key) {
    begin(language, false);
    var index = Navigation.indexOfKey(questions(), key);
    if (index === -1) { phase = null; session = null; welcome(); return; }
    session.position = index;
    question(index);
  }

  // The contact carries how many completed responses wait in the outbox (a count only: docs/admin.md).
  fetch(PREVIEW || "/api/kiosk/survey?outbox=" + outbox.items().length, { credentials: "same-origin" }).then(function (response) {
    if (response.status === 401 && !PREVIEW) { window.location.replace("/kiosk/enroll"); return null; }
    // Staff paused the tablet (perhaps from another tab): /kiosk now shows the paused screen.
    if (response.status === 423 && !PREVIEW) { window.location.replace("/kiosk"); return null; }
    if (!response.ok) throw new Error("The survey could not be loaded (" + response.status + ").");
    return response.json();
  }).then(function (loaded) {
    if (!loaded) return;
    kiosk = loaded;
    if (PREVIEW) { previewAt(root.dataset.language, root.dataset.question); return; }
    welcome();
    flush();
  }).catch(function (error) { failed(error.message); });
})();
