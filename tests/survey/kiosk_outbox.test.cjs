// The kiosk's outbox against a fake localStorage and a fake fetch (the browser's APIs, not our stack).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const KioskOutbox = require(path.join(__dirname, "..", "..", "survey", "static", "kiosk_outbox.js"));

function fakeStorage() {
  const values = new Map();
  return {
    values,
    getItem: (key) => (values.has(key) ? values.get(key) : null),
    setItem: (key, value) => { values.set(key, String(value)); },
    removeItem: (key) => { values.delete(key); },
  };
}

function reply(status, body) {
  return {
    status,
    ok: status >= 200 && status < 300,
    json: () => (body === undefined ? Promise.reject(new SyntaxError("not JSON")) : Promise.resolve(body)),
  };
}

// A fake fetch: `answer(request)` gives a reply, or throws for a network failure; every request is kept.
function fakeFetch(answer) {
  const requests = [];
  const send = (url, init) => {
    const request = { url, init, item: JSON.parse(init.body) };
    requests.push(request);
    try {
      return Promise.resolve(answer(request));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  send.requests = requests;
  return send;
}

const stored = (request) => reply(201, { id: request.item.id, status: "stored" });
const offline = () => { throw new TypeError("Failed to fetch"); };

function response(id) {
  return { id, survey_version: 1, language: "en", answers: { who5_1: 5 } };
}

function outboxWith(answer) {
  const storage = fakeStorage();
  const fetch = fakeFetch(answer);
  return { storage, fetch, outbox: KioskOutbox.create({ storage, fetch }) };
}

test("a completed response is kept in the tablet's storage under survey-outbox", () => {
  const { storage, outbox } = outboxWith(stored);
  outbox.add(response("a"));
  assert.deepEqual(JSON.parse(storage.getItem("survey-outbox")), [response("a")]);
});

test("the same response added twice is stored once", () => {
  const { outbox } = outboxWith(stored);
  outbox.add(response("a"));
  outbox.add(response("a"));
  outbox.add(response("b"));
  assert.deepEqual(outbox.items().map((item) => item.id), ["a", "b"]);
});

test("a response is sent as JSON with its id to the kiosk API", async () => {
  const { fetch, outbox } = outboxWith(stored);
  outbox.add(response("a"));
  await outbox.flush();
  const [request] = fetch.requests;
  assert.equal(request.url, "/api/kiosk/responses");
  assert.equal(request.init.method, "POST");
  assert.equal(request.init.credentials, "same-origin");
  assert.equal(request.init.cache, "no-store");
  assert.deepEqual(request.init.headers, { "Content-Type": "application/json", "X-Kiosk-Request": "1" });
  assert.equal(request.init.body, JSON.stringify(response("a")));
});

test("a response leaves the outbox on 201 naming it", async () => {
  const { storage, outbox } = outboxWith(stored);
  outbox.add(response("a"));
  assert.equal(await outbox.flush(), true);
  assert.equal(storage.getItem("survey-outbox"), null);
});

test("a response leaves the outbox on 200 (already stored) naming it", async () => {
  const { outbox } = outboxWith((request) => reply(200, { id: request.item.id, status: "already stored" }));
  outbox.add(response("a"));
  assert.equal(await outbox.flush(), true);
  assert.deepEqual(outbox.items(), []);
});

test("a 200 that names another response, or is not JSON, is not an acknowledgement", async () => {
  for (const answer of [() => reply(200, { id: "other" }), () => reply(200, undefined)]) {
    const { outbox } = outboxWith(answer);
    outbox.add(response("a"));
    assert.equal(await outbox.flush(), false);
    assert.deepEqual(outbox.items().map((item) => item.id), ["a"]);
  }
});

test("a response stays in the outbox when the network is away", async () => {
  const { outbox } = outboxWith(offline);
  outbox.add(response("a"));
  assert.equal(await outbox.flush(), false);
  assert.deepEqual(outbox.items(), [response("a")]);
});

test("a response stays in the outbox on 500, 503, 401 and 429", async () => {
  for (const status of [500, 503, 401, 429]) {
    const { outbox } = outboxWith(() => reply(status, { detail: "later" }));
    outbox.add(response("a"));
    assert.equal(await outbox.flush(), false, String(status));
    assert.deepEqual(outbox.items().map((item) => item.id), ["a"], String(status));
  }
});

test("a refusal that can never succeed (400, 409, 422) drops the response", async () => {
  for (const status of [400, 409, 422]) {
    const { outbox } = outboxWith(() => reply(status, { detail: "refused" }));
    outbox.add(response("a"));
    assert.equal(await outbox.flush(), true, String(status));
    assert.deepEqual(outbox.items(), [], String(status));
  }
});

test("a response kept while offline is sent again after the network returns, then leaves", async () => {
  let online = false;
  const { fetch, outbox } = outboxWith((request) => (online ? stored(request) : offline()));
  outbox.add(response("a"));
  assert.equal(await outbox.flush(), false);
  online = true; // the browser's "online" event calls flush
  assert.equal(await outbox.flush(), true);
  assert.deepEqual(fetch.requests.map((request) => request.item.id), ["a", "a"]);
  assert.deepEqual(outbox.items(), []);
  await outbox.flush();
  assert.equal(fetch.requests.length, 2, "nothing is sent once the outbox is empty");
});

test("a response survives a reload: a new outbox over the same storage sends it", async () => {
  const storage = fakeStorage();
  KioskOutbox.create({ storage, fetch: fakeFetch(offline) }).add(response("a"));
  const fetch = fakeFetch(stored);
  assert.equal(await KioskOutbox.create({ storage, fetch }).flush(), true);
  assert.deepEqual(fetch.requests.map((request) => request.item.id), ["a"]);
  assert.equal(storage.getItem("survey-outbox"), null);
});

test("only the acknowledged responses leave; the others stay in order", async () => {
  const { outbox } = outboxWith((request) => (request.item.id === "b" ? reply(500, {}) : stored(request)));
  ["a", "b", "c"].forEach((id) => outbox.add(response(id)));
  assert.equal(await outbox.flush(), false);
  assert.deepEqual(outbox.items().map((item) => item.id), ["b"]);
});

test("responses are sent one after another, in the order they were completed", async () => {
  let inFlight = 0;
  let most = 0;
  const { fetch, outbox } = outboxWith((request) => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    return new Promise((resolve) => setImmediate(() => { inFlight -= 1; resolve(stored(request)); }));
  });
  ["a", "b", "c"].forEach((id) => outbox.add(response(id)));
  await outbox.flush();
  assert.deepEqual(fetch.requests.map((request) => request.item.id), ["a", "b", "c"]);
  assert.equal(most, 1);
});

test("a flush while one is under way joins it instead of sending twice", async () => {
  let release;
  const { fetch, outbox } = outboxWith((request) => new Promise((resolve) => { release = () => resolve(stored(request)); }));
  outbox.add(response("a"));
  const first = outbox.flush();
  const second = outbox.flush();
  assert.equal(first, second);
  await new Promise(setImmediate);
  release();
  assert.equal(await first, true);
  assert.equal(fetch.requests.length, 1);
});

test("a response completed while a flush is under way is kept and sent by the next flush", async () => {
  let release;
  const { fetch, outbox } = outboxWith((request) =>
    request.item.id === "a" ? new Promise((resolve) => { release = () => resolve(stored(request)); }) : stored(request));
  outbox.add(response("a"));
  const first = outbox.flush();
  await new Promise(setImmediate);
  outbox.add(response("b"));
  release();
  await first;
  assert.deepEqual(outbox.items().map((item) => item.id), ["b"]);
  assert.equal(await outbox.flush(), true);
  assert.deepEqual(fetch.requests.map((request) => request.item.id), ["a", "b"]);
  assert.deepEqual(outbox.items(), []);
});

test("a send with no answer within 15 seconds is aborted and the response kept", async () => {
  const timers = [];
  const storage = fakeStorage();
  const fetch = (url, init) => new Promise((resolve, reject) => {
    init.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
  });
  const outbox = KioskOutbox.create({
    storage, fetch,
    setTimeout: (callback, ms) => { timers.push({ callback, ms, cleared: false }); return timers.length - 1; },
    clearTimeout: (timer) => { timers[timer].cleared = true; },
  });
  outbox.add(response("a"));
  const flushed = outbox.flush();
  await new Promise(setImmediate);
  assert.equal(timers.length, 1);
  assert.equal(timers[0].ms, 15000);
  timers[0].callback();
  assert.equal(await flushed, false);
  assert.equal(timers[0].cleared, true);
  assert.deepEqual(outbox.items().map((item) => item.id), ["a"]);
});

test("an answered send clears its timeout", async () => {
  const timers = [];
  const outbox = KioskOutbox.create({
    storage: fakeStorage(), fetch: fakeFetch(stored),
    setTimeout: () => { timers.push({ cleared: false }); return timers.length - 1; },
    clearTimeout: (timer) => { timers[timer].cleared = true; },
  });
  outbox.add(response("a"));
  await outbox.flush();
  assert.deepEqual(timers, [{ cleared: true }]);
});

test("unreadable storage counts as an empty outbox", async () => {
  const storage = fakeStorage();
  storage.setItem("survey-outbox", "{not json");
  const fetch = fakeFetch(stored);
  const outbox = KioskOutbox.create({ storage, fetch });
  assert.deepEqual(outbox.items(), []);
  assert.equal(await outbox.flush(), true);
  assert.equal(fetch.requests.length, 0);
});

// A fake window: its localStorage and fetch, and the listeners and intervals a page registers on it.
function fakeWindow(answer) {
  const listeners = {};
  const intervals = [];
  return {
    localStorage: fakeStorage(),
    fetch: fakeFetch(answer),
    setTimeout: () => 0,
    clearTimeout: () => {},
    addEventListener: (kind, listener) => { (listeners[kind] = listeners[kind] || []).push(listener); },
    setInterval: (callback, ms) => { intervals.push({ callback, ms }); },
    listeners,
    intervals,
  };
}

test("a page's outbox uses that window's localStorage and fetch", async () => {
  const win = fakeWindow(stored);
  const outbox = KioskOutbox.inBrowser(win);
  outbox.add(response("a"));
  assert.equal(JSON.parse(win.localStorage.getItem("survey-outbox")).length, 1);
  assert.equal(await outbox.flush(), true);
  assert.deepEqual(win.fetch.requests.map((r) => r.item.id), ["a"]);
  assert.equal(win.localStorage.getItem("survey-outbox"), null);
});

test("keepSending sends what waits when the browser is back online and every minute", async () => {
  let up = false;
  const win = fakeWindow((request) => { if (!up) throw new TypeError("Failed to fetch"); return stored(request); });
  const outbox = KioskOutbox.inBrowser(win);
  outbox.add(response("a"));
  KioskOutbox.keepSending(outbox, win);
  assert.deepEqual(win.intervals.map((i) => i.ms), [60 * 1000]);
  assert.equal(win.fetch.requests.length, 0, "nothing is sent before a reason to");
  await win.intervals[0].callback();
  await outbox.flush();
  assert.equal(win.fetch.requests.length, 1);
  assert.equal(outbox.items().length, 1, "still offline: kept");
  up = true;
  win.listeners.online.forEach((listener) => listener());
  await outbox.flush();
  assert.equal(outbox.items().length, 0, "sent once the network is back");
});
