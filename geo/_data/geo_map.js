/* geo map page: binds place popups and tooltips to the folium-built layers.
 * Written for geo (not a vendored file). All article text comes from the JSON block
 * #geo-data and is put on the page with textContent / createTextNode only. */
(function () {
  "use strict";
  var dataNode = document.getElementById("geo-data");
  if (!dataNode) { return; }
  var cfg = JSON.parse(dataNode.textContent);
  var map = window[cfg.map];
  var places = cfg.places;
  var layersById = {};

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function mentionSummary(p) {
    var parts = [plural(p.n, "mention")];
    if (p.adj) { parts.push(plural(p.adj, "adjectival mention")); }
    return parts.join(", ");
  }

  /* A snippet is [plain, highlighted, plain, ...]; odd items are the place's mentions. */
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
    var root = el("div", "geo-popup");
    root.setAttribute("role", "dialog");
    root.setAttribute("aria-label", p.name);
    root.appendChild(el("h2", "geo-popup-name", p.name));
    var meta = [p.kindLabel];
    if (p.country && p.country !== p.name) { meta.push(p.country); }
    root.appendChild(el("p", "geo-popup-meta", meta.join(" \u00b7 ")));
    root.appendChild(el("p", "geo-popup-count", mentionSummary(p)));
    if (p.snippets.length) {
      var list = el("div", "geo-popup-snippets");
      for (var i = 0; i < p.snippets.length; i++) { list.appendChild(snippetNode(p.snippets[i])); }
      root.appendChild(list);
    }
    return root;
  }

  function tooltipContent(id) {
    var p = places[id];
    return el("span", "geo-tooltip", p.name + " (" + p.kindLabel + ", " + plural(p.n + p.adj, "mention") + ")");
  }

  function bind(layer, id) {
    if (!layersById[id]) { layersById[id] = layer; }
    layer.bindPopup(function () { return popupContent(id); }, {maxWidth: 360, minWidth: 220, autoPanPadding: [24, 24]});
    layer.bindTooltip(function () { return tooltipContent(id); }, {direction: "top", sticky: false});
  }

  cfg.markerLayers.forEach(function (name) {
    var group = window[name];
    if (!group) { return; }
    group.eachLayer(function (layer) {
      var id = layer.options && layer.options.geoId;
      if (typeof id === "number" && places[id]) { bind(layer, id); }
    });
  });

  if (cfg.outlineLayer && window[cfg.outlineLayer]) {
    window[cfg.outlineLayer].eachLayer(function (layer) {
      var id = layer.feature && layer.feature.properties && layer.feature.properties.i;
      if (typeof id === "number" && places[id]) {
        layer.bindPopup(function () { return popupContent(id); }, {maxWidth: 360, minWidth: 220});
      }
    });
  }

  window.geoMap = {map: map, places: places, layers: layersById};
})();
