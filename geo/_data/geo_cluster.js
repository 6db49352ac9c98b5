/* geo's point clusters (written for geo; not a vendored file).
 *
 * Tens of thousands of places as canvas circles, grouped per screen cell into numbered cluster icons
 * (styled like Leaflet.markercluster's, whose stylesheet the page carries). Only the current view is
 * clustered, again after each move or zoom: a pass over plain arrays of projected points, so opening
 * a map of 100,000 places costs one such pass rather than a cluster tree for every zoom level.
 *
 *   var group = L.geoClusters({cellSize: 45, flatZoom: 12});
 *   group.addPoints(lats, lons, function (k) { return new L.CircleMarker(...); });  // made when first shown
 *   group.addLayer(marker);                                                    // a marker of its own
 *
 * A click on a cluster zooms to its places (at the deepest zoom: a list of them); events of the
 * circles (click …) reach the group too, as with a feature group (event.propagatedFrom). */
(function () {
  "use strict";

  var MAX_LISTED = 30;

  function Point(lat, lon, layer, make, k) {
    this.lat = lat; this.lon = lon; this.layer = layer; this.make = make; this.k = k;
  }

  L.GeoClusters = L.Layer.extend({
    options: {cellSize: 45, flatZoom: 12, renderer: null},

    initialize: function (options) {
      L.setOptions(this, options);
      this._points = [];
      this._shown = [];      // layers on the map now: circles and cluster icons
      this._byLayer = new Map();
    },

    /* Points k = 0 … n-1 at lats[k], lons[k]; make(k) gives the circle of point k when first shown. */
    addPoints: function (lats, lons, make) {
      for (var k = 0; k < lats.length; k++) { this._points.push(new Point(lats[k], lons[k], null, make, k)); }
      return this._changed();
    },

    addLayer: function (layer) {
      this._add(layer);
      return this._changed();
    },

    /* Many markers at once: clustered right away (when the group is on the map). */
    addLayers: function (layers) {
      for (var i = 0; i < layers.length; i++) { this._add(layers[i]); }
      this._icons = new Map();
      if (this._map) { this._update(); }
      return this;
    },

    _add: function (layer) {
      if (this._byLayer.has(layer)) { return; }
      var point = new Point(null, null, layer, null, -1);
      this._points.push(point);
      this._own(point, layer);
    },

    removeLayer: function (layer) {
      var point = this._byLayer.get(layer);
      if (!point) { return this; }
      this._points.splice(this._points.indexOf(point), 1);
      this._byLayer.delete(layer);
      layer.removeEventParent(this);
      if (this._map && this._map.hasLayer(layer)) { this._map.removeLayer(layer); }
      return this._changed();
    },

    hasLayer: function (layer) { return this._byLayer.has(layer); },

    /* Every point's circle (made now if it was never shown). */
    getLayers: function () { return this._points.map(this._layerOf, this); },

    /* The circles made so far (every circle once it was shown, or given with addLayer). */
    eachLayer: function (fn, context) {
      this._byLayer.forEach(function (point, layer) { fn.call(context, layer); });
      return this;
    },

    clearLayers: function () {
      this._clearShown();
      var self = this;
      this._byLayer.forEach(function (point, layer) { layer.removeEventParent(self); });
      this._points = [];
      this._byLayer = new Map();
      return this._changed();
    },

    count: function () { return this._points.length; },

    onAdd: function (map) {
      map.on("moveend", this._update, this);
      this._update();
    },

    onRemove: function (map) {
      map.off("moveend", this._update, this);
      this._clearShown();
    },

    _own: function (point, layer) {
      point.layer = layer;
      this._byLayer.set(layer, point);
      layer.addEventParent(this);
      return layer;
    },

    _layerOf: function (point) { return point.layer || this._own(point, point.make(point.k)); },

    _latLng: function (point) { return point.layer && point.lat === null ? point.layer.getLatLng() : L.latLng(point.lat, point.lon); },

    _changed: function () {
      this._icons = new Map();  // the points changed: no cluster icon can be kept
      if (this._map && !this._pending) {  // one update for many changes in a row
        this._pending = true;
        var self = this;
        L.Util.requestAnimFrame(function () { self._pending = false; if (self._map) { self._update(); } });
      }
      return this;
    },

    _clearShown: function () {
      for (var i = 0; i < this._shown.length; i++) {
        if (this._map && this._map.hasLayer(this._shown[i])) { this._map.removeLayer(this._shown[i]); }
      }
      this._shown = [];
    },

    /* The points in (and a little around) the view, grouped by screen cell. */
    _cells: function () {
      var map = this._map, zoom = map.getZoom(), size = this.options.cellSize;
      var bounds = map.getBounds().pad(0.25), cells = new Map(), flat = zoom >= this.options.flatZoom;
      var south = bounds.getSouth(), north = bounds.getNorth(), west = bounds.getWest(), east = bounds.getEast();
      var wraps = east - west >= 360;
      for (var i = 0; i < this._points.length; i++) {
        var point = this._points[i], ll = point.lat === null ? point.layer.getLatLng() : point;
        var lat = point.lat === null ? ll.lat : point.lat, lon = point.lat === null ? ll.lng : point.lon;
        if (lat < south || lat > north || (!wraps && (lon < west || lon > east))) { continue; }
        var key = i;
        if (!flat) {
          var p = map.project([lat, lon], zoom);
          key = zoom + ":" + Math.floor(p.x / size) + ":" + Math.floor(p.y / size);
        }
        var cell = cells.get(key);
        if (cell) { cell.push(point); } else { cells.set(key, [point]); }
      }
      return cells;
    },

    _update: function () {
      if (!this._map) { return; }
      var shown = [], self = this, icons = new Map(), before = this._icons || new Map();
      this._cells().forEach(function (members, key) {
        if (members.length === 1) { shown.push(self._layerOf(members[0])); return; }
        var id = key + ":" + members.length, icon = before.get(id) || self._icon(members);  // a cell unchanged: its icon
        icons.set(id, icon);
        shown.push(icon);
      });
      this._icons = icons;
      var keep = new Set(shown);
      for (var i = 0; i < this._shown.length; i++) {
        if (!keep.has(this._shown[i])) { this._map.removeLayer(this._shown[i]); }
      }
      for (var j = 0; j < shown.length; j++) {
        if (!this._map.hasLayer(shown[j])) { this._map.addLayer(shown[j]); }
      }
      this._shown = shown;
      this.fire("clustered", {shown: shown.length});
    },

    _icon: function (members) {
      var lat = 0, lon = 0, bounds = L.latLngBounds([]);
      for (var i = 0; i < members.length; i++) {
        var ll = this._latLng(members[i]);
        lat += ll.lat; lon += ll.lng;
        bounds.extend(ll);
      }
      var n = members.length, size = n < 10 ? "small" : n < 100 ? "medium" : "large";
      var icon = L.divIcon({html: "<div><span>" + n + "</span></div>", iconSize: L.point(40, 40),
                            className: "marker-cluster marker-cluster-" + size});
      var marker = L.marker([lat / n, lon / n], {icon: icon, title: n + " places: zoom in", alt: n + " places"});
      var self = this;
      marker.on("click", function () { self._open(members, bounds); });  // (Enter on the icon too)
      return marker;
    },

    /* Zoom to the cluster's places; where that cannot part them, list them. */
    _open: function (members, bounds) {
      var map = this._map;
      if (map.getZoom() < map.getMaxZoom() && !bounds.getNorthEast().equals(bounds.getSouthWest())) {
        map.fitBounds(bounds, {padding: [40, 40], maxZoom: map.getMaxZoom()});
        return;
      }
      if (map.getZoom() < map.getMaxZoom()) { map.setView(bounds.getCenter(), map.getMaxZoom()); return; }
      var list = document.createElement("ul"), self = this;
      list.className = "geo-cluster-list";
      members.slice(0, MAX_LISTED).forEach(function (point) {
        var layer = self._layerOf(point), li = document.createElement("li"), b = document.createElement("button");
        b.type = "button";
        b.textContent = layer.options.geoLabel || "a place";
        b.addEventListener("click", function () { layer.fire("click", {latlng: self._latLng(point)}, true); });
        li.appendChild(b);
        list.appendChild(li);
      });
      L.popup().setLatLng(bounds.getCenter()).setContent(list).openOn(map);
    }
  });

  L.geoClusters = function (options) { return new L.GeoClusters(options); };
})();
