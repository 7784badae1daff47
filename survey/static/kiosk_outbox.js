/* The kiosk's outbox: completed responses wait on the tablet until our server acknowledges them.
   Storage (localStorage's getItem/setItem/removeItem) and fetch are passed in, so Node's test runner can
   drive it with fakes. Works as a browser script (window.KioskOutbox) and in Node. */
(function (root) {
  "use strict";
  var KEY = "survey-outbox";
  var ENDPOINT = "/api/kiosk/responses";
  var TIMEOUT_MS = 15000;
  var RETRY_MS = 60 * 1000;
  // A refusal that can never succeed is dropped, or it would sit on the tablet for ever; 401 (tablet
  // turned off), 429 and server errors are kept for later.
  var NEVER_ACCEPTED = [400, 409, 422];

  /* An outbox over `options.storage` and `options.fetch`; `options.setTimeout`/`clearTimeout` default to
     the global timers. Returns {items, add, post, flush}. */
  function create(options) {
    var storage = options.storage;
    var send = options.fetch;
    var setTimer = options.setTimeout || function (callback, ms) { return setTimeout(callback, ms); };
    var clearTimer = options.clearTimeout || function (timer) { clearTimeout(timer); };
    var flushing = null;

    function items() {
      try { return JSON.parse(storage.getItem(KEY) || "[]"); } catch (e) { return []; }
    }

    function save(list) {
      if (list.length) storage.setItem(KEY, JSON.stringify(list));
      else storage.removeItem(KEY);
    }

    function add(item) {
      // Each response has its own random UUID; the same one twice is one response.
      var list = items();
      if (list.some(function (other) { return other.id === item.id; })) return;
      save(list.concat([item]));
    }

    function post(item) {
      var controller = new AbortController();
      var timer = setTimer(function () { controller.abort(); }, TIMEOUT_MS);
      return send(ENDPOINT, {
        method: "POST", credentials: "same-origin", cache: "no-store", signal: controller.signal,
        headers: { "Content-Type": "application/json", "X-Kiosk-Request": "1" },
        body: JSON.stringify(item),
      }).then(function (response) {
        if (NEVER_ACCEPTED.indexOf(response.status) !== -1) return true;
        if (!response.ok) return false;
        // Stored now or before, by our server: its answer names this response (a captive portal's does not).
        return response.json().then(function (body) { return body.id === item.id; }, function () { return false; });
      }, function () { return false; }).finally(function () { clearTimer(timer); });
    }

    function flush() {
      // One pass at a time, in order; each response leaves the outbox as soon as it is acknowledged.
      if (flushing) return flushing;
      flushing = items().reduce(function (chain, item) {
        return chain.then(function (sent) {
          return post(item).then(function (done) {
            if (done) save(items().filter(function (other) { return other.id !== item.id; }));
            return sent && done;
          });
        });
      }, Promise.resolve(true)).then(function (all) { flushing = null; return all; });
      return flushing;
    }

    return { items: items, add: add, post: post, flush: flush };
  }

  /* The outbox of a page: over `win`'s localStorage, fetch and timers, each looked up at its use. */
  function inBrowser(win) {
    return create({
      storage: {
        getItem: function (key) { return win.localStorage.getItem(key); },
        setItem: function (key, value) { win.localStorage.setItem(key, value); },
        removeItem: function (key) { win.localStorage.removeItem(key); },
      },
      fetch: function (url, init) { return win.fetch(url, init); },
      setTimeout: function (callback, ms) { return win.setTimeout(callback, ms); },
      clearTimeout: function (timer) { win.clearTimeout(timer); },
    });
  }

  /* Send what waits whenever the browser says it is back online, and every minute: the survey page and
     the paused screen both do, so a response completed before staff paused the tablet is never stuck. */
  function keepSending(outbox, win) {
    win.addEventListener("online", function () { outbox.flush(); });
    win.setInterval(function () { outbox.flush(); }, RETRY_MS);
  }

  var api = {
    create: create, inBrowser: inBrowser, keepSending: keepSending,
    KEY: KEY, ENDPOINT: ENDPOINT, TIMEOUT_MS: TIMEOUT_MS, RETRY_MS: RETRY_MS,
  };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.KioskOutbox = api;
  }
})(this);
