// Small helpers shared by the dashboard's panels. Every DOM node that carries data is built here with
// text nodes and attributes, never by parsing HTML, so article text and names can hold any markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function fill(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An HTML element: el("td", {class: "x"}, "text", otherNode). */
export function el(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function svg(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

export const QUADS = {
  1: { name: "Verbal cooperation", color: "#4fa89f" },
  2: { name: "Material cooperation", color: "#1f6f8b" },
  3: { name: "Verbal conflict", color: "#f0a04b" },
  4: { name: "Material conflict", color: "#d1453b" },
};

// CAMEO's twenty event roots, named in our own short words.
export const CAMEO_ROOTS = {
  "01": "Make a public statement", "02": "Appeal", "03": "Express intent to cooperate", "04": "Consult",
  "05": "Diplomatic cooperation", "06": "Material cooperation", "07": "Provide aid", "08": "Yield",
  "09": "Investigate", "10": "Demand", "11": "Disapprove", "12": "Reject", "13": "Threaten", "14": "Protest",
  "15": "Show force", "16": "Reduce relations", "17": "Coerce", "18": "Assault", "19": "Fight",
  "20": "Mass violence",
};

export class ApiError extends Error {}

/** GET a JSON resource of the same origin; `signal` lets a newer request cancel an older one. */
export async function api(path, params, signal) {
  const query = params && params.toString();
  const response = await fetch(query ? `${path}?${query}` : path, { signal, headers: { Accept: "application/json" } });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (body && body.detail) detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
    } catch { /* the status line says enough */ }
    throw new ApiError(detail);
  }
  return response.json();
}

/** Aborts the previous request of a panel when a new one starts, so a slow old answer never wins. */
export class Latest {
  constructor() { this.controller = null; }
  next() {
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    return this.controller.signal;
  }
}

export function isAbort(error) {
  return error && error.name === "AbortError";
}

export function actorLabel(actor) {
  if (!actor) return "";
  return actor.code || actor.name || "";
}

export function fmtNumber(n) {
  return n === null || n === undefined ? "" : Number(n).toLocaleString("en-US");
}

// Dates travel as ISO strings; arithmetic is done on UTC days so time zones never shift a bucket.
export function parseDay(iso) {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return Date.UTC(y, m - 1, d);
}

export function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

export const DAY = 86400000;

/** Shows a floating tooltip made of lines of text near the pointer. */
export const tooltip = {
  node: null,
  show(event, lines) {
    if (!this.node) this.node = document.getElementById("tooltip");
    this.node.replaceChildren(...lines.filter(Boolean).map((line, i) => el("div", { class: i === 0 ? "tt-head" : null }, line)));
    this.node.hidden = false;
    this.move(event);
  },
  move(event) {
    if (!this.node || this.node.hidden) return;
    const pad = 14;
    const box = this.node.getBoundingClientRect();
    let x = event.clientX + pad;
    let y = event.clientY + pad;
    if (x + box.width > window.innerWidth - 4) x = event.clientX - box.width - pad;
    if (y + box.height > window.innerHeight - 4) y = event.clientY - box.height - pad;
    this.node.style.left = `${Math.max(4, x)}px`;
    this.node.style.top = `${Math.max(4, y)}px`;
  },
  hide() {
    if (this.node) this.node.hidden = true;
  },
};
