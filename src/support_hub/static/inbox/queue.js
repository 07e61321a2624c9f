// Live refresh for the staff inbox queue: fetch the rows every 15 s and swap them in.
// Without JavaScript the page's Refresh link does the same.
(function () {
  "use strict";
  var rows = document.getElementById("queue-rows");
  if (!rows || !window.fetch) { return; }
  var source = rows.getAttribute("data-source");

  function poll() {
    fetch(source, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
      .then(function (html) { if (html !== null) { rows.innerHTML = html; } })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { window.setTimeout(poll, 15000); });
  }
  window.setTimeout(poll, 15000);
}());
