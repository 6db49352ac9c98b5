/* geo map review tools (written for geo; not a vendored file).
 *
 * Check and correct the places of the article where they are shown: choose another reading,
 * drop a place, pin a place or an unplaced name by clicking the map (or by typing a name, searched
 * in the readings geo considered for the article's names), rename a place. Edits are kept in the
 * page and in localStorage (keyed by the article), announced to screen readers, and downloaded as
 * the article's corrections sidecar (TOML), which `geo map` applies to give the edited map.
 * Every text is put on the page with textContent only, and written to TOML escaped. */
(function () {
  "use strict";

  var G = window.geoMap;
  if (!G) { return; }
  var cfg = window.geoData, places = G.places, map = G.map, el = G.el;
  var F = {};
  for (var f = 0; f < cfg.altFields.length; f++) { F[cfg.altFields[f]] = f; }
  var storeKey = "geo-edits:" + cfg.articleKey;
  var edits = {};        // place id -> {op: "alt"|"drop"|"pin", k, lat, lon, label}
  var original = {};     // place id -> {lat, lon, kind, name, gname, div, country}
  var pinning = null;    // place id waiting for a click on the map
  var liveNode = document.getElementById("geo-review-status");
  var reviewBox = document.getElementById("geo-review");
  if (reviewBox) { reviewBox.hidden = false; }

  function say(text) {
    if (liveNode) { liveNode.textContent = ""; liveNode.textContent = text; }
  }

  function button(text, cls, onClick) {
    var b = el("button", "geo-button" + (cls ? " " + cls : ""), text);
    b.type = "button";
    b.addEventListener("click", function (event) { event.preventDefault(); event.stopPropagation(); onClick(b); });
    return b;
  }

  function altOf(id, k) {
    var a = (places[id].alt || [])[k];
    if (!a) { return null; }
    return {name: a[F.name], kind: a[F.kind], div: a[F.division], cc: a[F.country], pop: a[F.population],
            km: a[F.km], score: a[F.score], lat: a[F.lat], lon: a[F.lon], ref: a[F.ref]};
  }

  function countryName(cc) { return (cc && cfg.countries[cc]) || cc || ""; }

  function altText(a) {
    var parts = [(cfg.kinds[a.kind] || cfg.kinds.unknown).label];
    if (a.div) { parts.push(a.div); }
    if (a.cc) { parts.push(countryName(a.cc)); }
    if (a.pop) { parts.push("pop. " + Number(a.pop).toLocaleString("en")); }
    if (a.km !== null && a.km !== undefined) { parts.push(Number(a.km).toLocaleString("en") + " km away"); }
    parts.push("score " + Number(a.score).toFixed(2));
    return a.name + " (" + parts.join(", ") + ")";
  }

  /* ------------------------------------------------------------ what a place is now */

  function current(id) {
    var p = places[id], e = edits[id], o = original[id];
    if (e && e.op === "drop") { return null; }
    var out = {name: p.name, kind: o.kind, lat: o.lat, lon: o.lon, placed: o.placed};
    if (e && e.op === "alt") {
      var a = altOf(id, e.k);
      if (a) { out.kind = a.kind; out.lat = a.lat; out.lon = a.lon; out.placed = true; out.gname = a.name; out.div = a.div; out.cc = a.cc; }
    } else if (e && e.op === "pin") {
      out.kind = "place"; out.lat = e.lat; out.lon = e.lon; out.placed = true;
    }
    if (e && e.label) { out.name = e.label; }
    return out;
  }

  function placesShown() {
    var out = [];
    for (var id = 0; id < places.length; id++) {
      var c = current(id);
      if (c && c.placed) { out.push({id: id, name: c.name, kind: c.kind, lat: c.lat, lon: c.lon}); }
    }
    return out;
  }

  /* ------------------------------------------------------------ drawing an edit */

  function setKindClass(nodes, kind) {
    if (!nodes) { return; }
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      n.className = n.className.replace(/\bgeo-k-[a-z0-9]+\b/g, "").replace(/\s+/g, " ").trim();
      n.classList.add("geo-k-" + kind);
    }
  }

  function markerFor(id, c) {
    var m = G.markers[id];
    if (!m && c && c.placed) {
      m = new L.CircleMarker([c.lat, c.lon], {radius: 8, color: "#222222", weight: 1, opacity: 0.9, fillOpacity: 0.8,
                                          fillColor: cfg.kinds.place.colour, geoId: id, className: "geo-marker geo-pinned"});
      G.markers[id] = m;
      if (G.markerGroup) { G.markerGroup.addLayer(m); } else { m.addTo(map); }
      m.on("click", function () { G.select(id, {fly: false, scroll: true}); });
      var path = m.getElement ? m.getElement() : null;
      if (path) {
        path.setAttribute("tabindex", "0");
        path.setAttribute("role", "button");
        path.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); G.select(id, {fly: false, scroll: true}); }
        });
      }
    }
    return m;
  }

  function draw(id) {
    var p = places[id], c = current(id), o = original[id];
    var nodes = (G.mentionsById[id] || []).concat(G.listById[id] || []);
    for (var i = 0; i < nodes.length; i++) {
      nodes[i].classList.toggle("geo-dropped", !c);
      nodes[i].classList.toggle("geo-edited", !!edits[id]);
    }
    var m = markerFor(id, c);
    if (m) {
      if (!c || !c.placed) {
        if (m._map) { (G.markerGroup && G.markerGroup.hasLayer(m) ? G.markerGroup : map).removeLayer(m); }
      } else {
        if (!m._map) { if (G.markerGroup) { G.markerGroup.addLayer(m); } else { m.addTo(map); } }
        m.setLatLng([c.lat, c.lon]);
        var colour = (cfg.kinds[c.kind] || cfg.kinds.unknown).colour;
        var sure = !!edits[id] || p.conf >= cfg.reviewBelow;
        G.baseStyle[id] = {weight: sure ? 1 : 2.5, color: "#222222"};
        m.setStyle({fillColor: colour, fillOpacity: sure ? 0.8 : 0.2, dashArray: sure ? null : "4 3", weight: sure ? 1 : 2.5});
        var path = m.getElement ? m.getElement() : null;
        if (path) { path.setAttribute("aria-label", c.name + ", " + (cfg.kinds[c.kind] || cfg.kinds.unknown).label); }
      }
    }
    var outline = G.outlines[id];
    if (outline) {
      var keep = c && (!edits[id] || edits[id].op !== "alt" && edits[id].op !== "pin");
      if (keep && !outline._map) { outline.addTo(map); }
      if (!keep && outline._map) { map.removeLayer(outline); }
    }
    if (c && c.placed) { setKindClass(nodes, c.kind); } else if (c) { setKindClass(nodes, "unresolved"); }
    var lists = G.listById[id] || [];
    for (var j = 0; j < lists.length; j++) {
      var nameNode = lists[j].querySelector(".geo-place-name, .geo-unresolved-name");
      if (nameNode) { nameNode.textContent = c ? c.name : p.name; }
      var meta = lists[j].querySelector(".geo-place-meta");
      if (meta) { meta.textContent = metaText(id, c); }
    }
    if (m && m.getTooltip && m.getTooltip()) { m.setTooltipContent(el("span", "geo-tooltip", (c ? c.name : p.name))); }
    p.resolved = !!(c && c.placed);
    listEdits();
  }

  function metaText(id, c) {
    var p = places[id];
    if (!c) { return "dropped"; }
    var parts = [(cfg.kinds[c.kind] || cfg.kinds.unknown).label];
    var e = edits[id];
    if (e && e.op === "alt") {
      parts.push("now " + c.gname);
      if (c.div) { parts.push(c.div); }
      if (c.cc) { parts.push(countryName(c.cc)); }
    } else if (e && e.op === "pin") {
      parts.push("pinned at " + c.lat.toFixed(3) + ", " + c.lon.toFixed(3));
    } else {
      if (p.gname) { parts.push("gazetteer: " + p.gname); }
      if (p.div) { parts.push(p.div); }
      if (p.country && p.country !== p.name) { parts.push(p.country); }
    }
    parts.push((p.n + p.adj) + " mention" + (p.n + p.adj === 1 ? "" : "s"));
    return parts.join(" \u00b7 ");
  }

  /* ------------------------------------------------------------ editing */

  function save() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(edits)); } catch (err) { /* private mode: page only */ }
  }

  function edit(id, change, message) {
    if (change === null) { delete edits[id]; } else { edits[id] = change; }
    save();
    draw(id);
    if (map) { map.closePopup(); }
    say(message);
    G.announce(message);
  }

  function choose(id, k) {
    var a = altOf(id, k);
    if (!a) { return; }
    var label = edits[id] && edits[id].label;
    edit(id, {op: "alt", k: k, label: label || undefined}, places[id].name + " now means " + altText(a) + ".");
    if (map) { G.whenStill(function () { map.setView([a.lat, a.lon], Math.max(map.getZoom(), cfg.zoomByKind[a.kind] || 8)); }); }
  }

  function drop(id) { edit(id, {op: "drop"}, places[id].name + " dropped: not a place of this article."); }

  function undo(id) { edit(id, null, places[id].name + ": correction undone."); }

  function relabel(id, text) {
    var name = String(text || "").replace(/\s+/g, " ").trim();
    if (!name) { return; }
    var e = edits[id] ? JSON.parse(JSON.stringify(edits[id])) : {op: "label"};
    if (e.op === "drop") { e = {op: "label"}; }
    e.label = name;
    edit(id, e, places[id].name + " renamed " + name + ".");
  }

  function pinAt(id, latlng) {
    var lat = Math.round(latlng.lat * 1e5) / 1e5, lon = Math.round(L.Util.wrapNum(latlng.lng, [-180, 180], true) * 1e5) / 1e5;
    var label = edits[id] && edits[id].label;
    stopPinning();
    edit(id, {op: "pin", lat: lat, lon: lon, label: label || undefined},
         places[id].name + " pinned at " + lat.toFixed(4) + ", " + lon.toFixed(4) + ".");
  }

  function startPinning(id) {
    pinning = id;
    document.documentElement.setAttribute("data-geo-pinning", String(id));
    G.note("Click the map where " + places[id].name + " is, or press \u201cPin at the map\u2019s centre\u201d (Escape cancels).");
    say("Pinning " + places[id].name + ": click the map where it is, or use the button Pin at the map's centre.");
    var centre = document.getElementById("geo-pin-centre");
    if (centre) { centre.hidden = false; centre.focus(); }
  }

  function stopPinning() {
    pinning = null;
    document.documentElement.removeAttribute("data-geo-pinning");
    G.note("");
    var centre = document.getElementById("geo-pin-centre");
    if (centre) { centre.hidden = true; }
  }

  /* ------------------------------------------------------------ controls */

  function searchPool() {
    var pool = [], seen = {};
    for (var id = 0; id < places.length; id++) {
      for (var k = 0; k < (places[id].alt || []).length; k++) {
        var a = altOf(id, k), key = a.name + "|" + a.lat + "|" + a.lon;
        if (!seen[key]) { seen[key] = true; pool.push(a); }
      }
    }
    return pool;
  }

  function searchBox(id) {
    var wrap = el("div", "geo-search");
    var label = el("label", "geo-search-label", "Or type a place name");
    var input = el("input", "geo-search-input");
    input.type = "search";
    input.id = "geo-search-" + id;
    label.htmlFor = input.id;
    var results = el("ul", "geo-search-results");
    results.setAttribute("aria-live", "polite");
    input.addEventListener("input", function () {
      results.textContent = "";
      var q = input.value.trim().toLowerCase();
      if (q.length < 2) { return; }
      var pool = searchPool(), shown = 0;
      for (var i = 0; i < pool.length && shown < 8; i++) {
        if (pool[i].name.toLowerCase().indexOf(q) === -1) { continue; }
        var a = pool[i], li = el("li");
        li.appendChild(button(altText(a), "geo-search-pick", (function (cand) {
          return function () { pinAt(id, {lat: cand.lat, lng: cand.lon}); };
        })(a)));
        results.appendChild(li);
        shown += 1;
      }
      if (!shown) { results.appendChild(el("li", "geo-none", "No reading of the article's names matches.")); }
    });
    wrap.appendChild(label);
    wrap.appendChild(input);
    wrap.appendChild(results);
    return wrap;
  }

  function tools(id) {
    var p = places[id], box = el("div", "geo-review-tools");
    var alts = p.alt || [];
    if (alts.length) {
      box.appendChild(el("p", "geo-alts-h", "Other readings geo considered:"));
      var list = el("ul", "geo-alt-list");
      for (var k = 0; k < alts.length; k++) {
        var li = el("li"), chosen = edits[id] && edits[id].op === "alt" && edits[id].k === k;
        var b = button((chosen ? "\u2713 " : "") + altText(altOf(id, k)), "geo-alt", (function (kk) {
          return function () { choose(id, kk); };
        })(k));
        b.setAttribute("data-alt", String(k));
        if (chosen) { b.setAttribute("aria-pressed", "true"); }
        li.appendChild(b);
        list.appendChild(li);
      }
      box.appendChild(list);
    }
    var row = el("p", "geo-review-buttons");
    row.appendChild(button(p.resolved ? "Move: click the map" : "Pin on the map", "geo-pin", function () { startPinning(id); }));
    row.appendChild(document.createTextNode(" "));
    if (!edits[id] || edits[id].op !== "drop") { row.appendChild(button("Drop: not a place", "geo-drop", function () { drop(id); })); }
    if (edits[id]) { row.appendChild(document.createTextNode(" ")); row.appendChild(button("Undo", "geo-undo", function () { undo(id); })); }
    box.appendChild(row);
    var form = el("form", "geo-relabel");
    var lab = el("label", "geo-search-label", "Rename");
    var input = el("input", "geo-relabel-input");
    input.id = "geo-relabel-" + id;
    lab.htmlFor = input.id;
    input.value = (edits[id] && edits[id].label) || p.name;
    form.appendChild(lab);
    form.appendChild(input);
    var ok = el("button", "geo-button", "Rename");
    ok.type = "submit";
    form.appendChild(ok);
    form.addEventListener("submit", function (event) { event.preventDefault(); relabel(id, input.value); });
    box.appendChild(form);
    if (!p.resolved || (edits[id] && edits[id].op === "pin")) { box.appendChild(searchBox(id)); }
    return box;
  }

  G.popupHooks.push(function (box, id) { box.appendChild(tools(id)); });

  /* The place list: "Other readings" and the unplaced names' tools, filled when opened. */
  var details = document.querySelectorAll("details.geo-alts");
  for (var d = 0; d < details.length; d++) {
    details[d].addEventListener("toggle", function (event) {
      var node = event.currentTarget, id = Number(node.getAttribute("data-for"));
      var old = node.querySelector(".geo-review-tools");
      if (old) { node.removeChild(old); }
      if (node.open && places[id]) { node.appendChild(tools(id)); }
    });
  }
  var unresolvedItems = document.querySelectorAll(".geo-unresolved-list > li");
  for (var u = 0; u < unresolvedItems.length; u++) {
    var item = unresolvedItems[u], uid = Number(String(item.id).replace("geo-place-", ""));
    if (!places[uid] || item.querySelector("details.geo-alts")) { continue; }
    var more = el("details", "geo-alts");
    more.setAttribute("data-for", String(uid));
    more.appendChild(el("summary", null, "Correct it"));
    more.addEventListener("toggle", function (event) {
      var node = event.currentTarget, id = Number(node.getAttribute("data-for"));
      var old = node.querySelector(".geo-review-tools");
      if (old) { node.removeChild(old); }
      if (node.open) { node.appendChild(tools(id)); }
    });
    item.appendChild(more);
  }

  /* ------------------------------------------------------------ the corrections file */

  function tomlString(text) {
    return JSON.stringify(String(text)).replace(/\u007f/g, "\\u007f");
  }

  function names(id) {
    var p = places[id], out = [p.name], forms = p.f || [];
    for (var i = 0; i < forms.length; i++) { if (out.indexOf(forms[i]) === -1) { out.push(forms[i]); } }
    return out;
  }

  function pinLines(id, e) {
    var p = places[id], all = names(id), lines = ["[[pin]]", "name = " + tomlString(all[0])];
    if (all.length > 1) { lines.push("aliases = [" + all.slice(1).map(tomlString).join(", ") + "]"); }
    var ref = null, lat = null, lon = null, kind = null, cc = null;
    if (e.op === "alt") {
      var a = altOf(id, e.k);
      ref = a.ref; lat = a.lat; lon = a.lon; kind = a.kind; cc = a.cc;
    } else if (e.op === "pin") {
      lat = e.lat; lon = e.lon; kind = "place";
    } else {
      ref = p.gid !== undefined ? p.gid : (p.ref || null);
      lat = original[id].lat; lon = original[id].lon; kind = original[id].kind;
      if (!p.resolved) { return []; }  // a new name for a name geo could not place: nothing to pin yet
    }
    if (typeof ref === "number") { lines.push("geonameid = " + ref); } else if (typeof ref === "string") {
      lines.push("ref = " + tomlString(ref));
    } else {
      lines.push("lat = " + lat, "lon = " + lon);
      if (kind && kind !== "unknown") { lines.push("kind = " + tomlString(kind)); }
      if (cc) { lines.push("country = " + tomlString(cc)); }
    }
    if (e.label) { lines.push("label = " + tomlString(e.label)); }
    return lines;
  }

  function corrections() {
    var out = ["# Corrections made in the map \u201c" + document.title.replace(/[\r\n]+/g, " ") + "\u201d.",
               "# Keep this file beside the article as " + cfg.correctionsName + ": geo map applies it."];
    for (var id = 0; id < places.length; id++) {
      var e = edits[id];
      if (!e) { continue; }
      out.push("");
      if (e.op === "drop") {
        var all = names(id);
        for (var i = 0; i < all.length; i++) { out.push("[[drop]]", "name = " + tomlString(all[i])); }
      } else {
        out = out.concat(pinLines(id, e));
      }
    }
    return out.join("\n") + "\n";
  }

  function download() {
    var blob = new Blob([corrections()], {type: "application/toml"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = cfg.correctionsName;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    say("Corrections downloaded as " + cfg.correctionsName + ".");
  }

  function listEdits() {
    var list = document.getElementById("geo-review-list"), summary = document.getElementById("geo-review-summary");
    if (!list) { return; }
    list.textContent = "";
    var n = 0;
    for (var id = 0; id < places.length; id++) {
      var e = edits[id];
      if (!e) { continue; }
      n += 1;
      var c = current(id), li = el("li");
      var what = !c ? "dropped" : e.op === "alt" ? "now " + c.gname : e.op === "pin" ? "pinned" : "renamed";
      if (c && e.label && e.op !== "label") { what += ", renamed " + e.label; } else if (e.op === "label") { what += " " + e.label; }
      li.appendChild(el("span", null, places[id].name + ": " + what + " "));
      li.appendChild(button("Undo", "geo-undo", (function (i) { return function () { undo(i); }; })(id)));
      list.appendChild(li);
    }
    if (summary) {
      summary.textContent = n ? n + " correction" + (n === 1 ? "" : "s") + ", kept in this browser. Download them to keep them with the article."
        : "No corrections yet: choose another reading, drop a place, pin a name on the map or rename a place from its popup.";
    }
    var dl = document.getElementById("geo-download");
    if (dl) { dl.disabled = !n; }
  }

  /* ------------------------------------------------------------ wiring */

  for (var id = 0; id < places.length; id++) {
    var m = G.markers[id], ll = m ? m.getLatLng() : null;
    original[id] = {lat: ll ? ll.lat : null, lon: ll ? ll.lng : null, kind: places[id].kind, placed: places[id].resolved};
  }
  if (map) {
    map.on("click", function (event) { if (pinning !== null) { pinAt(pinning, event.latlng); } });
    var centreControl = L.control({position: "topright"});
    centreControl.onAdd = function () {
      var b = button("Pin at the map\u2019s centre", "geo-pin-centre", function () { if (pinning !== null) { pinAt(pinning, map.getCenter()); } });
      b.id = "geo-pin-centre";
      b.hidden = true;
      L.DomEvent.disableClickPropagation(b);
      return b;
    };
    centreControl.addTo(map);
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && pinning !== null) { stopPinning(); say("Pinning cancelled."); }
  });
  var dlButton = document.getElementById("geo-download");
  if (dlButton) { dlButton.addEventListener("click", download); }
  var undoAll = document.getElementById("geo-undo-all");
  if (undoAll) {
    undoAll.addEventListener("click", function () {
      var ids = Object.keys(edits);
      edits = {};
      save();
      for (var i = 0; i < ids.length; i++) { draw(Number(ids[i])); }
      say("Every correction undone.");
    });
  }

  var stored = null;
  try { stored = JSON.parse(window.localStorage.getItem(storeKey) || "null"); } catch (err) { stored = null; }
  if (stored && typeof stored === "object") {
    for (var key in stored) {
      var sid = Number(key), e = stored[key];
      if (!places[sid] || !e || typeof e !== "object" || ["alt", "drop", "pin", "label"].indexOf(e.op) === -1) { continue; }
      edits[sid] = {op: e.op, k: Number(e.k) || 0, lat: Number(e.lat), lon: Number(e.lon),
                    label: typeof e.label === "string" ? e.label : undefined};
      draw(sid);
    }
  }
  listEdits();

  window.geoReview = {edits: function () { return JSON.parse(JSON.stringify(edits)); }, placesShown: placesShown,
                      corrections: corrections, choose: choose, drop: drop, pinAt: pinAt, relabel: relabel};
})();
