// The timeline: one bar per bucket of /timeline (stacked by quad class) and a brush. Dragging selects a
// date range, a click on a bar selects its period, and the range filters every other panel.

import { svg, el, QUADS, DAY, parseDay, isoDay, tooltip, fmtNumber } from "./util.js";

const MARGIN = { left: 40, right: 12, top: 8, bottom: 22 };

function bucketEnd(start, by) {
  if (by === "day") return start + DAY;
  if (by === "week") return start + 7 * DAY;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Start of the bucket holding a day, the server's way: ISO weeks start on Monday. */
export function bucketStart(ms, by) {
  ms = Math.floor(ms / DAY) * DAY;
  const d = new Date(ms);
  if (by === "day") return ms;
  if (by === "week") return ms - ((d.getUTCDay() + 6) % 7) * DAY;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function niceTicks(max) {
  if (max <= 0) return [0];
  const raw = max / 3;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) || pow * 10;
  const ticks = [];
  for (let v = 0; v <= max + 1e-9; v += step) ticks.push(v);
  return ticks;
}

function timeTicks(t0, t1, width) {
  const span = (t1 - t0) / DAY;
  const d0 = new Date(t0);
  const ticks = [];
  const maxTicks = Math.max(2, Math.floor(width / 70));
  if (span > 500) {
    const years = span / 365;
    const step = Math.max(1, Math.ceil(years / maxTicks));
    for (let y = d0.getUTCFullYear(); Date.UTC(y, 0, 1) <= t1; y += 1) {
      const t = Date.UTC(y, 0, 1);
      if (t >= t0 && y % step === 0) ticks.push([t, String(y)]);
    }
  } else if (span > 60) {
    const months = span / 30;
    const step = [1, 2, 3, 6].find((s) => months / s <= maxTicks) || 12;
    for (let i = 0; ; i += 1) {
      const t = Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth() + i, 1);
      if (t > t1) break;
      const d = new Date(t);
      if (t >= t0 && d.getUTCMonth() % step === 0) {
        ticks.push([t, d.getUTCMonth() === 0 ? String(d.getUTCFullYear()) : d.toLocaleString("en-US", { month: "short", timeZone: "UTC" })]);
      }
    }
  } else {
    const step = Math.max(1, Math.ceil(span / maxTicks));
    for (let t = t0; t <= t1; t += step * DAY) ticks.push([t, isoDay(t).slice(5)]);
  }
  return ticks;
}

export class Timeline {
  constructor(container, { onBrush }) {
    this.container = container;
    this.onBrush = onBrush;
    this.buckets = [];
    this.by = "month";
    this.selection = null; // [sinceMs, untilMs] inclusive days
    this.data = null;
    // Bars and labels are laid out in pixels: a new width is a new drawing.
    new ResizeObserver(() => {
      if (this.data && Math.abs(container.clientWidth - this.width) > 1) this.render(this.data, this.selection);
    }).observe(container);
  }

  render(data, selection) {
    this.data = data;
    this.by = data.by;
    this.buckets = (data.buckets || []).map((b) => ({ ...b, start: parseDay(b.period), end: bucketEnd(parseDay(b.period), data.by) }));
    this.selection = selection;
    const width = this.container.clientWidth || 1000;
    const height = this.container.clientHeight || 140;
    this.width = width;
    const root = svg("svg", { id: "timeline-svg", width, height, viewBox: `0 0 ${width} ${height}` });
    this.root = root;
    if (!this.buckets.length) {
      this.container.replaceChildren(root, el("div", { class: "panel-message" }, "No dated events match these filters."));
      return 0;
    }
    // A few buckets would each fill a wide stretch: show at least a dozen buckets' worth of time.
    const first = this.buckets[0].start;
    const last = this.buckets[this.buckets.length - 1].end;
    const unit = { day: DAY, week: 7 * DAY, month: 30.44 * DAY }[this.by] || DAY;
    const pad = Math.max(0, (12 * unit - (last - first)) / 2);
    const t0 = pad ? bucketStart(first - pad, this.by) : first;
    const t1 = pad ? bucketEnd(bucketStart(last + pad, this.by), this.by) : last;
    const innerW = width - MARGIN.left - MARGIN.right;
    const innerH = height - MARGIN.top - MARGIN.bottom;
    this.x = (t) => MARGIN.left + ((t - t0) / (t1 - t0)) * innerW;
    this.t = (x) => t0 + ((x - MARGIN.left) / innerW) * (t1 - t0);
    const max = Math.max(...this.buckets.map((b) => b.events));
    const y = (v) => MARGIN.top + innerH - (v / max) * innerH;

    const axis = svg("g", { class: "axis" });
    for (const v of niceTicks(max)) {
      axis.append(svg("line", { class: "grid", x1: MARGIN.left, x2: width - MARGIN.right, y1: y(v), y2: y(v) }),
        svg("text", { x: MARGIN.left - 6, y: y(v) + 3, "text-anchor": "end" }, fmtNumber(v)));
    }
    for (const [t, label] of timeTicks(t0, t1, innerW)) {
      const x = this.x(t);
      axis.append(svg("line", { class: "tick", x1: x, x2: x, y1: MARGIN.top + innerH, y2: MARGIN.top + innerH + 4 }),
        svg("text", { x, y: height - 6, "text-anchor": x > width - MARGIN.right - 14 ? "end" : "middle" }, label));
    }
    axis.append(svg("line", { class: "baseline", x1: MARGIN.left, x2: width - MARGIN.right, y1: MARGIN.top + innerH, y2: MARGIN.top + innerH }));

    const bars = svg("g", { class: "bars" });
    for (const b of this.buckets) {
      const x0 = this.x(b.start);
      const w = Math.max(1, this.x(b.end) - x0 - (this.x(b.end) - x0 > 3 ? 1 : 0));
      const g = svg("g", { class: "bucket", "data-period": b.period, "data-events": b.events });
      g.append(svg("rect", { class: "bar", x: x0, width: w, y: y(b.events), height: Math.max(0, y(0) - y(b.events)),
        "data-period": b.period, "data-events": b.events }));
      let acc = 0;
      for (const q of ["1", "2", "3", "4"]) {
        const n = (b.quad && b.quad[q]) || 0;
        if (!n) continue;
        g.append(svg("rect", { class: ["seg", `q${q}`], x: x0, width: w, y: y(acc + n), height: y(acc) - y(acc + n), fill: QUADS[q].color }));
        acc += n;
      }
      bars.append(g);
    }
    this.bars = bars;
    this.brushRect = svg("rect", { class: "brush-selection", y: MARGIN.top, height: innerH, visibility: "hidden" });
    // A transparent overlay above the bars takes the drags, and passes hovers to the bar below it.
    this.overlay = svg("rect", { class: "brush-overlay", x: MARGIN.left, y: 0, width: innerW, height: MARGIN.top + innerH });
    root.append(axis, bars, this.brushRect, this.overlay);
    this.container.replaceChildren(root);
    this.installBrush(innerW);
    this.showSelection();
    return this.buckets.length;
  }

  tipLines(b) {
    return [
      this.label(b), `${fmtNumber(b.events)} event${b.events === 1 ? "" : "s"}, ${fmtNumber(b.mentions)} mentions`,
      ...["1", "2", "3", "4"].filter((q) => b.quad && b.quad[q]).map((q) => `${QUADS[q].name}: ${b.quad[q]}`),
    ];
  }

  label(b) {
    if (this.by === "day") return b.period;
    if (this.by === "week") return `week of ${b.period}`;
    return new Date(b.start).toLocaleString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
  }

  showSelection() {
    const sel = this.selection;
    if (!sel || !this.x) {
      this.brushRect.setAttribute("visibility", "hidden");
      for (const g of this.bars.children) g.classList.remove("out");
      return;
    }
    const [since, until] = sel;
    const lo = since === null ? this.buckets[0].start : since;
    const hi = until === null ? this.buckets[this.buckets.length - 1].end : until + DAY;
    const x0 = Math.max(MARGIN.left, this.x(lo));
    const x1 = Math.min(this.width - MARGIN.right, this.x(hi));
    this.brushRect.setAttribute("x", x0);
    this.brushRect.setAttribute("width", Math.max(1, x1 - x0));
    this.brushRect.setAttribute("visibility", "visible");
    for (const g of this.bars.children) {
      const b = this.buckets.find((x) => x.period === g.dataset.period);
      g.classList.toggle("out", b.end <= lo || b.start >= hi);
    }
  }

  bucketAt(x) {
    const t = this.t(x);
    return this.buckets.find((b) => t >= b.start && t < b.end) || null;
  }

  installBrush(innerW) {
    const toX = (e) => {
      const box = this.root.getBoundingClientRect();
      return Math.min(MARGIN.left + innerW, Math.max(MARGIN.left, e.clientX - box.left));
    };
    let startX = null;
    this.overlay.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      startX = toX(e);
      this.overlay.setPointerCapture(e.pointerId);
      tooltip.hide();
    });
    this.overlay.addEventListener("pointermove", (e) => {
      const x = toX(e);
      if (startX === null) {
        // Hovering: show the bucket under the pointer.
        const b = this.bucketAt(x);
        if (b) tooltip.show(e, this.tipLines(b)); else tooltip.hide();
        return;
      }
      const x0 = Math.min(startX, x);
      const x1 = Math.max(startX, x);
      this.brushRect.setAttribute("x", x0);
      this.brushRect.setAttribute("width", Math.max(1, x1 - x0));
      this.brushRect.setAttribute("visibility", "visible");
    });
    this.overlay.addEventListener("pointerleave", () => { if (startX === null) tooltip.hide(); });
    const finish = (e) => {
      if (startX === null) return;
      const x = toX(e);
      const x0 = Math.min(startX, x);
      const x1 = Math.max(startX, x);
      startX = null;
      let since;
      let until;
      if (x1 - x0 < 3) {
        const b = this.bucketAt(x);
        if (!b) { this.onBrush(null, null); return; }
        since = b.start;
        until = b.end - DAY;
      } else {
        // Snap outwards to whole buckets, so the range means what the bars show.
        since = bucketStart(Math.floor(this.t(x0) / DAY) * DAY, this.by);
        const last = bucketStart(Math.floor((this.t(x1) - 1) / DAY) * DAY, this.by);
        until = bucketEnd(last, this.by) - DAY;
      }
      this.onBrush(isoDay(since), isoDay(until));
    };
    this.overlay.addEventListener("pointerup", finish);
    this.overlay.addEventListener("pointercancel", () => { startX = null; this.showSelection(); });
  }
}
