// Progressive enhancement for the search page: "use my location" and the results map.
// Everything here is optional: without JavaScript the form and the list work on their own.
(function () {
  "use strict";

  function setUpLocationButton() {
    var button = document.querySelector(".use-location");
    if (!button || !("geolocation" in navigator)) return;
    var form = button.form;
    var near = form.querySelector("#near");
    var lat = form.querySelector('input[name="lat"]');
    var lng = form.querySelector('input[name="lng"]');
    button.hidden = false;
    button.addEventListener("click", function () {
      var label = button.textContent;
      button.textContent = button.dataset.locating;
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lat.value = position.coords.latitude.toFixed(5);
          lng.value = position.coords.longitude.toFixed(5);
          lat.disabled = false;
          lng.disabled = false;
          near.value = "";
          near.disabled = true;
          form.submit();
        },
        function () {
          button.textContent = label;
          button.disabled = false;
          near.setAttribute("aria-describedby", "location-status");
          var status = document.getElementById("location-status");
          if (!status) {
            status = document.createElement("p");
            status.id = "location-status";
            status.setAttribute("role", "status");
            button.insertAdjacentElement("afterend", status);
          }
          status.textContent = button.dataset.denied;
          near.focus();
        },
        { timeout: 10000, maximumAge: 600000 }
      );
    });
  }

  function setUpMap() {
    var element = document.getElementById("results-map");
    if (!element || typeof L === "undefined") return;
    var hits = document.querySelectorAll(".results .hit[data-lat]");
    element.hidden = false;
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(element.dataset.tileUrl, {
      maxZoom: 18,
      attribution: element.dataset.attribution
    }).addTo(map);
    var points = [[parseFloat(element.dataset.lat), parseFloat(element.dataset.lng)]];
    hits.forEach(function (hit) {
      var point = [parseFloat(hit.dataset.lat), parseFloat(hit.dataset.lng)];
      points.push(point);
      var link = document.createElement("a");
      link.href = hit.dataset.url;
      link.textContent = hit.dataset.name;
      L.marker(point, { title: hit.dataset.name, alt: hit.dataset.name })
        .addTo(map)
        .bindPopup(link);
    });
    map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 14 });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpLocationButton();
    setUpMap();
  });
})();
