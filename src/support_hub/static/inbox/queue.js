// Live refresh for the staff inbox queue: fetch the rows every 15 s and swap them in.
// Without JavaScript the page's Refresh link does the same. Polling stops after 14 minutes
// without a key press, click or scroll, so an unattended screen still reaches the session's
// 15-minute idle timeout (a poll is a request, and requests keep a session alive).
(function () {
  "use strict";
  var rows = document.getElementById("queue-rows");
  if (!rows || !window.fetch) { return; }
  var source = rows.getAttribute("data-source");
  var IDLE_LIMIT_MS = 14 * 60 * 1000;
  var lastActivity = Date.now();
  var stopped = false;
  ["keydown", "mousedown", "scroll", "touchstart"].forEach(function (name) {
    window.addEventListener(name, function () {
      lastActivity = Date.now();
      if (stopped) { stopped = false; poll(); }
    }, { passive: true });
  });

  function poll() {
    if (Date.now() - lastActivity > IDLE_LIMIT_MS) { stopped = true; return; }
    fetch(source, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
      .then(function (html) { if (html !== null) { rows.innerHTML = html; } })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { window.setTimeout(poll, 15000); });
  }
  window.setTimeout(poll, 15000);
}());
