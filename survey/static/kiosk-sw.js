/* The kiosk's service worker: keeps the kiosk shell and its survey so a tablet that reloads while
   offline still shows the survey (or the paused screen, when that is what /kiosk last served). Network
   first, the cached copy when the network is away. It never touches responses: those wait in the page's
   outbox. */
"use strict";

// The board's pictures and recordings (docs/kiosk.md): KioskMedia.mediaUrls lists a survey's files.
importScripts("/static/kiosk_media.js");

var CACHE = "kiosk-shell-v5";
var MEDIA = "kiosk-media-v1";   // files named by their SHA-256: kept until the survey stops naming them
var SHELL = [
  "/kiosk",
  "/api/kiosk/survey",
  "/static/kiosk.js",
  "/static/kiosk_answers.js",
  "/static/kiosk_navigation.js",
  "/static/kiosk_speech.js",
  "/static/kiosk_outbox.js",
  "/static/kiosk_report_back.js",
  "/static/kiosk_answered_with.js",
  "/static/kiosk_media.js",
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
      return Promise.all(names.filter(function (name) { return name !== CACHE && name !== MEDIA; }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

/* After each survey load: keep every picture and recording it names (so the survey plays offline), and
   drop the files it no longer names. */
function keepMedia(survey) {
  var wanted = self.KioskMedia.mediaUrls(survey);
  return caches.open(MEDIA).then(function (cache) {
    return cache.keys().then(function (requests) {
      var held = requests.map(function (request) { return new URL(request.url).pathname; });
      var gone = held.filter(function (path) { return wanted.indexOf(path) === -1; });
      var missing = wanted.filter(function (path) { return held.indexOf(path) === -1; });
      return Promise.all(gone.map(function (path) { return cache.delete(path); }).concat(
        missing.map(function (path) { return cache.add(path).catch(function () {}); })));
    });
  });
}

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method === "GET" && url.origin === self.location.origin && url.pathname.indexOf("/media/") === 0) {
    // The same URL is always the same bytes: the cached copy first, the network otherwise.
    event.respondWith(caches.open(MEDIA).then(function (cache) {
      return cache.match(url.pathname).then(function (cached) {
        // A recording asked for in ranges (an <audio> element may) is served whole: browsers accept it.
        return cached || fetch(url.pathname).then(function (response) {
          if (response.ok) cache.put(url.pathname, response.clone());
          return response;
        });
      });
    }));
    return;
  }
  if (event.request.method !== "GET" || url.origin !== self.location.origin || SHELL.indexOf(url.pathname) === -1) return;
  event.respondWith(
    fetch(event.request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
        if (url.pathname === "/api/kiosk/survey") {
          event.waitUntil(response.clone().json().then(keepMedia).catch(function () {}));
        }
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname).then(function (cached) { return cached || Response.error(); });
    })
  );
});
