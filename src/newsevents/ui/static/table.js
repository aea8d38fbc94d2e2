// The event table: one page of /events at a time, walked with the opaque next_cursor. The cursors of the
// pages already seen are kept, so "Previous" needs no cursor from the server.

import { el, QUADS, actorLabel, fmtNumber } from "./util.js";

export class EventTable {
  constructor(table, { onEvent, onPage }) {
    this.tbody = table.querySelector("tbody");
    this.onEvent = onEvent;
    this.onPage = onPage;
    this.selected = null;
    this.reset();
    document.getElementById("page-prev").addEventListener("click", () => {
      if (this.page > 0) { this.page -= 1; this.onPage(this.cursors[this.page]); }
    });
    document.getElementById("page-next").addEventListener("click", () => {
      if (this.next) { this.page += 1; this.cursors[this.page] = this.next; this.onPage(this.next); }
    });
  }

  reset() {
    this.cursors = [null];
    this.page = 0;
    this.next = null;
  }

  get cursor() { return this.cursors[this.page]; }

  render(data, limit) {
    const events = data.events || [];
    this.next = data.next_cursor || null;
    const rows = events.map((e) => this.row(e));
    if (!rows.length) {
      rows.push(el("tr", { class: "empty" }, el("td", { colspan: 7 }, "No events match these filters.")));
    }
    this.tbody.replaceChildren(...rows);
    const first = this.page * limit + (events.length ? 1 : 0);
    const last = this.page * limit + events.length;
    document.getElementById("page-info").textContent = events.length
      ? `${fmtNumber(first)}–${fmtNumber(last)} of ${fmtNumber(data.count)}` : `0 of ${fmtNumber(data.count)}`;
    document.getElementById("page-prev").disabled = this.page === 0;
    document.getElementById("page-next").disabled = !this.next;
    return events.length;
  }

  row(e) {
    const quad = QUADS[e.quad_class] || { color: "#888", name: "" };
    const chip = el("span", { class: "chip", title: quad.name });
    chip.style.background = quad.color;
    const where = e.location ? `${e.location.name}${e.location.country ? ` (${e.location.country})` : ""}` : "";
    const tr = el("tr", { "data-id": e.id, tabindex: 0, class: e.id === this.selected ? "selected" : null },
      el("td", { class: "date" }, e.date || "undated"),
      el("td", { class: "actor", title: e.source ? e.source.name || "" : "" }, actorLabel(e.source)),
      el("td", { class: "event" }, chip, el("span", { class: "code" }, e.cameo || ""), " ", e.cameo_name || ""),
      el("td", { class: "actor", title: e.target ? e.target.name || "" : "" }, actorLabel(e.target)),
      el("td", { class: "where" }, where),
      el("td", { class: ["modality", e.modality] }, e.modality || ""),
      el("td", { class: "num" }, `${e.mentions ?? ""}${e.articles && e.articles > 1 ? ` / ${e.articles}` : ""}`),
    );
    tr.addEventListener("click", () => this.onEvent(e.id));
    tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter") this.onEvent(e.id); });
    return tr;
  }

  setSelected(id) {
    this.selected = id;
    for (const tr of this.tbody.children) tr.classList.toggle("selected", tr.dataset.id === id);
  }
}
