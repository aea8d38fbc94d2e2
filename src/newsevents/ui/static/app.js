// The dashboard: one set of filters drives every panel. A change re-queries the map, the timeline, the
// network, the table and the counts; the filters live in the URL's fragment so a view can be bookmarked.

import { el, api, Latest, isAbort, CAMEO_ROOTS, fmtNumber, parseDay, tooltip } from "./util.js";
import { WorldMap, mapLegend } from "./map.js";
import { Timeline } from "./timeline.js";
import { Network, networkLegend } from "./network.js";
import { EventTable } from "./table.js";
import { Detail } from "./article.js";

const FIELDS = ["since", "until", "actor", "country", "root", "code", "q", "asserted_only"];
const PAGE = 50;

const state = { filters: {}, generation: 0, by: "auto" };

function readHash() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const filters = {};
  for (const key of FIELDS) if (params.get(key)) filters[key] = params.get(key);
  return filters;
}

function writeHash() {
  const params = filterParams();
  const hash = params.toString();
  if (hash !== location.hash.replace(/^#/, "")) history.replaceState(null, "", hash ? `#${hash}` : location.pathname + location.search);
}

/** The API's query for the current filters; `withDates: false` leaves the range out (for the timeline). */
function filterParams({ withDates = true } = {}) {
  const params = new URLSearchParams();
  for (const key of FIELDS) {
    const value = state.filters[key];
    if (!value) continue;
    if (!withDates && (key === "since" || key === "until")) continue;
    params.set(key, value);
  }
  return params;
}

const form = document.getElementById("filters");
const inputs = {
  since: document.getElementById("f-since"), until: document.getElementById("f-until"),
  actor: document.getElementById("f-actor"), country: document.getElementById("f-country"),
  root: document.getElementById("f-root"), code: document.getElementById("f-code"),
  q: document.getElementById("f-q"), asserted_only: document.getElementById("f-asserted"),
};

function fillForm() {
  for (const [key, input] of Object.entries(inputs)) {
    if (input.type === "checkbox") input.checked = state.filters[key] === "true";
    else input.value = state.filters[key] || "";
  }
}

function readForm() {
  const filters = {};
  for (const [key, input] of Object.entries(inputs)) {
    if (input.type === "checkbox") { if (input.checked) filters[key] = "true"; continue; }
    let value = input.value.trim();
    if (key === "country") value = value.toUpperCase();
    if (value) filters[key] = value;
  }
  return filters;
}

function setFilters(changes) {
  state.filters = { ...state.filters, ...changes };
  for (const key of Object.keys(state.filters)) if (!state.filters[key]) delete state.filters[key];
  fillForm();
  refresh();
}

// Panels ---------------------------------------------------------------------------------------------

const detail = new Detail({ onClose: () => select(null) });
const worldMap = new WorldMap(document.getElementById("map"), {
  onEvent: (id) => openEvent(id),
  onCountry: (iso3) => setFilters({ country: iso3 }),
});
const timeline = new Timeline(document.getElementById("timeline"), {
  onBrush: (since, until) => setFilters({ since, until }),
});
const network = new Network(document.getElementById("network"), {
  onActor: (code) => setFilters({ actor: code }),
});
const table = new EventTable(document.getElementById("events-table"), {
  onEvent: (id) => openEvent(id),
  onPage: () => loadPage(),
});

function select(id) {
  table.setSelected(id);
  worldMap.setSelected(id);
}

function openEvent(id) {
  select(id);
  detail.open(id);
}

const latest = { map: new Latest(), timeline: new Latest(), network: new Latest(), table: new Latest(), stats: new Latest() };

function panelError(container, error) {
  container.classList.add("has-error");
  const box = container.querySelector(".panel-message") || container.appendChild(el("div", { class: "panel-message" }));
  box.hidden = false;
  box.textContent = `Could not load: ${error.message}`;
}

function count(id, text) {
  document.getElementById(id).textContent = text;
}

async function loadMap() {
  const params = filterParams();
  params.set("limit", "5000");
  const data = await api("/places.geojson", params, latest.map.next());
  const n = worldMap.setEvents(data);
  if (!state.fitted && n) { state.fitted = true; worldMap.fitMarkers(); }
  worldMap.highlightCountry(state.filters.country || "");
  worldMap.showMessage(n ? "" : "No located events match these filters.");
  document.getElementById("map").dataset.count = n;
  count("map-count", `${fmtNumber(n)} located event${n === 1 ? "" : "s"}`);
}

async function loadTimeline() {
  const signal = latest.timeline.next();
  const params = filterParams({ withDates: false });
  let by = state.by;
  if (by === "auto") {
    // Months first; a short span is asked again by week or by day, so bars stay readable.
    params.set("by", "month");
    let data = await api("/timeline", params, signal);
    const buckets = data.buckets || [];
    const months = buckets.length ? (parseDay(buckets[buckets.length - 1].period) - parseDay(buckets[0].period)) / (30.44 * 86400000) + 1 : 0;
    if (buckets.length && months <= 24) {
      by = months <= 3 ? "day" : "week";
      params.set("by", by);
      data = await api("/timeline", params, signal);
    }
    return drawTimeline(data);
  }
  params.set("by", by);
  return drawTimeline(await api("/timeline", params, signal));
}

function drawTimeline(data) {
  const { since, until } = state.filters;
  const selection = since || until ? [since ? parseDay(since) : null, until ? parseDay(until) : null] : null;
  const n = timeline.render(data, selection);
  document.getElementById("timeline").dataset.count = n;
  document.getElementById("timeline").dataset.by = data.by;
  const total = (data.buckets || []).reduce((sum, b) => sum + b.events, 0);
  count("timeline-count", `${fmtNumber(total)} dated event${total === 1 ? "" : "s"} by ${data.by}`);
  document.getElementById("brush-clear").hidden = !selection;
}

async function loadNetwork() {
  const params = filterParams();
  params.set("limit", "40");
  const data = await api("/dyads", params, latest.network.next());
  const { nodes, edges } = network.render(data, state.filters.actor || "");
  document.getElementById("network").dataset.count = nodes;
  count("network-count", `${fmtNumber(nodes)} actors, ${fmtNumber(edges)} pairs`);
}

async function loadTable(generation) {
  const params = filterParams();
  params.set("limit", String(PAGE));
  if (table.cursor) params.set("cursor", table.cursor);
  const data = await api("/events", params, latest.table.next());
  if (generation !== state.generation) return;
  table.render(data, PAGE);
  document.getElementById("events-table").dataset.count = data.count;
  count("table-count", `${fmtNumber(data.count)} fused event${data.count === 1 ? "" : "s"}`);
}

async function loadPage() {
  const generation = state.generation;
  document.body.dataset.state = "loading";
  try {
    await loadTable(generation);
  } catch (error) {
    if (isAbort(error)) return;
    panelError(document.getElementById("table-panel"), error);
  }
  if (generation === state.generation) document.body.dataset.state = "ready";
}

async function loadStats() {
  const data = await api("/stats", filterParams(), latest.stats.next());
  const range = data.first_date ? `${data.first_date} – ${data.last_date}` : "no dated events";
  document.getElementById("stats").replaceChildren(
    el("span", {}, el("b", {}, fmtNumber(data.events)), " events"), " · ",
    el("span", {}, el("b", {}, fmtNumber(data.mentions)), " mentions"), " · ",
    el("span", {}, el("b", {}, fmtNumber(data.articles)), " articles in the database"), " · ",
    el("span", {}, range));
}

async function refresh() {
  state.generation += 1;
  const generation = state.generation;
  document.body.dataset.state = "loading";
  writeHash();
  table.reset();
  const jobs = [
    ["map", loadMap], ["timeline", loadTimeline], ["network", loadNetwork],
    ["events-table", () => loadTable(generation)], ["stats", loadStats],
  ].map(([id, job]) => job().then(() => {
    document.getElementById(id).classList.remove("has-error");
  }, (error) => {
    if (isAbort(error)) return;
    panelError(id === "events-table" ? document.getElementById("table-panel") : document.getElementById(id), error);
  }));
  await Promise.all(jobs);
  // Tests and people alike can tell when the page shows the current filters.
  if (generation === state.generation) document.body.dataset.state = "ready";
}

// Wiring ---------------------------------------------------------------------------------------------

function fillRoots() {
  document.getElementById("f-root").replaceChildren(el("option", { value: "" }, "any"),
    ...Object.entries(CAMEO_ROOTS).map(([code, name]) => el("option", { value: code }, `${code} ${name}`)));
}

function fillCountries(world) {
  const countries = (world.features || []).map((f) => f.properties).filter((p) => p && p.iso3)
    .sort((a, b) => a.name.localeCompare(b.name));
  document.getElementById("country-list").replaceChildren(...countries.map((p) => el("option", { value: p.iso3 }, p.name)));
}

async function fillActors() {
  try {
    const params = new URLSearchParams({ limit: "300" });
    const data = await api("/actors", params);
    document.getElementById("actor-list").replaceChildren(...(data.actors || []).filter((a) => a.code)
      .map((a) => el("option", { value: a.code }, a.name || a.code)));
  } catch { /* the list only helps typing */ }
}

let typing = null;
form.addEventListener("input", (e) => {
  if (e.target.type === "checkbox" || e.target.tagName === "SELECT" || e.target.type === "date") return;
  clearTimeout(typing);
  typing = setTimeout(() => { state.filters = readForm(); refresh(); }, 400);
});
form.addEventListener("change", () => {
  clearTimeout(typing);
  const next = readForm();
  if (JSON.stringify(next) !== JSON.stringify(state.filters)) { state.filters = next; fillForm(); refresh(); }
});
form.addEventListener("submit", (e) => e.preventDefault());
document.getElementById("f-reset").addEventListener("click", () => { state.filters = {}; fillForm(); refresh(); });
document.getElementById("brush-clear").addEventListener("click", () => setFilters({ since: "", until: "" }));
document.getElementById("timeline-by").addEventListener("change", (e) => { state.by = e.target.value; loadTimeline().catch((error) => { if (!isAbort(error)) panelError(document.getElementById("timeline"), error); }); });
document.getElementById("zoom-in").addEventListener("click", () => worldMap.zoomAt(1.5, worldMap.width / 2, worldMap.height / 2));
document.getElementById("zoom-out").addEventListener("click", () => worldMap.zoomAt(1 / 1.5, worldMap.width / 2, worldMap.height / 2));
document.getElementById("zoom-reset").addEventListener("click", () => worldMap.resetZoom());
window.addEventListener("hashchange", () => {
  const filters = readHash();
  if (JSON.stringify(filters) !== JSON.stringify(state.filters)) { state.filters = filters; fillForm(); refresh(); }
});
window.addEventListener("scroll", () => tooltip.hide(), { passive: true });

async function start() {
  mapLegend(document.getElementById("map-legend"));
  networkLegend(document.getElementById("network-legend"));
  fillRoots();
  state.filters = readHash();
  fillForm();
  fillActors();
  try {
    const world = await api("/world.json");
    worldMap.setWorld(world);
    fillCountries(world);
  } catch (error) {
    worldMap.showMessage(`Country outlines unavailable: ${error.message}`);
  }
  await refresh();
}

start();
