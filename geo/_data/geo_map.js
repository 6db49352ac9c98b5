/* geo map page script (written for geo; not a vendored file).
 *
 * Links the map to the article: clicking a highlighted name in the text (or a place in
 * the list) flies the map to the place and opens its popup; clicking a marker or an
 * outline highlights the place's mentions in the text and scrolls to them.
 * All article text comes from the JSON block #geo-data or from the escaped side panel,
 * and is put on the page with textContent / createTextNode only: never as HTML. */
(function () {
  "use strict";

  var root = document.documentElement;
  var dataNode = document.getElementById("geo-data");
  if (!dataNode) { return; }
  var cfg = window.geoData || JSON.parse(dataNode.textContent);
  window.geoData = cfg;
  if (cfg.places.cols) { cfg.places = unpack(cfg.places); }
  var places = cfg.places;
  for (var s = 0; s < places.length; s++) {  // shown as the article spells it; the gazetteer's name as a detail
    if (places[s].sp) { places[s].gname = places[s].name; places[s].name = places[s].sp; delete places[s].sp; }
  }
  var panel = document.getElementById("geo-panel");
  var statusNode = document.getElementById("geo-status");
  var reduceMotion = !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  var hasLeaflet = typeof window.L !== "undefined" && !!window[cfg.map];
  var map = hasLeaflet ? window[cfg.map] : null;
  var layerOf = function (key) { var name = cfg.layers[key]; return name && window[name] ? window[name] : null; };

  var markers = {};       // place id -> circle marker
  var outlines = {};      // place id -> outline layer
  var mentionsById = {};  // place id -> [mention buttons in the article]
  var listById = {};      // place id -> [place list buttons]
  var active = null;
  var lastTrigger = null;
  var popupHooks = [];    // functions (box, id) that add to a place's popup (the review tools)
  var baseStyle = {};     // place id -> the marker's own rim (a place to check is dashed)

  /* ---------------------------------------------------------------- helpers */

  /* The place data comes as columns (geo/_render_pack.py): one object per place again. A column's
   * null means the place has no such field; shared strings are indexes; flags are 1 / 0. */
  function unpack(packed) {
    var out = [], shared = {}, flags = {}, key, i;
    for (i = 0; i < packed.n; i++) { out.push({}); }
    for (i = 0; i < packed.shared.length; i++) { shared[packed.shared[i]] = true; }
    for (i = 0; i < packed.flags.length; i++) { flags[packed.flags[i]] = true; }
    function value(k, v) { return flags[k] ? v === 1 : shared[k] && v !== null ? packed.strings[v] : v; }
    for (key in packed.cols) {
      var column = packed.cols[key];
      for (i = 0; i < column.length; i++) { if (column[i] !== null) { out[i][key] = value(key, column[i]); } }
    }
    for (key in packed.pairs) {
      var pairs = packed.pairs[key];
      for (i = 0; i < pairs.length; i++) { out[pairs[i][0]][key] = value(key, pairs[i][1]); }
    }
    return out;
  }

  /* Circle radius in pixels from the mentions (as geo._render_data.marker_radius). */
  function radiusOf(p) { return Math.round(Math.min(5 + 3 * Math.sqrt(Math.max(p.n + p.adj, 1)), 32) * 10) / 10; }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function kindLabel(p) { return (cfg.kinds[p.kind] || cfg.kinds.unknown).label; }

  /* Mentions link to "#geo-place-N"; list entries carry data-place="N". */
  function placeOf(node) {
    var value = node.getAttribute("data-place");
    if (value === null) {
      var match = /^#geo-place-(\d+)$/.exec(node.getAttribute("href") || "");
      value = match ? match[1] : null;
    }
    var id = value === null ? NaN : Number(value);
    return places[id] ? id : null;
  }

  function describe(p) {
    var parts = [kindLabel(p)];
    if (p.div) { parts.push(p.div); }
    if (p.country && p.country !== p.name) { parts.push(p.country); }
    parts.push(plural(p.n + p.adj, "mention"));
    return parts.join(", ");
  }

  function announce(text) {
    if (!statusNode) { return; }
    statusNode.textContent = "";
    statusNode.textContent = text;
  }

  function collect(selector, into) {
    var nodes = document.querySelectorAll(selector);
    for (var i = 0; i < nodes.length; i++) {
      var id = placeOf(nodes[i]);
      if (id === null) { continue; }
      (into[id] = into[id] || []).push(nodes[i]);
    }
  }

  /* A snippet is [plain, highlighted, plain, ...]: odd items are the place's mentions. */
  function snippetNode(segments) {
    var quote = el("blockquote", "geo-snippet");
    for (var i = 0; i < segments.length; i++) {
      if (!segments[i]) { continue; }
      if (i % 2 === 1) {
        quote.appendChild(el("mark", "geo-snippet-mark", segments[i]));
      } else {
        quote.appendChild(document.createTextNode(segments[i]));
      }
    }
    return quote;
  }

  function popupContent(id) {
    var p = places[id];
    var box = el("div", "geo-popup");
    var heading = el("h2", "geo-popup-name", p.name);
    heading.setAttribute("tabindex", "-1");
    box.appendChild(heading);
    var meta = [kindLabel(p)];
    if (p.div) { meta.push(p.div); }
    if (p.country && p.country !== p.name) { meta.push(p.country); }
    box.appendChild(el("p", "geo-popup-meta", meta.join(" \u00b7 ")));
    if (p.gname) { box.appendChild(el("p", "geo-popup-gname", "In the gazetteer: " + p.gname)); }
    var counts = [plural(p.n, "mention")];
    if (p.adj) { counts.push(plural(p.adj, "adjectival mention")); }
    box.appendChild(el("p", "geo-popup-count", counts.join(", ")));
    if (mentionsById[id]) {
      var show = el("button", "geo-popup-show", "Show in the text");
      show.type = "button";
      show.addEventListener("click", function () {
        select(id, {scroll: true, fly: false, popup: false});
        var first = mentionsById[id][0];
        if (first) { first.focus({preventScroll: true}); }
      });
      box.appendChild(show);
    }
    if (p.snippets.length) {
      var list = el("div", "geo-popup-snippets");
      for (var i = 0; i < p.snippets.length; i++) { list.appendChild(snippetNode(p.snippets[i])); }
      box.appendChild(list);
    }
    var source = "confidence " + p.conf.toFixed(2);
    if (p.gid !== undefined) { source = "GeoNames " + p.gid + ", " + source; }
    if (p.src !== undefined) { source = "from " + p.src + " · " + source; }
    if (p.conf < cfg.reviewBelow) { source += " (below " + cfg.reviewBelow.toFixed(2) + ": check it)"; }
    box.appendChild(el("p", "geo-popup-source", source));
    for (var h = 0; h < popupHooks.length; h++) { popupHooks[h](box, id); }
    return box;
  }

  /* ---------------------------------------------------------------- notes on the map */

  var noteNode = null;
  function note(text) {
    if (!map) { return; }
    if (!noteNode) {
      var control = L.control({position: "bottomright"});
      control.onAdd = function () {
        noteNode = L.DomUtil.create("div", "geo-note");
        noteNode.setAttribute("role", "status");
        L.DomEvent.disableClickPropagation(noteNode);
        return noteNode;
      };
      control.addTo(map);
    }
    noteNode.textContent = text || "";
    noteNode.style.display = text ? "" : "none";
  }

  /* ---------------------------------------------------------------- selection */

  function markerStyle(id, on) {
    var m = markers[id];
    if (m && m.setStyle) {
      if (!baseStyle[id]) { baseStyle[id] = {weight: m.options.weight, color: m.options.color}; }
      m.setStyle(on ? {weight: Math.max(3, baseStyle[id].weight + 1), color: "#000000"} : baseStyle[id]);
      if (on && m._map && m.bringToFront) { m.bringToFront(); }
    }
    var o = outlines[id];
    if (o && o.setStyle) { o.setStyle(on ? {weight: 3} : {weight: 1.5}); }
  }

  function mark(nodes, on) {
    if (!nodes) { return; }
    for (var i = 0; i < nodes.length; i++) {
      nodes[i].classList.toggle("geo-active", on);
      if (on) { nodes[i].setAttribute("aria-current", "true"); } else { nodes[i].removeAttribute("aria-current"); }
    }
  }

  function setActive(id) {
    if (active !== null) {
      mark(mentionsById[active], false);
      mark(listById[active], false);
      markerStyle(active, false);
    }
    active = id;
    if (id === null) { return; }
    mark(mentionsById[id], true);
    mark(listById[id], true);
    markerStyle(id, true);
  }

  function scrollPanelTo(node) {
    if (!panel || !node) { return; }
    if (panel.scrollHeight <= panel.clientHeight + 1) {
      return;  // narrow layout: the panel is below the map and does not scroll by itself
    }
    var top = node.getBoundingClientRect().top - panel.getBoundingClientRect().top + panel.scrollTop;
    panel.scrollTo({top: Math.max(top - panel.clientHeight / 3, 0), behavior: reduceMotion ? "auto" : "smooth"});
  }

  var popup = hasLeaflet ? L.popup({maxWidth: 360, minWidth: 220, autoPanPadding: [24, 24], className: "geo-leaflet-popup"}) : null;

  function openPopup(id, autoPan) {
    var marker = markers[id];
    if (!marker) { return; }
    popup.options.autoPan = autoPan;
    popup.options.offset = L.point(0, -Math.round((marker.options.radius || 6) / 2));
    popup.setLatLng(marker.getLatLng()).setContent(popupContent(id)).openOn(map);
  }

  function flyTo(id) {
    var p = places[id];
    var outline = outlines[id];
    if (outline && outline.getBounds && outline.getBounds().isValid()) {
      var options = {maxZoom: cfg.zoomByKind.country + 1, padding: [24, 24]};
      if (reduceMotion) { map.fitBounds(outline.getBounds(), options); } else { map.flyToBounds(outline.getBounds(), options); }
      return;
    }
    if (!markers[id]) { return; }
    var where = markers[id].getLatLng();
    var zoom = cfg.zoomByKind[p.kind] || 8;  // a level that fits the kind: a country is not shown at street level
    if (reduceMotion) { map.setView(where, zoom); } else { map.flyTo(where, zoom, {duration: 0.8}); }
  }

  /* opts.fly: move the map to the place; opts.scroll: scroll the text to its mentions;
   * opts.popup (default true): open the place's popup. */
  function select(id, opts) {
    var p = places[id];
    if (!p) { return; }
    setActive(id);
    if (p.resolved && map && markers[id]) {
      if (markers[id] && markers[id].closeTooltip) { markers[id].closeTooltip(); }
      if (opts.popup !== false) { openPopup(id, !opts.fly); }
      if (opts.fly) {
        // Pan the popup into view once this flight has ended (panning during it would fight it).
        // The end handler is bound from the flight's own start, so the end of an earlier
        // movement still under way cannot trigger it; a flight that does not move pans at once.
        // A zoom animation under way would drop the flight: it starts when that zoom ends.
        whenStill(function () {
          var adjust = function () {
            if (popup.isOpen() && typeof popup._adjustPan === "function") {
              popup.options.autoPan = true;
              popup._adjustPan();
            }
          };
          var started = false;
          var onStart = function () { started = true; map.once("moveend", adjust); };
          map.once("movestart", onStart);
          flyTo(id);
          if (!started) { map.off("movestart", onStart); adjust(); }
        });
      }
      announce(p.name + ": " + describe(p));
    } else {
      if (map) { map.closePopup(); }
      var why = p.name + " could not be placed: " + (p.reason || "no match");
      note(why);
      announce(why);
    }
    if (opts.scroll) {
      var targets = mentionsById[id] || listById[id];
      if (targets) { scrollPanelTo(targets[0]); }
    }
  }

  /* ---------------------------------------------------------------- wiring */

  collect("a.geo-mention", mentionsById);
  collect(".geo-place[data-place]", listById);

  document.addEventListener("click", function (event) {
    var target = event.target && event.target.closest ? event.target.closest("a.geo-mention, button[data-place]") : null;
    var id = target ? placeOf(target) : null;
    if (id === null) { return; }
    event.preventDefault();
    lastTrigger = target;
    if (target.classList.contains("geo-mention")) {
      select(id, {fly: true, scroll: false});
    } else {
      select(id, {fly: true, scroll: true});
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && map && popup.isOpen()) {
      map.closePopup();
      if (lastTrigger && document.body.contains(lastTrigger)) { lastTrigger.focus(); }
    }
  });

  var toggle = document.getElementById("geo-panel-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var hidden = document.body.classList.toggle("geo-panel-hidden");
      toggle.setAttribute("aria-expanded", hidden ? "false" : "true");
      toggle.textContent = hidden ? "Show side panel" : "Hide side panel";
      if (map) { map.invalidateSize(); }
    });
  }

  if (!map) {
    root.setAttribute("data-geo-ready", "no-map");
    return;
  }

  map.on("movestart", function () { root.setAttribute("data-geo-moving", "true"); });
  map.on("moveend", function () { root.removeAttribute("data-geo-moving"); });

  /* Leaflet 1.9 drops a setView asked while a zoom animation runs (the wheel's, a cluster's, the
   * zoom buttons'): a move asked then is made when that zoom ends. */
  var zooming = false;
  map.on("zoomanim", function () { zooming = true; });
  map.on("zoomend", function () { zooming = false; });
  function whenStill(move) {
    if (zooming) { map.once("zoomend", move); } else { move(); }
  }

  var container = map.getContainer();
  container.setAttribute("role", "region");
  container.setAttribute("aria-label", "Map of the places named in the article");

  /* A big map: one canvas circle per place, larger first (small ones stay clickable on top),
   * into geo's clusters (geo_cluster.js). */
  function clusterMarkers(group) {
    var ids = [];
    for (var i = 0; i < places.length; i++) { if (places[i].resolved && places[i].lat !== undefined) { ids.push(i); } }
    ids.sort(function (a, b) { return (places[b].n + places[b].adj) - (places[a].n + places[a].adj) || a - b; });
    group.addLayers(ids.map(function (id) {
      var p = places[id], check = p.conf < cfg.reviewBelow;
      return new L.CircleMarker([p.lat, p.lon], {radius: radiusOf(p), fillColor: (cfg.kinds[p.kind] || cfg.kinds.unknown).colour,
        color: "#222222", weight: check ? 2.5 : 1, opacity: 0.9, fillOpacity: check ? 0.2 : 0.8,
        dashArray: check ? "4 3" : null, geoId: id, geoLabel: p.name});
    }));
  }

  var markerGroup = layerOf("markers");
  if (markerGroup && cfg.cluster) { clusterMarkers(markerGroup); }
  if (markerGroup) {
    markerGroup.eachLayer(function (layer) {
      var id = layer.options ? layer.options.geoId : undefined;
      if (typeof id !== "number" || !places[id]) { return; }
      markers[id] = layer;
      if (cfg.cluster) { return; }
      var p = places[id];
      layer.bindTooltip(function () { return el("span", "geo-tooltip", p.name + " (" + describe(p) + ")"); },
                        {direction: "top"});
      var path = layer.getElement ? layer.getElement() : null;
      if (path) {  // SVG markers: reachable with the keyboard too
        path.setAttribute("tabindex", "0");
        path.setAttribute("role", "button");
        path.setAttribute("aria-label", p.name + ", " + describe(p));
        path.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            lastTrigger = path;
            select(id, {fly: false, scroll: true});
          }
        });
      }
    });
    markerGroup.on("click", function (event) {
      var layer = event.propagatedFrom || event.layer;
      var id = layer && layer.options ? layer.options.geoId : undefined;
      if (typeof id === "number") { select(id, {fly: false, scroll: true}); }
    });
  }

  var outlineGroup = layerOf("outlines");
  if (outlineGroup) {
    outlineGroup.eachLayer(function (layer) {
      var id = layer.feature && layer.feature.properties ? layer.feature.properties.i : undefined;
      if (typeof id === "number" && places[id]) { outlines[id] = layer; }
    });
    outlineGroup.on("click", function (event) {
      var layer = event.propagatedFrom || event.layer;
      var id = layer && layer.feature ? layer.feature.properties.i : undefined;
      if (typeof id === "number") { select(id, {fly: false, scroll: true}); }
    });
  }

  var legend = document.getElementById("geo-legend");
  if (legend && window.matchMedia && window.matchMedia("(max-width: 48rem)").matches) {
    legend.open = false;  // narrow screens: the map first, the legend a tap away
  }
  if (legend) {
    var legendControl = L.control({position: "bottomleft"});
    legendControl.onAdd = function () {
      var box = L.DomUtil.create("div", "geo-legend-box");
      box.appendChild(legend);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    legendControl.addTo(map);
  }

  var tiles = layerOf("tiles");
  var offline = cfg.layers.basemap ? " The map shows country outlines instead." : "";
  if (tiles && cfg.tileNeedsKey) {
    var key = "";
    try { key = new URLSearchParams(window.location.hash.slice(1)).get("apikey") || ""; } catch (err) { key = ""; }
    if (key) {
      tiles.options.apikey = key;
      tiles.addTo(map);
    } else {
      note("The basemap needs an API key: add #apikey=YOUR_KEY to this file's address." + offline);
    }
  }
  if (tiles) {
    var loaded = 0;
    tiles.on("tileload", function () { loaded += 1; });
    tiles.on("tileerror", function () {
      if (!loaded) { note("The basemap tiles could not be loaded." + offline); }
    });
  }

  /* The legend never covers a marker at the initial view: collapsed if it would, and the view
   * padded by what remains. */
  function legendCovers() {
    if (!legend) { return false; }
    var box = legend.getBoundingClientRect(), c = map.getContainer().getBoundingClientRect();
    for (var id in markers) {
      if (!markers[id]._map) { continue; }
      var pt = map.latLngToContainerPoint(markers[id].getLatLng());
      var x = c.left + pt.x, y = c.top + pt.y, r = markers[id].options.radius || 6;
      if (x + r >= box.left && x - r <= box.right && y + r >= box.top && y - r <= box.bottom) { return true; }
    }
    return false;
  }
  if (legend && legendCovers()) {
    legend.open = false;
    if (legendCovers()) {
      var h = legend.getBoundingClientRect().height + 16;
      var w = legend.getBoundingClientRect().width + 16;
      var group = L.featureGroup(Object.keys(markers).map(function (k) { return L.marker(markers[k].getLatLng()); }));
      if (Object.keys(markers).length > 1) {
        map.fitBounds(group.getBounds(), {paddingTopLeft: [w, 30], paddingBottomRight: [30, h], maxZoom: map.getZoom(), animate: false});
      } else {
        map.panBy([-w / 2, h / 2], {animate: false});
      }
    }
  }

  window.geoMap = {map: map, places: places, markers: markers, outlines: outlines, select: select,
                   mentionsById: mentionsById, listById: listById, popupHooks: popupHooks, baseStyle: baseStyle,
                   openPopup: openPopup, announce: announce, note: note, el: el, describe: describe, whenStill: whenStill,
                   kindLabel: kindLabel, markerGroup: markerGroup, markerStyle: markerStyle,
                   active: function () { return active; }};
  root.setAttribute("data-geo-ready", "true");
})();
