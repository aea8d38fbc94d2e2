// The actor network from /dyads: nodes are actors, directed edges are dyads weighted by their number of
// fused events and coloured by mean Goldstein score. The layout is a small force simulation of our own
// (pairwise repulsion, springs along edges, a pull to the centre), run to rest before drawing.

import { svg, el, tooltip, fmtNumber } from "./util.js";

function goldsteinColor(g) {
  if (g === null || g === undefined) return "#9aa3ad";
  const t = Math.max(-1, Math.min(1, g / 10));
  // Red for conflict, teal for cooperation, grey in between.
  if (t < 0) return `rgb(${Math.round(150 + 59 * -t)},${Math.round(160 - 90 * -t)},${Math.round(170 - 110 * -t)})`;
  return `rgb(${Math.round(150 - 100 * t)},${Math.round(160 + 8 * t)},${Math.round(170 - 10 * t)})`;
}

/**
 * Positions the nodes with a damped force simulation: inverse-square repulsion between every pair,
 * springs along edges, and a weak pull to the centre that keeps separate pairs close to the rest.
 * Deterministic (nodes start on a spiral in a fixed order), so the same data gives the same picture.
 */
function layout(nodes, edges, width, height) {
  const n = nodes.length;
  const cx = width / 2;
  const cy = height / 2;
  nodes.forEach((node, i) => {
    const r = 12 * Math.sqrt(i + 0.5);
    const angle = i * 2.39996;
    node.x = cx + r * Math.cos(angle);
    node.y = cy + r * Math.sin(angle);
    node.vx = 0;
    node.vy = 0;
  });
  const index = new Map(nodes.map((node, i) => [node.code, i]));
  const links = edges.filter((e) => e.source !== e.target).map((e) => [index.get(e.source), index.get(e.target)]);
  const degree = new Array(n).fill(0);
  for (const [a, b] of links) { degree[a] += 1; degree[b] += 1; }
  const length = 50;
  const charge = 1300;
  let alpha = 1;
  for (let step = 0; step < 400; step += 1) {
    for (let i = 0; i < n; i += 1) {
      for (let j = i + 1; j < n; j += 1) {
        let dx = nodes[j].x - nodes[i].x;
        let dy = nodes[j].y - nodes[i].y;
        let d2 = dx * dx + dy * dy;
        if (d2 < 1) { dx = (i % 7) - 3 || 1; dy = (j % 5) - 2 || 1; d2 = dx * dx + dy * dy; }
        const d = Math.sqrt(d2);
        const f = (charge * alpha) / Math.max(d2, 64);
        nodes[i].vx -= (dx / d) * f; nodes[i].vy -= (dy / d) * f;
        nodes[j].vx += (dx / d) * f; nodes[j].vy += (dy / d) * f;
      }
    }
    for (const [a, b] of links) {
      const dx = nodes[b].x + nodes[b].vx - nodes[a].x - nodes[a].vx;
      const dy = nodes[b].y + nodes[b].vy - nodes[a].y - nodes[a].vy;
      const d = Math.sqrt(dx * dx + dy * dy) || 1;
      // A hub's springs are softer, so its many neighbours do not crush into it.
      const k = ((d - length) / d) * alpha * 0.5;
      const share = degree[a] / (degree[a] + degree[b]);
      nodes[b].vx -= dx * k * share; nodes[b].vy -= dy * k * share;
      nodes[a].vx += dx * k * (1 - share); nodes[a].vy += dy * k * (1 - share);
    }
    for (const node of nodes) {
      node.vx += (cx - node.x) * 0.018 * alpha;
      node.vy += (cy - node.y) * 0.03 * alpha;
      node.vx *= 0.6;
      node.vy *= 0.6;
      node.x += node.vx;
      node.y += node.vy;
    }
    alpha *= 0.985;
  }
}

/** Scales positions into the box with room for the largest circle and its label. */
function fit(nodes, width, height, pad) {
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => n.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (width - 2 * pad) / Math.max(1, x1 - x0);
  const sy = (height - 2 * pad) / Math.max(1, y1 - y0);
  // The box is wider than tall: stretch a little more across, which frees room for labels.
  const s = Math.min(sx, sy, 3);
  const sxx = Math.min(sx, s * 1.6, 3);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  for (const node of nodes) {
    node.x = width / 2 + (node.x - cx) * sxx;
    node.y = height / 2 + (node.y - cy) * s;
  }
}

/**
 * Moves nodes apart until no two boxes of circle plus label (below it) overlap, along the axis where they
 * overlap least, inside the box (screen units). Labels are estimated at 6.3 px a character.
 */
function separate(nodes, radius, width, height, pad) {
  const box = (n) => ({ hw: Math.max(radius(n), 3.15 * n.code.length) + 3, top: radius(n) + 2, bottom: radius(n) + 14 });
  const boxes = nodes.map(box);
  for (let round = 0; round < 120; round += 1) {
    let moved = false;
    for (let i = 0; i < nodes.length; i += 1) {
      for (let j = i + 1; j < nodes.length; j += 1) {
        const [a, b, ba, bb] = [nodes[i], nodes[j], boxes[i], boxes[j]];
        const overlapX = ba.hw + bb.hw - Math.abs(b.x - a.x);
        const overlapY = (b.y >= a.y ? ba.bottom + bb.top : bb.bottom + ba.top) - Math.abs(b.y - a.y);
        if (overlapX <= 0 || overlapY <= 0) continue;
        moved = true;
        if (overlapY * 1.5 < overlapX) {
          const dir = b.y >= a.y ? 1 : -1;
          a.y -= (dir * overlapY) / 2; b.y += (dir * overlapY) / 2;
        } else {
          const dir = b.x >= a.x ? 1 : -1;
          a.x -= (dir * overlapX) / 2; b.x += (dir * overlapX) / 2;
        }
      }
    }
    nodes.forEach((n, i) => {
      n.x = Math.min(width - boxes[i].hw, Math.max(boxes[i].hw, n.x));
      n.y = Math.min(height - boxes[i].bottom, Math.max(boxes[i].top + pad * 0.2, n.y));
    });
    if (!moved) break;
  }
}

export class Network {
  constructor(container, { onActor }) {
    this.container = container;
    this.onActor = onActor;
    this.selected = "";
  }

  render(data, selectedActor) {
    this.selected = selectedActor || "";
    const width = this.container.clientWidth || 480;
    const height = this.container.clientHeight || 360;
    const nodesByCode = new Map();
    const edges = [];
    for (const d of data.dyads || []) {
      if (!d.source || !d.target || !d.source.code || !d.target.code) continue;
      for (const actor of [d.source, d.target]) {
        if (!nodesByCode.has(actor.code)) nodesByCode.set(actor.code, { code: actor.code, name: actor.name, country: actor.country, events: 0, out: 0, in: 0 });
      }
      nodesByCode.get(d.source.code).events += d.events;
      nodesByCode.get(d.source.code).out += d.events;
      if (d.target.code !== d.source.code) nodesByCode.get(d.target.code).events += d.events;
      nodesByCode.get(d.target.code).in += d.events;
      edges.push({ source: d.source.code, target: d.target.code, events: d.events, mentions: d.mentions, goldstein: d.mean_goldstein });
    }
    const nodes = [...nodesByCode.values()].sort((a, b) => b.events - a.events || a.code.localeCompare(b.code));
    const root = svg("svg", { id: "network-svg", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Actor network" });
    if (!nodes.length) {
      this.container.replaceChildren(root, el("div", { class: "panel-message" }, "No pairs of actors match these filters."));
      return { nodes: 0, edges: 0 };
    }
    layout(nodes, edges, width, height);
    fit(nodes, width, height, 34);
    const radius = (node) => 4 + 2 * Math.sqrt(node.events);
    separate(nodes, radius, width, height, 30);
    const byCode = new Map(nodes.map((node) => [node.code, node]));
    const pairs = new Set(edges.map((e) => `${e.source}|${e.target}`));

    const defs = svg("defs");
    const arrow = (id, color) => svg("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 5, markerHeight: 5, orient: "auto-start-reverse" },
      svg("path", { d: "M0,1L9,5L0,9Z", fill: color }));
    const edgeLayer = svg("g", { class: "edges" });
    edges.forEach((e, i) => {
      const a = byCode.get(e.source);
      const b = byCode.get(e.target);
      const color = goldsteinColor(e.goldstein);
      defs.append(arrow(`arrow-${i}`, color));
      let d;
      if (a === b) {
        const r = radius(a);
        d = `M${a.x + r * 0.7},${a.y - r * 0.7}c${r * 2},${-r * 2.5} ${r * 2.5},${r * 1.2} ${r * 0.3},${r * 0.9}`;
      } else {
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        const len = Math.hypot(dx, dy) || 1;
        const ra = radius(a) + 1;
        const rb = radius(b) + 3;
        // A pair with edges both ways bends each edge to its own side, so both stay visible.
        const bend = pairs.has(`${e.target}|${e.source}`) ? 0.18 : 0;
        const sx = a.x + (dx / len) * ra;
        const sy = a.y + (dy / len) * ra;
        const tx = b.x - (dx / len) * rb;
        const ty = b.y - (dy / len) * rb;
        const mx = (sx + tx) / 2 - dy * bend;
        const my = (sy + ty) / 2 + dx * bend;
        d = `M${sx.toFixed(1)},${sy.toFixed(1)}Q${mx.toFixed(1)},${my.toFixed(1)} ${tx.toFixed(1)},${ty.toFixed(1)}`;
      }
      const path = svg("path", { class: "edge", d, stroke: color, "stroke-width": (1 + 1.6 * Math.log2(e.events)).toFixed(2),
        "marker-end": `url(#arrow-${i})`, "data-source": e.source, "data-target": e.target, "data-events": e.events });
      path.addEventListener("pointerenter", (ev) => tooltip.show(ev, [`${e.source} → ${e.target}`,
        `${fmtNumber(e.events)} event${e.events === 1 ? "" : "s"}, ${fmtNumber(e.mentions)} mentions`,
        e.goldstein === null || e.goldstein === undefined ? "" : `mean Goldstein ${e.goldstein > 0 ? "+" : ""}${e.goldstein.toFixed(2)}`]));
      path.addEventListener("pointermove", (ev) => tooltip.move(ev));
      path.addEventListener("pointerleave", () => tooltip.hide());
      edgeLayer.append(path);
    });

    const nodeLayer = svg("g", { class: "nodes" });
    for (const node of nodes) {
      const r = radius(node);
      const circle = svg("circle", { class: ["node", node.code === this.selected && "selected"], cx: node.x.toFixed(1), cy: node.y.toFixed(1), r: r.toFixed(1),
        "data-code": node.code, "data-events": node.events, tabindex: 0, role: "button", "aria-label": `${node.code} ${node.name || ""}` });
      // With many actors only the busier ones are named; hovering names the rest.
      const named = nodes.length <= 24 || node.events >= nodes[Math.min(nodes.length - 1, 23)].events;
      const label = svg("text", { class: ["label", !named && "minor"], x: node.x.toFixed(1), y: (node.y + r + 11).toFixed(1), "text-anchor": "middle" }, node.code);
      const g = svg("g", { class: "node-group" }, circle, label);
      const highlight = (on) => {
        root.classList.toggle("focus", on);
        for (const p of edgeLayer.children) p.classList.toggle("near", on && (p.dataset.source === node.code || p.dataset.target === node.code));
        g.classList.toggle("near", on);
      };
      circle.addEventListener("pointerenter", (ev) => {
        highlight(true);
        tooltip.show(ev, [node.name && node.name !== node.code ? `${node.code} · ${node.name}` : node.code,
          `${fmtNumber(node.events)} events (${fmtNumber(node.out)} as source, ${fmtNumber(node.in)} as target)`,
          node.code === this.selected ? "click to clear the actor filter" : "click to filter by this actor"]);
      });
      circle.addEventListener("pointermove", (ev) => tooltip.move(ev));
      circle.addEventListener("pointerleave", () => { highlight(false); tooltip.hide(); });
      circle.addEventListener("click", () => this.onActor(node.code === this.selected ? "" : node.code));
      circle.addEventListener("keydown", (ev) => { if (ev.key === "Enter") this.onActor(node.code === this.selected ? "" : node.code); });
      nodeLayer.append(g);
    }
    root.append(defs, edgeLayer, nodeLayer);
    this.container.replaceChildren(root);
    return { nodes: nodes.length, edges: edges.length };
  }
}

/** The legend: what edge colour and width mean. */
export function networkLegend(container) {
  const ramp = [-10, -5, 0, 5, 10].map((g) => {
    const swatch = el("span", { class: "swatch line" });
    swatch.style.background = goldsteinColor(g);
    return el("span", { class: "legend-item" }, swatch, g > 0 ? `+${g}` : String(g));
  });
  container.replaceChildren(el("span", { class: "legend-sep" }, "mean Goldstein:"), ...ramp,
    el("span", { class: "legend-sep" }, "width = events · click an actor to filter"));
}
