/* Mängelmelder maps (Leaflet). Every page works without this script: the map only adds to the forms and lists.
 * Modes (data-mode on #karte): "picker" sets a marker and writes lat/lon into the form fields,
 * "public" shows the reports of the visible area, "point" shows one report, "polygon" previews an area. */
(function () {
  "use strict";

  function baseMap(element) {
    var map = L.map(element, { keyboard: true, scrollWheelZoom: false }).setView(
      [parseFloat(element.dataset.lat), parseFloat(element.dataset.lon)],
      parseInt(element.dataset.zoom || "14", 10)
    );
    L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.attribution, maxZoom: 19 }).addTo(map);
    return map;
  }

  function reveal(element) {
    var section = element.closest("[data-reports-map]");
    (section || element).hidden = false;
    element.hidden = false;
  }

  function picker(element) {
    var map = baseMap(element);
    var latField = document.getElementById("id_lat");
    var lonField = document.getElementById("id_lon");
    var status = document.getElementById("markierung-stand");
    var marker = null;

    function place(latlng, announce) {
      var lat = latlng.lat.toFixed(6);
      var lon = latlng.lng.toFixed(6);
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { keyboard: false, alt: element.dataset.placedText }).addTo(map);
      }
      latField.value = lat;
      lonField.value = lon;
      if (announce && status) {
        status.textContent = element.dataset.placedText + " " + lat + ", " + lon;
      }
    }

    if (latField.value && lonField.value) {
      var start = L.latLng(parseFloat(latField.value), parseFloat(lonField.value));
      map.setView(start, 17);
      place(start, false);
    }
    map.on("click", function (event) { place(event.latlng, true); });
    document.getElementById("markierung-setzen").addEventListener("click", function () {
      place(map.getCenter(), true);
    });
    document.getElementById("markierung-entfernen").addEventListener("click", function () {
      if (marker) { map.removeLayer(marker); marker = null; }
      latField.value = "";
      lonField.value = "";
      if (status) { status.textContent = ""; }
    });
    // Typing coordinates moves the map too, so that both ways stay in step.
    [latField, lonField].forEach(function (field) {
      field.addEventListener("change", function () {
        var lat = parseFloat(latField.value.replace(",", "."));
        var lon = parseFloat(lonField.value.replace(",", "."));
        if (isFinite(lat) && isFinite(lon)) {
          place(L.latLng(lat, lon), false);
          map.setView([lat, lon]);
        }
      });
    });
  }

  function publicMap(element) {
    var map = baseMap(element);
    var layer = L.layerGroup().addTo(map);
    var listLink = document.querySelector("[data-bbox-link]");
    var source = element.dataset.geojson;

    function load() {
      var bbox = map.getBounds().toBBoxString();
      var url = source + (source.indexOf("?") === -1 ? "?" : "&") + "bbox=" + encodeURIComponent(bbox);
      if (listLink) { listLink.href = listLink.href.split("?")[0] + "?bbox=" + encodeURIComponent(bbox); }
      fetch(url, { headers: { Accept: "application/geo+json" } })
        .then(function (response) { return response.ok ? response.json() : { features: [] }; })
        .then(function (data) {
          layer.clearLayers();
          data.features.forEach(function (feature) {
            var coordinates = feature.geometry.coordinates;
            var properties = feature.properties;
            var circle = L.circleMarker([coordinates[1], coordinates[0]], {
              radius: 8,
              className: "reports-marker reports-marker--" + properties.status
            });
            var popup = document.createElement("div");
            var title = document.createElement("strong");
            title.textContent = properties.category;
            var state = document.createElement("p");
            state.textContent = properties.status_label;
            var link = document.createElement("a");
            link.href = properties.url;
            link.className = "kern-link";
            link.textContent = element.dataset.linkLabel;
            popup.append(title, state, link);
            circle.bindPopup(popup);
            layer.addLayer(circle);
          });
        });
    }
    map.on("moveend", load);
    load();
  }

  function pointMap(element) {
    var map = baseMap(element);
    L.marker([parseFloat(element.dataset.lat), parseFloat(element.dataset.lon)], { keyboard: false }).addTo(map);
  }

  function polygonMap(element) {
    var map = baseMap(element);
    var field = document.getElementById(element.dataset.source);
    var layer = null;
    function draw() {
      if (layer) { map.removeLayer(layer); layer = null; }
      try {
        layer = L.geoJSON(JSON.parse(field.value)).addTo(map);
        map.fitBounds(layer.getBounds(), { maxZoom: 17 });
      } catch (error) {
        layer = null;
      }
    }
    field.addEventListener("input", draw);
    draw();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("karte");
    if (!element || typeof L === "undefined") { return; }
    reveal(element);
    var modes = { picker: picker, public: publicMap, point: pointMap, polygon: polygonMap };
    (modes[element.dataset.mode] || pointMap)(element);
  });
})();
