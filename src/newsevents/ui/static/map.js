// The map: country outlines from /world.json and the located fused events from /places.geojson, drawn in
// SVG with the Natural Earth projection (Šavrič et al. 2011: a polynomial in latitude, our own code).

import { svg, el, QUADS, tooltip, actorLabel } from "./util.js";

const RAD = Math.PI / 180;
const LAT_MIN = -58; // Antarctica and the Southern Ocean hold no news events worth the space
const LAT_MAX = 84;

function project(lon, lat) {
  const phi = lat * RAD;
  const lambda = lon * RAD;
  const p2 = phi * phi;
  const p4 = p2 * p2;
  const x = lambda * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)));
  const y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)));
  return [x, y];
}

const X_MAX = project(180, 0)[0];
const Y_TOP = project(0, LAT_MAX)[1];
const Y_BOTTOM = project(0, LAT_MIN)[1];

export class WorldMap {
  constructor(container, { onEvent, onCountry }) {
    this.container = container;
    this.onEvent = onEvent;
    this.onCountry = onCountry;
    this.width = container.clientWidth || 800;
    this.height = container.clientHeight || 400;
    // Fit the cropped world into the box, centred.
    this.scale = Math.min((this.width - 8) / (2 * X_MAX), (this.height - 8) / (Y_TOP - Y_BOTTOM));
    this.dx = this.width / 2;
    this.dy = this.height / 2 + ((Y_TOP + Y_BOTTOM) / 2) * this.scale;
    this.zoom = { k: 1, x: 0, y: 0 };
    this.features = [];
    this.selectedCountry = "";

    this.root = svg("svg", { id: "map-svg", viewBox: `0 0 ${this.width} ${this.height}`,
      role: "img", "aria-label": "Map of events" });
    const clip = svg("clipPath", { id: "map-clip" }, svg("rect", { width: this.width, height: this.height }));
    this.viewport = svg("g", { class: "viewport" });
    this.ocean = svg("path", { class: "ocean", d: this.outlinePath() });
    this.graticule = svg("path", { class: "graticule", d: this.graticulePath() });
    this.countries = svg("g", { class: "countries" });
    this.points = svg("g", { class: "events" });
    this.viewport.append(this.ocean, this.graticule, this.countries, this.points);
    this.root.append(svg("defs", {}, clip), svg("g", { "clip-path": "url(#map-clip)" }, this.viewport));
    container.replaceChildren(this.root);
    this.message = el("div", { class: "panel-message", hidden: true });
    container.append(this.message);
    this.installZoom();
  }

  xy(lon, lat) {
    const [x, y] = project(lon, lat);
    return [this.dx + x * this.scale, this.dy - y * this.scale];
  }

  outlinePath() {
    const parts = [];
    for (let lat = LAT_MIN; lat <= LAT_MAX; lat += 2) parts.push(this.xy(180, lat));
    for (let lat = LAT_MAX; lat >= LAT_MIN; lat -= 2) parts.push(this.xy(-180, lat));
    return "M" + parts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join("L") + "Z";
  }

  graticulePath() {
    let d = "";
    for (let lon = -180; lon <= 180; lon += 30) {
      const line = [];
      for (let lat = LAT_MIN; lat <= LAT_MAX; lat += 2) line.push(this.xy(lon, lat));
      d += "M" + line.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join("L");
    }
    for (let lat = -30; lat <= 60; lat += 30) {
      const line = [];
      for (let lon = -180; lon <= 180; lon += 5) line.push(this.xy(lon, lat));
      d += "M" + line.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join("L");
    }
    return d;
  }

  ringPath(ring) {
    let d = "";
    let last = "";
    for (const [lon, lat] of ring) {
      const [x, y] = this.xy(lon, Math.max(LAT_MIN - 2, lat));
      const point = `${x.toFixed(1)},${y.toFixed(1)}`;
      if (point === last) continue; // a coast finer than a tenth of a pixel adds nothing
      d += (d ? "L" : "M") + point;
      last = point;
    }
    return d + "Z";
  }

  /** Draws the outlines once: a path per country, holes by the even-odd rule. */
  setWorld(world) {
    const paths = [];
    for (const feature of world.features || []) {
      const { iso3, name } = feature.properties || {};
      if (iso3 === "ATA") continue;
      const geometry = feature.geometry || {};
      const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates || [];
      const d = polygons.map((polygon) => polygon.map((ring) => this.ringPath(ring)).join("")).join("");
      const path = svg("path", { class: "country", d, "data-iso3": iso3, "fill-rule": "evenodd" });
      path.addEventListener("pointerenter", (e) => {
        if (!this.dragging) tooltip.show(e, [name, iso3 === this.selectedCountry ? "click to clear the country filter" : "click to filter by this country"]);
      });
      path.addEventListener("pointermove", (e) => tooltip.move(e));
      path.addEventListener("pointerleave", () => tooltip.hide());
      path.addEventListener("click", () => {
        if (this.moved) return; // the end of a pan, not a click
        this.onCountry(iso3 === this.selectedCountry ? "" : iso3);
      });
      paths.push(path);
    }
    this.countries.replaceChildren(...paths);
    this.features = world.features || [];
    this.highlightCountry(this.selectedCountry);
  }

  highlightCountry(iso3) {
    this.selectedCountry = iso3 || "";
    for (const path of this.countries.children) {
      path.classList.toggle("selected", path.dataset.iso3 === this.selectedCountry);
    }
  }

  /** Draws one circle per located fused event; events at the same point fan out on a small spiral. */
  setEvents(collection) {
    const features = (collection.features || []).filter((f) => f.geometry && Array.isArray(f.geometry.coordinates));
    const groups = new Map();
    for (const f of features) {
      const [lon, lat] = f.geometry.coordinates;
      const key = `${lon.toFixed(3)},${lat.toFixed(3)}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(f);
    }
    this.markers = [];
    for (const group of groups.values()) {
      group.sort((a, b) => (b.properties.mentions || 1) - (a.properties.mentions || 1));
      group.forEach((f, i) => {
        const [lon, lat] = f.geometry.coordinates;
        const [x, y] = this.xy(lon, lat);
        // Sunflower spiral: the i-th event of a shared point sits at radius ~sqrt(i), golden-angle apart.
        const angle = i * 2.39996;
        const spread = i === 0 ? 0 : 4.2 * Math.sqrt(i);
        this.markers.push({ f, x, y, ox: spread * Math.cos(angle), oy: spread * Math.sin(angle),
          r: 3 + 2.2 * Math.sqrt(Math.max(1, f.properties.mentions || 1)) });
      });
    }
    // Big circles first so small ones stay clickable on top.
    this.markers.sort((a, b) => b.r - a.r);
    const nodes = this.markers.map((m) => {
      const p = m.f.properties;
      const circle = svg("circle", { class: ["event", `q${p.quad_class}`], "data-id": p.id, "data-quad": p.quad_class,
        "data-mentions": p.mentions, fill: (QUADS[p.quad_class] || {}).color || "#888", tabindex: 0, role: "button",
        "aria-label": `${p.date || "undated"} ${p.cameo_name || p.cameo}` });
      circle.addEventListener("pointerenter", (e) => tooltip.show(e, [
        `${p.date || "undated"} · ${p.place || ""}${p.country ? ` (${p.country})` : ""}`,
        `${actorLabel(p.source) || "?"} → ${actorLabel(p.target) || "?"}`,
        `${p.cameo} ${p.cameo_name || ""}`,
        `${p.mentions} mention${p.mentions === 1 ? "" : "s"} · ${p.modality || ""}`,
      ]));
      circle.addEventListener("pointermove", (e) => tooltip.move(e));
      circle.addEventListener("pointerleave", () => tooltip.hide());
      circle.addEventListener("click", (e) => { e.stopPropagation(); if (!this.moved) this.onEvent(p.id); });
      circle.addEventListener("keydown", (e) => { if (e.key === "Enter") this.onEvent(p.id); });
      m.node = circle;
      return circle;
    });
    this.points.replaceChildren(...nodes);
    this.placeMarkers();
    return nodes.length;
  }

  setSelected(id) {
    for (const m of this.markers || []) m.node.classList.toggle("selected", m.f.properties.id === id);
  }

  showMessage(text) {
    this.message.textContent = text || "";
    this.message.hidden = !text;
  }

  // Markers keep their size on screen when zooming: radii and spiral offsets are divided by the zoom.
  placeMarkers() {
    const k = this.zoom.k;
    for (const m of this.markers || []) {
      m.node.setAttribute("cx", (m.x + m.ox / k).toFixed(2));
      m.node.setAttribute("cy", (m.y + m.oy / k).toFixed(2));
      m.node.setAttribute("r", (m.r / k).toFixed(2));
    }
  }

  applyZoom() {
    const { k, x, y } = this.zoom;
    this.viewport.setAttribute("transform", `translate(${x.toFixed(2)},${y.toFixed(2)}) scale(${k})`);
    this.root.style.setProperty("--zoom", k);
    this.placeMarkers();
  }

  zoomAt(factor, cx, cy) {
    const k = Math.min(16, Math.max(1, this.zoom.k * factor));
    const ratio = k / this.zoom.k;
    this.zoom.x = cx - (cx - this.zoom.x) * ratio;
    this.zoom.y = cy - (cy - this.zoom.y) * ratio;
    this.zoom.k = k;
    this.clampPan();
    this.applyZoom();
  }

  clampPan() {
    const { k } = this.zoom;
    this.zoom.x = Math.min(0, Math.max(this.width * (1 - k), this.zoom.x));
    this.zoom.y = Math.min(0, Math.max(this.height * (1 - k), this.zoom.y));
  }

  /** Zooms to the markers' extent when they cover a small part of the world (the first view only). */
  fitMarkers() {
    if (!this.markers || !this.markers.length) return;
    const xs = this.markers.map((m) => m.x);
    const ys = this.markers.map((m) => m.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const k = Math.min(6, 0.7 * Math.min(this.width / Math.max(1, x1 - x0), this.height / Math.max(1, y1 - y0)));
    if (k < 1.4) return;
    this.zoom = { k, x: this.width / 2 - ((x0 + x1) / 2) * k, y: this.height / 2 - ((y0 + y1) / 2) * k };
    this.clampPan();
    this.applyZoom();
  }

  resetZoom() {
    this.zoom = { k: 1, x: 0, y: 0 };
    this.applyZoom();
  }

  /** A pointer's position in the SVG's own units (the drawing scales with the page). */
  local(e) {
    const box = this.root.getBoundingClientRect();
    const unit = this.width / (box.width || this.width);
    return [(e.clientX - box.left) * unit, (e.clientY - box.top) * unit];
  }

  installZoom() {
    this.root.addEventListener("wheel", (e) => {
      e.preventDefault();
      const [x, y] = this.local(e);
      this.zoomAt(e.deltaY < 0 ? 1.25 : 0.8, x, y);
    }, { passive: false });
    let start = null;
    this.root.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      start = { x: e.clientX, y: e.clientY, zx: this.zoom.x, zy: this.zoom.y };
      this.moved = false;
    });
    window.addEventListener("pointermove", (e) => {
      if (!start) return;
      const dx = e.clientX - start.x;
      const dy = e.clientY - start.y;
      if (!this.moved && Math.hypot(dx, dy) < 4) return;
      this.moved = true;
      this.dragging = true;
      tooltip.hide();
      const unit = this.width / (this.root.getBoundingClientRect().width || this.width);
      this.zoom.x = start.zx + dx * unit;
      this.zoom.y = start.zy + dy * unit;
      this.clampPan();
      this.applyZoom();
    });
    window.addEventListener("pointerup", () => {
      start = null;
      this.dragging = false;
      // The click that ends a pan fires after pointerup: keep `moved` until then.
      setTimeout(() => { this.moved = false; }, 0);
    });
  }
}

/** The legend: quad colours and marker sizes. */
export function mapLegend(container) {
  const items = Object.entries(QUADS).map(([q, { name, color }]) =>
    el("span", { class: "legend-item", "data-quad": q },
      el("span", { class: "swatch dot", "data-color": color }), name));
  const sizes = [1, 5, 20].map((n) => {
    const r = 3 + 2.2 * Math.sqrt(n);
    const box = 2 * r + 2;
    return el("span", { class: "legend-item size" },
      svg("svg", { width: box, height: box, viewBox: `0 0 ${box} ${box}` },
        svg("circle", { cx: box / 2, cy: box / 2, r, class: "size-dot" })), String(n));
  });
  container.replaceChildren(...items, el("span", { class: "legend-sep" }, "mentions:"), ...sizes);
  // Colours come from data attributes through the CSSOM, which the page's CSP allows.
  for (const swatch of container.querySelectorAll(".swatch")) swatch.style.background = swatch.dataset.color;
}
