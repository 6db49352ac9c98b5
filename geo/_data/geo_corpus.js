/* geo corpus map page (written for geo). Reads the JSON block #geo-corpus-data and draws: places
 * (canvas circles, sized by documents, in geo's per-view clusters: geo_cluster.js), a heat-map layer, countries shaded by
 * mentions, a time slider when documents have dates, and popups with each place's top documents.
 * Text from the corpus is only ever set with textContent / attributes, never parsed as HTML. */
function geoCorpusMap(map, tiles) {
  "use strict";
  var data = JSON.parse(document.getElementById("geo-corpus-data").textContent);
  var P = data.places, n = P.name.length;
  ["kind", "country"].forEach(function (column) {  /* shared strings: an index each (render_corpus.py) */
    P[column] = P[column].map(function (v) { return v === null ? null : data.strings[v]; });
  });
  window.geoCorpus = {data: data, map: map, ready: false};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function plural(k, word) { return k.toLocaleString("en") + " " + word + (k === 1 ? "" : "s"); }
  function radius(docs) { return Math.min(4 + 3 * Math.sqrt(docs), 30); }

  /* ---- countries shaded by mentions */
  var countries = null;
  if (data.countries.features.length) {
    map.createPane("geoCountries");
    map.getPane("geoCountries").style.zIndex = 350;
    countries = L.geoJSON(data.countries, {
      pane: "geoCountries",
      renderer: L.svg({pane: "geoCountries"}),  /* few shapes: SVG, so each is a focusable element */
      style: function (f) {
        var shaded = f.properties.c >= 0;  /* unmentioned countries: their border only */
        return {color: "#555555", weight: shaded ? 0.6 : 0.4, opacity: 0.8,
                fillColor: shaded ? data.palette[f.properties.c] : "#f4f1ea", fillOpacity: shaded ? 0.55 : 0.35,
                className: shaded ? "geo-country" : "geo-country geo-country-quiet"};
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip(function () {
          var box = el("div");
          box.appendChild(el("strong", null, p.name));
          box.appendChild(el("div", null, plural(p.m, "mention") + " in " + plural(p.d, "document")));
          return box;
        }, {sticky: true});
      }
    }).addTo(map);
  }

  /* ---- places */
  /* Clustered per view (geo_cluster.js); a place's circle is made when first shown.
   * geoCorpus.drawn: the places of the period are on the map (clustered). */
  var cluster = L.geoClusters({cellSize: 45, flatZoom: 12});
  cluster.on("clustered", function () { window.geoCorpus.drawn = true; });
  var heat = L.heatLayer([], {radius: 18, blur: 15, minOpacity: 0.25, maxZoom: 9});
  var renderer = L.canvas({padding: 0.5});

  function popup(i, docsNow) {
    var box = el("div", "geo-popup");
    box.appendChild(el("h3", "geo-popup-name", P.name[i]));
    var kind = data.kinds[P.kind[i]] || data.kinds.unknown;
    box.appendChild(el("p", "geo-popup-meta", kind.label + (P.country[i] && P.kind[i] !== "country" ? ", " + P.country[i] : "")));
    var counts = plural(P.docs[i], "document") + ", " + plural(P.mentions[i], "mention");
    if (docsNow !== P.docs[i]) { counts = plural(docsNow, "document") + " in " + slider.label() + " (" + counts + " in all)"; }
    box.appendChild(el("p", "geo-popup-count", counts));
    if (P.top[i].length) {
      box.appendChild(el("p", "geo-popup-head", "Top documents"));
      var list = el("ol", "geo-popup-docs");
      P.top[i].forEach(function (d) {
        var doc = data.docs[d], li = el("li"), label = doc[1] || doc[0];
        if (doc[3]) {
          var a = el("a", null, label);
          a.href = doc[3]; a.target = "_blank"; a.rel = "noopener noreferrer";
          li.appendChild(a);
        } else {
          li.appendChild(el("span", "geo-doc-title", label));
        }
        if (doc[2]) { li.appendChild(el("span", "geo-doc-date", " " + doc[2])); }
        if (doc[1]) { li.appendChild(el("span", "geo-doc-id", " (" + doc[0] + ")")); }
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    return box;
  }

  function docsIn(i, period) {
    if (period === null) { return P.docs[i]; }
    var t = P.t[i];
    for (var k = 0; k < t.length; k += 2) { if (t[k] === period) { return t[k + 1]; } }
    return 0;
  }

  function circle(i, docs) {
    var m = L.circleMarker([P.lat[i], P.lon[i]], {
      renderer: renderer, radius: radius(docs), color: "#222222", weight: 1, opacity: 0.9,
      fillColor: (data.kinds[P.kind[i]] || data.kinds.unknown).colour, fillOpacity: 0.8, geoLabel: P.name[i]
    });
    m.geoIndex = i;
    m.geoDocs = docs;
    return m;
  }

  function draw(period) {
    var places = [], counts = [], lats = [], lons = [], heatPoints = [], most = 1;
    for (var i = 0; i < n; i++) {
      var docs = docsIn(i, period);
      if (!docs) { continue; }
      if (docs > most) { most = docs; }
      places.push(i); counts.push(docs); lats.push(P.lat[i]); lons.push(P.lon[i]);
      heatPoints.push([P.lat[i], P.lon[i], Math.sqrt(docs)]);
    }
    window.geoCorpus.drawn = false;
    cluster.clearLayers();
    cluster.addPoints(lats, lons, function (k) { return circle(places[k], counts[k]); });
    heat.setOptions({max: Math.max(1, Math.sqrt(most))});
    heat.setLatLngs(heatPoints);
    status.textContent = plural(places.length, "place") + " shown";
    window.geoCorpus.shown = places.length;
  }
  cluster.on("click", function (e) {
    var m = e.propagatedFrom || e.layer;
    if (m.geoIndex === undefined) { return; }
    L.popup({maxWidth: 320}).setLatLng(m.getLatLng()).setContent(popup(m.geoIndex, m.geoDocs)).openOn(map);
  });
  cluster.addTo(map);
  heat.addTo(map);

  /* ---- time slider */
  var slider = {period: null, label: function () { return slider.period === null ? "all dates" : data.periods[slider.period]; }};
  var status = el("span", "geo-status");
  var Box = L.Control.extend({
    options: {position: "bottomleft"},
    onAdd: function () {
      var box = el("div", "geo-time leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      if (data.periods.length) {
        var id = "geo-time-range";
        var label = el("label", "geo-time-label", "Documents dated");
        label.htmlFor = id;
        var range = el("input");
        range.type = "range"; range.id = id; range.min = "-1"; range.max = String(data.periods.length - 1);
        range.step = "1"; range.value = "-1";
        var shown = el("output", "geo-time-value", "all dates");
        shown.setAttribute("for", id);
        range.addEventListener("input", function () {
          var v = parseInt(range.value, 10);
          slider.period = v < 0 ? null : v;
          shown.textContent = slider.label();
          map.closePopup();
          draw(slider.period);
        });
        box.appendChild(label);
        box.appendChild(range);
        box.appendChild(shown);
        box.appendChild(el("br"));
      }
      box.appendChild(status);
      return box;
    }
  });
  new Box().addTo(map);
  window.geoCorpus.setPeriod = function (v) {
    var range = document.getElementById("geo-time-range");
    if (!range) { return; }
    range.value = String(v);
    range.dispatchEvent(new Event("input"));
  };

  /* ---- legend and layers */
  var Legend = L.Control.extend({
    options: {position: "bottomright"},
    onAdd: function () {
      var box = el("div", "geo-legend leaflet-bar");
      box.appendChild(el("strong", null, "Circles: documents mentioning the place"));
      var row = el("div", "geo-legend-sizes");
      [1, 10, 100].forEach(function (k) {
        var s = el("span", "geo-legend-size");
        var dot = el("span", "geo-legend-dot");
        var r = radius(k);
        dot.style.width = dot.style.height = (2 * r) + "px";
        s.appendChild(dot);
        s.appendChild(el("span", null, String(k)));
        row.appendChild(s);
      });
      box.appendChild(row);
      if (data.breaks.length) {
        box.appendChild(el("strong", null, "Countries: mentions"));
        var lo = 1;
        data.breaks.forEach(function (b, i) {
          var line = el("div", "geo-legend-row");
          var sw = el("span", "geo-legend-swatch");
          sw.style.background = data.palette[i];
          line.appendChild(sw);
          line.appendChild(el("span", null, lo === b ? String(b) : lo.toLocaleString("en") + "–" + b.toLocaleString("en")));
          box.appendChild(line);
          lo = b + 1;
        });
      }
      return box;
    }
  });
  new Legend().addTo(map);

  /* ---- names that could not be placed */
  if (data.unplaced.length) {
    var Unplaced = L.Control.extend({
      options: {position: "topright"},
      onAdd: function () {
        var box = el("details", "geo-unplaced leaflet-bar");
        var total = data.stats.unplaced;
        box.appendChild(el("summary", null, "Names not placed (" + plural(data.unplaced.length, "name") + ")"));
        var list = el("ol", "geo-unplaced-list");
        data.unplaced.forEach(function (u) {
          list.appendChild(el("li", null, u[0] + " \u2014 " + plural(u[1], "document") + ", " + plural(u[2], "mention")));
        });
        box.appendChild(list);
        if (total > data.unplaced.length) { box.appendChild(el("p", "geo-status", "and more, in " + plural(total, "row") + " in all")); }
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    new Unplaced().addTo(map);
  }
  var overlays = {"Places (by documents)": cluster, "Heat map": heat};
  if (countries) { overlays["Countries (by mentions)"] = countries; }
  L.control.layers(tiles ? {"Basemap": tiles} : null, overlays, {collapsed: true}).addTo(map);

  draw(null);
  window.geoCorpus.ready = true;
}
