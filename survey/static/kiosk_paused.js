/* The paused screen ("Paused by staff"): no survey runs, but responses completed before the pause still
   leave the outbox (kiosk_outbox.js, loaded before this file) as soon as our server can take them. */
(function () {
  "use strict";
  var outbox = window.KioskOutbox.inBrowser(window);
  window.KioskOutbox.keepSending(outbox, window);
  outbox.flush();
})();
