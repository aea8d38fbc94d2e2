// The detail panel: one fused event (/events/{id}), its mentions, and the article of the chosen mention
// (/articles/{id}) with the mention's trigger, actors, place and date marked. The article text is data:
// it goes into the page as text nodes only, so markup in it is shown, never run.

import { el, api, Latest, isAbort, QUADS, actorLabel, fmtNumber } from "./util.js";

// Where two spans overlap, the higher rank is drawn; spans of the chosen mention outrank the article's
// other actors and places, which are marked lightly for context.
const RANK = { trigger: 8, date: 7, place: 6, actor: 5 };

/**
 * Python counts characters in code points, JavaScript strings in UTF-16 units: past an emoji or another
 * character outside the Basic Multilingual Plane the offsets differ. Returns a code point -> unit map.
 */
export function codePointIndex(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
  const units = [];
  let u = 0;
  for (const ch of text) { units.push(u); u += ch.length; }
  units.push(u);
  return (i) => units[Math.max(0, Math.min(i, units.length - 1))];
}

/** Splits the text at every span edge and marks each piece with the strongest span over it. */
export function markText(text, spans) {
  const toUnit = codePointIndex(text);
  const clean = spans
    .filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.end > s.start)
    .map((s) => ({ ...s, from: toUnit(s.start), to: toUnit(s.end) }))
    .filter((s) => s.from < text.length);
  const cuts = new Set([0, text.length]);
  for (const s of clean) { cuts.add(s.from); cuts.add(Math.min(s.to, text.length)); }
  const points = [...cuts].sort((a, b) => a - b);
  const nodes = [];
  let open = null; // the mark being extended across adjacent pieces of the same span
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [a, b] = [points[i], points[i + 1]];
    let best = null;
    for (const s of clean) {
      if (s.from <= a && s.to >= b && (!best || s.rank > best.rank)) best = s;
    }
    const piece = text.slice(a, b);
    if (!best) { open = null; nodes.push(document.createTextNode(piece)); continue; }
    if (open && open.span === best) { open.node.append(piece); continue; }
    const mark = el("mark", { class: [best.kind, best.focus ? "focus" : "ctx"], title: best.title || null,
      "data-start": best.start, "data-end": best.end }, piece);
    open = { span: best, node: mark };
    nodes.push(mark);
  }
  return nodes;
}

function mentionSpans(m) {
  const spans = [];
  const add = (kind, obj, title, start = obj && obj.start, end = obj && obj.end) => {
    if (obj && start !== null && start !== undefined) spans.push({ kind, start, end, title, focus: true, rank: RANK[kind] + 10 });
  };
  add("trigger", m.trigger, `trigger · CAMEO ${m.cameo || ""}`);
  add("actor", m.source, m.source && `source · ${m.source.code || ""} ${m.source.name || ""}`);
  add("actor", m.target, m.target && `target · ${m.target.code || ""} ${m.target.name || ""}`);
  add("actor", m.attributed_to, m.attributed_to && `according to · ${m.attributed_to.name || ""}`);
  add("place", m.location, m.location && `place · ${m.location.name || ""} ${m.location.country || ""}`);
  if (m.date_start !== null && m.date_start !== undefined) {
    spans.push({ kind: "date", start: m.date_start, end: m.date_end, title: `date · ${m.date || ""}`, focus: true, rank: RANK.date + 10 });
  }
  return spans;
}

function contextSpans(article) {
  const spans = [];
  for (const a of article.actors || []) spans.push({ kind: "actor", start: a.start, end: a.end, title: `${a.code || ""} ${a.name || ""}`.trim(), rank: RANK.actor });
  for (const p of article.places || []) spans.push({ kind: "place", start: p.start, end: p.end, title: `${p.name || ""} ${p.country || ""}`.trim(), rank: RANK.place });
  return spans;
}

export class Detail {
  constructor({ onClose }) {
    this.panel = document.getElementById("detail");
    this.onClose = onClose;
    this.latest = new Latest();
    this.eventId = null;
    document.getElementById("detail-close").addEventListener("click", () => this.close());
    document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !this.panel.hidden) this.close(); });
  }

  close() {
    this.panel.hidden = true;
    this.eventId = null;
    this.latest.next();
    this.onClose();
  }

  async open(id) {
    const signal = this.latest.next();
    this.eventId = id;
    this.panel.hidden = false;
    this.panel.dataset.state = "loading";
    this.panel.dataset.eventId = id;
    try {
      const event = await api(`/events/${encodeURIComponent(id)}`, null, signal);
      this.renderSummary(event);
      const mentions = event.mentions_detail || [];
      this.renderMentions(mentions, 0);
      if (mentions.length) await this.showMention(mentions[0], signal);
      else this.renderArticle(null, null);
      this.panel.dataset.state = "ready";
    } catch (error) {
      if (isAbort(error)) return;
      document.getElementById("article-text").replaceChildren(el("p", { class: "error" }, `Could not load this event: ${error.message}`));
      this.panel.dataset.state = "error";
    }
  }

  renderSummary(e) {
    const quad = QUADS[e.quad_class] || { name: "", color: "#888" };
    const chip = el("span", { class: "chip" });
    chip.style.background = quad.color;
    document.getElementById("detail-title").replaceChildren(chip, `${e.cameo} ${e.cameo_name || ""}`);
    const rows = [
      ["Who", `${actorLabel(e.source) || "?"}${e.source && e.source.name && e.source.name !== e.source.code ? ` (${e.source.name})` : ""} → ${actorLabel(e.target) || "?"}${e.target && e.target.name && e.target.name !== e.target.code ? ` (${e.target.name})` : ""}`],
      ["When", e.date ? `${e.date}${e.date_precision && e.date_precision !== "day" ? ` (${e.date_precision})` : ""}` : "undated"],
      ["Where", e.location ? `${e.location.name}${e.location.country ? `, ${e.location.country}` : ""}` : "not told"],
      ["Kind", `${quad.name}${e.plover ? ` · PLOVER ${e.plover}` : ""} · Goldstein ${e.goldstein > 0 ? "+" : ""}${e.goldstein ?? ""}`],
      ["Told as", `${e.modality || ""}${e.confidence !== undefined && e.confidence !== null ? ` · confidence ${Number(e.confidence).toFixed(2)}` : ""}`],
      ["Reports", `${fmtNumber(e.mentions)} mention${e.mentions === 1 ? "" : "s"} in ${fmtNumber(e.articles)} article${e.articles === 1 ? "" : "s"}${(e.outlet_names || []).length ? ` (${e.outlet_names.join(", ")})` : ""}`],
    ];
    document.getElementById("event-summary").replaceChildren(el("dl", {}, ...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])));
  }

  renderMentions(mentions, active) {
    const box = document.getElementById("mentions");
    if (mentions.length < 2) { box.replaceChildren(); return; }
    const items = mentions.map((m, i) => {
      const button = el("button", { type: "button", class: ["mention", i === active && "active"], "data-article": m.article_id },
        el("span", { class: "m-source" }, `${m.outlet || m.article_title || m.article_id}${m.published ? ` · ${m.published}` : ""}`),
        el("span", { class: "m-sentence" }, m.sentence || ""));
      button.addEventListener("click", async () => {
        for (const b of box.querySelectorAll(".mention")) b.classList.toggle("active", b === button);
        const signal = this.latest.next();
        try { await this.showMention(m, signal); } catch (error) { if (!isAbort(error)) throw error; }
      });
      return button;
    });
    box.replaceChildren(el("h3", {}, `${mentions.length} mentions`), ...items);
  }

  async showMention(mention, signal) {
    const article = await api(`/articles/${encodeURIComponent(mention.article_id)}`, null, signal);
    this.renderArticle(article, mention);
  }

  renderArticle(article, mention) {
    const title = document.getElementById("article-title");
    const meta = document.getElementById("article-meta");
    const body = document.getElementById("article-text");
    if (!article) {
      title.textContent = "";
      meta.replaceChildren();
      body.replaceChildren(el("p", { class: "muted" }, "No article text for this event."));
      return;
    }
    title.textContent = article.title || "(untitled article)";
    const parts = [article.outlet, article.published, (article.authors || []).join(", ")].filter(Boolean).join(" · ");
    const metaNodes = [parts];
    // Only web links are made clickable: a "javascript:" URL in the data must stay inert text.
    if (article.url && /^https?:\/\//i.test(article.url)) {
      metaNodes.push(" · ", el("a", { href: article.url, target: "_blank", rel: "noopener noreferrer" }, "original"));
    } else if (article.url) {
      metaNodes.push(` · ${article.url}`);
    }
    meta.replaceChildren(...metaNodes);
    const text = article.text || "";
    const spans = [...contextSpans(article), ...(mention ? mentionSpans(mention) : [])];
    body.replaceChildren(...markText(text, spans));
    body.dataset.articleId = article.id;
    // Scroll only the text box (scrollIntoView would move the page behind the panel too).
    const trigger = body.querySelector("mark.trigger");
    body.scrollTop = trigger ? Math.max(0, trigger.offsetTop - body.clientHeight / 3) : 0;
  }
}
