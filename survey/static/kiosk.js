/* The kiosk: one survey session at a time on a shared tablet.
   The whole survey loads at the start; answers live only in this page's memory; a completed response
   goes to an outbox in localStorage (that response alone) until the server acknowledges it; a reset
   replaces the page and its history entry, so nothing of the last person is left to go back to.
   This file wires the DOM to kiosk_answers.js, kiosk_navigation.js and kiosk_outbox.js (loaded before
   it, after skip_logic.js), which hold the logic and are tested in Node. */
(function () {
  "use strict";

  var IDLE_MS = 90 * 1000;
  var COUNTDOWN_S = 30;
  var THANKS_S = 20;
  var PNTS = window.SkipLogic.PREFER_NOT_TO_SAY;
  var Answers = window.KioskAnswers;
  var Navigation = window.KioskNavigation;

  var root = document.getElementById("kiosk");
  // The board's preview runs this same code on a proposal's survey: nothing is kept, sent or timed out.
  var PREVIEW = root.dataset.preview || null;
  var kiosk = null;     // the survey JSON from /api/kiosk/survey
  var session = null;   // {language, readAloud, answers, position}
  var idleTimer = null;
  var countdownTimer = null;

  // ---- small helpers ---------------------------------------------------------------------------

  function t(key, vars) {
    var strings = (kiosk && session && kiosk.ui[session.language]) || {};
    var text = strings[key] || key;
    Object.keys(vars || {}).forEach(function (name) { text = text.split("{" + name + "}").join(vars[name]); });
    return text;
  }

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

  function speak(text, force) {
    if (!(force || (session && session.readAloud)) || !window.speechSynthesis || !text) return;
    window.speechSynthesis.cancel();
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = session.language;
    window.speechSynthesis.speak(utterance);
  }

  function readQuestion(question, force) {
    var audio = question.audio && question.audio[session.language];
    if (audio) { new Audio(audio).play().catch(function () {}); return; }
    // An instrument's stem ("Over the last two weeks") comes before its item, as on the screen.
    var parts = question.type === "rating" ? [local(question.help), local(question.text)] : [local(question.text), local(question.help)];
    (question.options || []).forEach(function (option) { parts.push(local(option.label)); });
    speak(parts.filter(Boolean).join(". "), force);
  }

  function show(screen) {
    root.replaceChildren(screen);
    var heading = screen.querySelector("h1");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }

  function button(label, onclick, extra) {
    return el("button", Object.assign({ type: "button", text: label, onclick: onclick }, extra || {}));
  }

  // ---- the outbox ------------------------------------------------------------------------------

  var outbox = window.KioskOutbox.inBrowser(window);
  var flush = outbox.flush;

  // ---- idle reset --------------------------------------------------------------------------------

  function reset() {
    // Replace the page and its history entry: Back can never return to this session.
    window.location.replace(PREVIEW ? window.location.href : "/kiosk");
  }

  function stopIdle() {
    window.clearTimeout(idleTimer);
    window.clearInterval(countdownTimer);
    document.getElementById("idle").hidden = true;
  }

  function touched() {
    if (!session || PREVIEW) return;
    stopIdle();
    idleTimer = window.setTimeout(stillThere, IDLE_MS);
  }

  function stillThere() {
    var overlay = document.getElementById("idle");
    var seconds = COUNTDOWN_S;
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
      if (seconds <= 0) { session = null; reset(); }
    }, 1000);
  }

  if (!PREVIEW) ["pointerdown", "keydown", "input"].forEach(function (kind) {
    document.addEventListener(kind, function (event) {
      if (document.getElementById("idle").hidden || event.target.id === "idle-continue") touched();
    }, true);
  });

  // ---- screens -----------------------------------------------------------------------------------

  function welcome() {
    var choices = kiosk.languages.map(function (language) {
      return button(language.name, function () { begin(language.code, toggle.checked); },
        { lang: language.code, dir: language.direction, "class": "big language" });
    });
    var toggle = el("input", { type: "checkbox", id: "read-aloud" });
    var first = kiosk.languages[0].code;
    var ui = kiosk.ui[first];
    show(el("section", { "class": "screen welcome", "aria-labelledby": "screen-title" }, [
      el("h1", { id: "screen-title", text: kiosk.languages.map(function (l) { return kiosk.ui[l.code].Welcome; }).join(" · ") }),
      el("p", { "class": "site-name", text: kiosk.site }),
      el("div", { "class": "choices", role: "group", "aria-label": ui["Choose your language"] }, choices),
      el("p", { "class": "switch" }, [toggle, el("label", { "for": "read-aloud", text: ui["Read questions aloud"] })]),
    ]));
  }

  function begin(language, readAloud) {
    session = { language: language, readAloud: readAloud, answers: {}, position: -1, linkage: null };
    var described = kiosk.languages.filter(function (l) { return l.code === language; })[0];
    document.documentElement.lang = language;
    document.documentElement.dir = described ? described.direction : "ltr";
    touched();
    consent();
  }

  function consent() {
    var lines = [
      "This survey is anonymous: we do not ask your name, and nothing you answer can be traced back to you.",
      "You can skip any question, or choose “Prefer not to say”.",
      "Your answers change nothing about the services you get here.",
      "It takes about 5 minutes. You can stop at any time.",
    ].map(function (line) { return el("li", { text: t(line) }); });
    show(el("section", { "class": "screen consent", "aria-labelledby": "screen-title" }, [
      el("h1", { id: "screen-title", text: t("Before you start") }),
      el("ul", { "class": "consent-points" }, lines),
      el("div", { "class": "actions" }, [
        button(t("Not now"), reset, { "class": "big" }),
        button(t("Start"), function () { next(-1); }, { "class": "big primary" }),
      ]),
    ]));
    speak(t("Before you start") + ". " + lines.map(function (li) { return li.textContent; }).join(" "));
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

  function optionInput(question, option, type, name) {
    var id = question.key + "-" + String(option.code);
    var checked = Answers.chosen(session.answers[question.key], option.code);
    var input = el("input", { type: type, id: id, name: name, value: String(option.code), checked: checked,
      onfocus: function () { speak(local(option.label)); },
      onchange: function () {
        var answer = type === "radio" ? option.code : Answers.toggled(session.answers[question.key], option.code, input.checked);
        session.answers = Answers.withAnswer(session.answers, question.key, answer);
        pnts.setAttribute("aria-pressed", "false");
      } });
    return el("div", { "class": "option" }, [input, el("label", { "for": id, text: local(option.label) })]);
  }

  var pnts = null;

  function question(index) {
    var q = questions()[index];
    var progress = Navigation.progress(questions(), session.answers, index);
    var body = [];
    var help = local(q.help);
    var stem = q.type === "rating" && help ? el("p", { "class": "help stem", text: help }) : null;
    if (help && !stem) body.push(el("p", { "class": "help", text: help }));
    var field = null;
    if (q.type === "single_choice" || q.type === "rating" || q.type === "multi_choice") {
      var multi = q.type === "multi_choice";
      if (multi) body.push(el("p", { "class": "hint", text: t("Choose any that apply.") }));
      field = el("fieldset", { "class": "options" }, [el("legend", { "class": "visually-hidden", text: local(q.text) })]
        .concat(q.options.map(function (option) { return optionInput(q, option, multi ? "checkbox" : "radio", q.key); })));
    } else if (q.type === "number") {
      field = el("input", { type: "number", id: "answer", inputmode: q.integer ? "numeric" : "decimal",
        min: q.minimum, max: q.maximum, step: q.integer ? "1" : "any", "aria-labelledby": "screen-title",
        "aria-describedby": "number-hint", value: Answers.numberShown(session.answers[q.key]) });
      body.push(el("p", { "class": "hint", id: "number-hint",
        text: t("Type a number from {minimum} to {maximum}.", { minimum: q.minimum, maximum: q.maximum }) }));
    } else if (q.type === "text") {
      field = el("textarea", { id: "answer", maxlength: q.max_length, rows: "4", "aria-labelledby": "screen-title",
        "aria-describedby": "text-hint" });
      var earlier = Answers.textShown(session.answers[q.key]);
      if (earlier !== null) field.value = earlier;
      body.push(el("p", { "class": "hint", id: "text-hint",
        text: t("Please do not write names or anything that could identify you or someone else.") }));
    }
    var problem = el("p", { "class": "error", id: "problem", role: "alert", hidden: true });
    pnts = q.type === "info" ? null : button(t("Prefer not to say"), function () {
      session.answers = Answers.withAnswer(session.answers, q.key, PNTS);
      next(index);
    }, { "class": "big pnts", "aria-pressed": session.answers[q.key] === PNTS ? "true" : "false" });
    var actions = [
      button(t("Back"), function () { previous(index); }, { "class": "big" }),
      q.type === "info" ? null : button(t("Skip"), function () {
        session.answers = Answers.withAnswer(session.answers, q.key, undefined);
        next(index);
      }, { "class": "big" }),
      pnts,
      button(t("Next"), function () {
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
      }, { "class": "big primary" }),
    ];
    show(el("section", { "class": "screen question", "aria-labelledby": "screen-title", "data-key": q.key }, [
      el("p", { "class": "progress", text: t("Question {current} of {total}", { current: progress.current, total: progress.total }) }),
      stem,
      el("h1", { id: "screen-title", text: local(q.text) }),
      button(t("Read aloud"), function () { readQuestion(q, true); }, { "class": "read-aloud" }),
    ].concat(body, [field, problem, el("div", { "class": "actions" }, actions)])));
    if (session.readAloud) readQuestion(q, false);
  }

  function linkage() {
    var fields = [
      ["linkage-0", "First letter of your mother's first name", 1],
      ["linkage-1", "Day of the month you were born (01 to 31)", 2],
      ["linkage-2", "First letter of the town where you were born", 1],
    ].map(function (spec, i) {
      var existing = session.linkage ? session.linkage[i] : "";
      return el("div", { "class": "field" }, [
        el("label", { "for": spec[0], text: t(spec[1]) }),
        el("input", { id: spec[0], maxlength: spec[2], autocomplete: "off", autocapitalize: "characters",
          inputmode: spec[2] === 2 ? "numeric" : "text", value: existing || null }),
      ]);
    });
    show(el("section", { "class": "screen linkage", "aria-labelledby": "screen-title" }, [
      el("h1", { id: "screen-title", text: t("A code only you know (you can skip this)") }),
      el("p", { text: t("If you make this code each time you answer, we can see how things change over time without ever knowing who you are. Nobody can turn it back into your name.") }),
    ].concat(fields, [el("div", { "class": "actions" }, [
      button(t("Back"), function () { previous(questions().length); }, { "class": "big" }),
      button(t("Skip the code"), function () { session.linkage = null; review(); }, { "class": "big" }),
      button(t("Use this code"), function () {
        session.linkage = Answers.linkageParts([0, 1, 2].map(function (i) { return document.getElementById("linkage-" + i).value; }));
        review();
      }, { "class": "big primary" }),
    ])])));
  }

  function review() {
    var counts = Navigation.reviewCounts(questions(), session.answers);
    show(el("section", { "class": "screen review", "aria-labelledby": "screen-title" }, [
      el("h1", { id: "screen-title", text: t("Ready to send?") }),
      el("p", { text: t("You answered {answered} of {total} questions.", { answered: counts.answered, total: counts.total }) }),
      el("div", { "class": "actions" }, [
        button(t("Back"), linkage, { "class": "big" }),
        button(t("Send my answers"), send, { "class": "big primary", id: "send" }),
      ]),
    ]));
  }

  function send() {
    if (PREVIEW) {
      show(el("section", { "class": "screen", "aria-labelledby": "screen-title" }, [
        el("h1", { id: "screen-title", text: "Preview: nothing was sent." }),
        button("Start the preview again", reset, { "class": "big primary" }),
      ]));
      return;
    }
    outbox.add(Answers.submission(window.crypto.randomUUID(), kiosk.survey_version, session.language,
      Navigation.shownAnswers(questions(), session.answers, questions().length), session.linkage));
    var language = session.language;
    session = null;
    stopIdle();
    thanks(language);
    flush().then(function (sent) {
      var status = document.querySelector(".thanks .status");
      if (status && sent) status.textContent = (kiosk.ui[language] || {})["Your answers were sent."];
    });
  }

  function thanks(language) {
    session = { language: language, readAloud: false, answers: {} };
    var seconds = THANKS_S;
    var countdown = el("p", { "class": "countdown", text: t("Starting over in {seconds} seconds.", { seconds: seconds }) });
    var resources = kiosk.resources ? [el("h2", { text: t("Here for you") }), el("p", { "class": "resources", text: kiosk.resources })] : [];
    show(el("section", { "class": "screen thanks", "aria-labelledby": "screen-title" }, [
      el("h1", { id: "screen-title", text: t("Thank you") }),
      el("p", { "class": "status", role: "status",
        text: t("Your answers are saved on this tablet and will be sent when the connection comes back.") }),
    ].concat(resources, [countdown, button(t("Start over now"), reset, { "class": "big primary" })])));
    session = null;
    window.setInterval(function () {
      seconds -= 1;
      countdown.textContent = (kiosk.ui[language] || {})["Starting over in {seconds} seconds."].split("{seconds}").join(seconds);
      if (seconds <= 0) reset();
    }, 1000);
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

  function previewAt(language, key) {
    begin(language, false);
    var index = Navigation.indexOfKey(questions(), key);
    if (index === -1) { welcome(); return; }
    session.position = index;
    question(index);
  }

  fetch(PREVIEW || "/api/kiosk/survey", { credentials: "same-origin" }).then(function (response) {
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
