/* The kiosk's service worker: keeps the kiosk shell and its survey so a tablet that reloads while
   offline still shows the survey (or the paused screen, when that is what /kiosk last served). Network
   first, the cached copy when the network is away. It never touches responses: those wait in the page's
   outbox. */
"use strict";

var CACHE = "kiosk-shell-v4";
var SHELL = [
  "/kiosk",
  "/api/kiosk/survey",
  "/static/kiosk.js",
  "/static/kiosk_answers.js",
  "/static/kiosk_navigation.js",
  "/static/kiosk_speech.js",
  "/static/kiosk_outbox.js",
  "/static/kiosk_paused.js",
  "/static/skip_logic.js",
  "/static/kiosk.css",
  "/static/style.css",
  "/static/favicon.svg",
];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || SHELL.indexOf(url.pathname) === -1) return;
  event.respondWith(
    fetch(event.request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname).then(function (cached) { return cached || Response.error(); });
    })
  );
});
