// Live refresh for the phone simulator: poll the feed and redraw the thread.
// Without JavaScript the page still works (the Refresh link and form posts).
(function () {
  "use strict";
  var thread = document.getElementById("sim-thread");
  if (!thread || !window.fetch) { return; }
  var feed = thread.getAttribute("data-feed");
  var lastSeen = "";

  function draw(messages) {
    var key = JSON.stringify(messages);
    if (key === lastSeen) { return; }
    lastSeen = key;
    thread.textContent = "";
    messages.forEach(function (m) {
      var item = document.createElement("li");
      item.className = "sim-" + m.direction;
      var body = document.createElement("span");
      body.className = "sim-body";
      body.textContent = m.body;
      item.appendChild(body);
      if (m.note) {
        var note = document.createElement("small");
        note.className = "sim-note";
        note.textContent = " " + m.note;
        item.appendChild(note);
      }
      thread.appendChild(item);
    });
  }

  function poll() {
    fetch(feed, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { draw(data.messages); } })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
}());
