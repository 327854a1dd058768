// Text evidence: sentences (or windows / tokens) shaded by how AI-like each one scored.
import { h, isObject, pct, fmtNumber } from "../lib/dom.js";
import { evidenceScale, itemChars, itemScore } from "../lib/scores.js";
import { legend } from "./legend.js";

export const NAME = "text highlighting";
const KEYS = ["sentences", "sentence_scores", "segments", "windows", "chunks", "spans", "paragraphs", "tokens"];
const TEXT_KEYS = ["text", "sentence", "token", "content"];
const MAX_ITEMS = 5000;

function itemText(item) {
  for (const key of TEXT_KEYS) if (typeof item?.[key] === "string") return item[key];
  return null;
}

export function find(evidence) {
  for (const key of KEYS) {
    const items = evidence[key];
    if (!Array.isArray(items) || !items.length) continue;
    const usable = items.slice(0, MAX_ITEMS).filter((it) => isObject(it) && itemScore(it) !== null && (itemText(it) !== null || itemChars(it) !== null));
    if (usable.length) {
      return { title: key === "tokens" ? "Token highlighting" : "Sentence by sentence, on the verdict’s scale", key, data: usable };
    }
  }
  return null;
}

/** The engine counts offsets in code points (Python); JS strings index UTF-16 units, which
 *  differ after any character outside the BMP (emoji): map one onto the other. */
function toUnits(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
  const map = [];
  let unit = 0;
  for (const ch of text) { map.push(unit); unit += ch.length; }
  map.push(unit);
  return (i) => map[Math.min(i, map.length - 1)];
}

/** Per-character scores from items with offsets (windows may overlap: average them). */
function byCharacter(text, items) {
  const unit = toUnits(text);
  const sum = new Float64Array(text.length);
  const count = new Uint16Array(text.length);
  for (const item of items) {
    const chars = itemChars(item);
    const score = itemScore(item);
    if (!chars || !score) continue;
    const [a, b] = [unit(Math.max(0, chars[0])), Math.min(text.length, unit(chars[1]))];
    for (let i = a; i < b; i += 1) { sum[i] += score.value; count[i] += 1; }
  }
  const runs = [];
  let start = 0;
  const at = (i) => (count[i] ? sum[i] / count[i] : null);
  for (let i = 1; i <= text.length; i += 1) {
    if (i === text.length || at(i) !== at(start)) {
      runs.push({ text: text.slice(start, i), value: at(start) });
      start = i;
    }
  }
  return runs;
}

/** Only a part past a threshold is marked (class hl-ai / hl-human); one between them
 *  stays plain text with its score in the tooltip. */
function mark(scale, value, content, tip) {
  const zone = scale.zone(value);
  if (zone !== "ai" && zone !== "human") return h("span", { class: "hl-none", title: tip }, content);
  const colour = scale.colour(value, zone === "ai" ? 0.85 : 1);
  return h("mark", { class: `hl hl-${zone}`, style: { background: colour, color: zone === "ai" ? "#fff" : "#1b1b1f" }, title: tip }, content);
}

export function render(found, ctx, node = {}) {
  const items = found.data;
  const scores = items.map(itemScore);
  const scale = evidenceScale(scores, ctx.reading?.item_cuts?.sentences);
  const label = (v) => (scale.probability ? `P(AI) ${pct(v, 0)}` : `score ${fmtNumber(v)}`);
  const para = h("div", { class: "highlighted-text", lang: "" });
  const withOffsets = typeof ctx.text === "string" && items.every((it) => itemChars(it) !== null);
  if (withOffsets) {
    for (const run of byCharacter(ctx.text, items)) {
      para.append(run.value === null ? run.text : mark(scale, run.value, run.text, label(run.value)));
    }
  } else {
    items.forEach((item, i) => {
      const content = itemText(item) ?? "";
      para.append(mark(scale, scores[i].value, content, label(scores[i].value)), found.key === "tokens" ? "" : " ");
    });
  }
  const ranked = items
    .map((item, i) => ({ item, score: scores[i].value }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 8);
  const snippet = (item) => {
    const t = itemText(item) ?? (ctx.text && itemChars(item) ? ctx.text.slice(...itemChars(item).map(toUnits(ctx.text))) : "");
    return t.length > 220 ? `${t.slice(0, 217)}…` : t;
  };
  const table = h("details", { class: "ranked" },
    h("summary", {}, `The ${ranked.length} most AI-like ${found.key === "tokens" ? "tokens" : "passages"}`),
    h("table", {},
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, scale.probability ? "P(AI)" : "Score"), h("th", { scope: "col" }, "Passage"))),
      h("tbody", {}, ranked.map((r) => h("tr", {}, h("td", {}, label(r.score)), h("td", {}, snippet(r.item)))))));
  if (node.compact) return table;
  return h("div", {},
    legend(scale, found.key === "tokens" ? "token" : "sentence"),
    para,
    h("p", { class: "hint" }, `${items.length} ${found.key} scored${scale.verdictScale ? `: ${items.filter((_, i) => scale.zone(scores[i].value) === "ai").length} past the AI threshold, ${items.filter((_, i) => scale.zone(scores[i].value) === "human").length} below the human threshold` : ""}. Hover a passage for its score, or open the ranked list.`),
    table);
}

/** The submitted text as it was, when no detector scored its parts. */
export function plain(text) {
  return h("details", { class: "submitted-text" }, h("summary", {}, `Show the text (${text.length} characters)`),
    h("div", { class: "plain-text" }, text));
}
