/* The kiosk: one survey session at a time on a shared tablet.
   The whole survey loads at the start; answers live only in this page's memory; a completed response
   goes to an outbox in localStorage (that response alone) until the server acknowledges it; a reset
   replaces the page and its history entry, so nothing of the last person is left to go back to. */
(function () {
  "use strict";

  var OUTBOX_KEY = "survey-outbox";
  var IDLE_MS = 90 * 1000;
  var COUNTDOWN_S = 30;
  var THANKS_S = 20;
  var PNTS = window.SkipLogic.PREFER_NOT_TO_SAY;

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

  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

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

  function outbox() {
    try { return JSON.parse(window.localStorage.getItem(OUTBOX_KEY) || "[]"); } catch (e) { return []; }
  }

  function saveOutbox(items) {
    if (items.length) window.localStorage.setItem(OUTBOX_KEY, JSON.stringify(items));
    else window.localStorage.removeItem(OUTBOX_KEY);
  }

  function post(item) {
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, 15000);
    return fetch("/api/kiosk/responses", {
      method: "POST", credentials: "same-origin", cache: "no-store", signal: controller.signal,
      headers: { "Content-Type": "application/json", "X-Kiosk-Request": "1" },
      body: JSON.stringify(item),
    }).then(function (response) {
      // A refusal that can never succeed is dropped, or it would sit on the tablet for ever; 401 (tablet
      // turned off), 429 and server errors are kept for later.
      if ([400, 409, 422].indexOf(response.status) !== -1) return true;
      if (!response.ok) return false;
      // Stored now or before, by our server: its answer names this response (a captive portal's does not).
      return response.json().then(function (body) { return body.id === item.id; }, function () { return false; });
    }, function () { return false; }).finally(function () { window.clearTimeout(timer); });
  }

  var flushing = null;
  function flush() {
    if (flushing) return flushing;
    var pending = outbox();
    flushing = pending.reduce(function (chain, item) {
      return chain.then(function (sent) {
        return post(item).then(function (done) {
          if (done) saveOutbox(outbox().filter(function (other) { return other.id !== item.id; }));
          return sent && done;
        });
      });
    }, Promise.resolve(true)).then(function (all) { flushing = null; return all; });
    return flushing;
  }

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
        button(t("Start"), function () { goTo(0, 1); }, { "class": "big primary" }),
      ]),
    ]));
    speak(t("Before you start") + ". " + lines.map(function (li) { return li.textContent; }).join(" "));
  }

  function questions() { return kiosk.definition.questions; }

  function visible(index) {
    var question = questions()[index];
    if (!question.show_if) return true;
    return window.SkipLogic.evaluate(question.show_if, shownAnswers(index));
  }

  function shownAnswers(upTo) {
    // Answers of the questions before `upTo` that are shown, in order (hidden answers never count).
    var given = {};
    questions().slice(0, upTo).forEach(function (question, index) {
      if (has(session.answers, question.key) && (!question.show_if || window.SkipLogic.evaluate(question.show_if, given))) {
        given[question.key] = session.answers[question.key];
      }
    });
    return given;
  }

  function visibleIndexes() {
    return questions().map(function (_, index) { return index; }).filter(visible);
  }

  function goTo(start, step) {
    var index = start;
    while (index >= 0 && index < questions().length && !visible(index)) index += step;
    if (index < 0) { consent(); return; }
    if (index >= questions().length) { linkage(); return; }
    session.position = index;
    question(index);
  }

  function optionInput(question, option, type, name) {
    var id = question.key + "-" + String(option.code);
    var chosen = session.answers[question.key];
    var checked = Array.isArray(chosen) ? chosen.indexOf(option.code) !== -1 : chosen === option.code;
    var input = el("input", { type: type, id: id, name: name, value: String(option.code), checked: checked,
      onfocus: function () { speak(local(option.label)); },
      onchange: function () {
        if (type === "radio") session.answers[question.key] = option.code;
        else {
          var list = Array.isArray(session.answers[question.key]) ? session.answers[question.key].slice() : [];
          if (input.checked) list.push(option.code); else list = list.filter(function (c) { return c !== option.code; });
          if (list.length) session.answers[question.key] = list; else delete session.answers[question.key];
        }
        pnts.setAttribute("aria-pressed", "false");
      } });
    return el("div", { "class": "option" }, [input, el("label", { "for": id, text: local(option.label) })]);
  }

  var pnts = null;

  function question(index) {
    var q = questions()[index];
    var shown = visibleIndexes();
    var number = shown.indexOf(index) + 1;
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
      var current = session.answers[q.key];
      field = el("input", { type: "number", id: "answer", inputmode: q.integer ? "numeric" : "decimal",
        min: q.minimum, max: q.maximum, step: q.integer ? "1" : "any", "aria-labelledby": "screen-title",
        "aria-describedby": "number-hint", value: typeof current === "number" ? String(current) : null });
      body.push(el("p", { "class": "hint", id: "number-hint",
        text: t("Type a number from {minimum} to {maximum}.", { minimum: q.minimum, maximum: q.maximum }) }));
    } else if (q.type === "text") {
      field = el("textarea", { id: "answer", maxlength: q.max_length, rows: "4", "aria-labelledby": "screen-title",
        "aria-describedby": "text-hint" });
      if (typeof session.answers[q.key] === "string" && session.answers[q.key] !== PNTS) field.value = session.answers[q.key];
      body.push(el("p", { "class": "hint", id: "text-hint",
        text: t("Please do not write names or anything that could identify you or someone else.") }));
    }
    var problem = el("p", { "class": "error", id: "problem", role: "alert", hidden: true });
    pnts = q.type === "info" ? null : button(t("Prefer not to say"), function () {
      session.answers[q.key] = PNTS;
      goTo(index + 1, 1);
    }, { "class": "big pnts", "aria-pressed": session.answers[q.key] === PNTS ? "true" : "false" });
    var actions = [
      button(t("Back"), function () { goTo(index - 1, -1); }, { "class": "big" }),
      q.type === "info" ? null : button(t("Skip"), function () { delete session.answers[q.key]; goTo(index + 1, 1); },
        { "class": "big" }),
      pnts,
      button(t("Next"), function () {
        if (field && (q.type === "number" || q.type === "text")) {
          var raw = field.value.trim();
          if (raw === "") delete session.answers[q.key];
          else if (q.type === "text") session.answers[q.key] = raw;
          else {
            var value = Number(raw);
            var bad = !isFinite(value) || (q.integer && !Number.isInteger(value)) ||
              (q.minimum !== null && value < q.minimum) || (q.maximum !== null && value > q.maximum);
            if (bad) {
              problem.textContent = t("Please type a whole number from {minimum} to {maximum}, or skip this question.",
                { minimum: q.minimum, maximum: q.maximum });
              problem.hidden = false;
              field.setAttribute("aria-invalid", "true");
              field.focus();
              return;
            }
            session.answers[q.key] = value;
          }
        }
        goTo(index + 1, 1);
      }, { "class": "big primary" }),
    ];
    show(el("section", { "class": "screen question", "aria-labelledby": "screen-title", "data-key": q.key }, [
      el("p", { "class": "progress", text: t("Question {current} of {total}", { current: number, total: shown.length }) }),
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
      button(t("Back"), function () { goTo(questions().length - 1, -1); }, { "class": "big" }),
      button(t("Skip the code"), function () { session.linkage = null; review(); }, { "class": "big" }),
      button(t("Use this code"), function () {
        var parts = [0, 1, 2].map(function (i) { return document.getElementById("linkage-" + i).value.trim().toUpperCase(); });
        session.linkage = parts.every(function (part) { return /^[\p{L}\p{N}]+$/u.test(part); }) ? parts : null;
        review();
      }, { "class": "big primary" }),
    ])])));
  }

  function review() {
    var shown = visibleIndexes();
    var given = shownAnswers(questions().length);
    var answered = shown.filter(function (index) { return has(given, questions()[index].key); });
    var askable = shown.filter(function (index) { return questions()[index].type !== "info"; });
    show(el("section", { "class": "screen review", "aria-labelledby": "screen-title" }, [
      el("h1", { id: "screen-title", text: t("Ready to send?") }),
      el("p", { text: t("You answered {answered} of {total} questions.", { answered: answered.length, total: askable.length }) }),
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
    var item = {
      id: window.crypto.randomUUID(),
      survey_version: kiosk.survey_version,
      language: session.language,
      answers: shownAnswers(questions().length),
      linkage: session.linkage ? { parts: session.linkage } : null,
    };
    if (!item.linkage) delete item.linkage;
    saveOutbox(outbox().concat([item]));
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
    window.addEventListener("online", flush);
    window.setInterval(flush, 60 * 1000);
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/kiosk-sw.js", { scope: "/kiosk" }).catch(function () {});
  }

  function previewAt(language, key) {
    begin(language, false);
    var index = questions().map(function (q) { return q.key; }).indexOf(key);
    if (index === -1) { welcome(); return; }
    session.position = index;
    question(index);
  }

  fetch(PREVIEW || "/api/kiosk/survey", { credentials: "same-origin" }).then(function (response) {
    if (response.status === 401 && !PREVIEW) { window.location.replace("/kiosk/enroll"); return null; }
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
