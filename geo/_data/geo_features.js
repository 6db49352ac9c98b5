/* geo map: the lines and outlines of rivers, lakes, seas and regions (written for geo; not vendored).
 *
 * Loaded only on a map that draws features. Each shape belongs to a place (its index in the page
 * data): it joins the place's outlines (geo_map.js highlights it with the place and flies to it;
 * the review tools hide it when the place is dropped or moved), and clicking it selects the place.
 * A river's line is drawn twice as thick as an outline, selected or not. */
(function () {
  "use strict";

  var G = window.geoMap, cfg = window.geoData;
  var group = G && cfg.layers.shapes ? window[cfg.layers.shapes] : null;
  if (!group) { return; }

  function thicker(layer) {
    var setStyle = layer.setStyle;
    layer.setStyle = function (style) {
      var doubled = {};
      for (var key in style) { doubled[key] = key === "weight" ? 2 * style[key] : style[key]; }
      return setStyle.call(layer, doubled);
    };
  }

  group.eachLayer(function (layer) {
    var id = layer.feature && layer.feature.properties ? layer.feature.properties.i : undefined;
    if (typeof id !== "number" || !G.places[id]) { return; }
    if (layer.feature.geometry.type.indexOf("LineString") !== -1) { thicker(layer); }
    G.outlines[id] = layer;
    var path = layer.getElement ? layer.getElement() : null;
    if (path) { path.setAttribute("aria-hidden", "true"); }  // the place's marker is the keyboard's way in
  });
  group.on("click", function (event) {
    var layer = event.propagatedFrom || event.layer;
    var id = layer && layer.feature ? layer.feature.properties.i : undefined;
    if (typeof id === "number") { G.select(id, {fly: false, scroll: true}); }
  });

  /* The popup says the feature's finer class ("strait", "volcano") after its kind. */
  G.popupHooks.unshift(function (box, id) {
    var p = G.places[id], meta = box.querySelector(".geo-popup-meta"), kind = G.kindLabel(p);
    if (p.sub && meta && meta.textContent.indexOf(kind) === 0) {
      meta.textContent = kind + " (" + p.sub + ")" + meta.textContent.slice(kind.length);
    }
  });
})();
