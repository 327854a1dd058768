// A timeline of scored windows or frames: bars in an SVG (height and colour = score), a
// playhead that follows the media element, and an HTML axis (SVG text would be squashed).
import { fmtSeconds, h, isObject, num, pct, s } from "../lib/dom.js";
import { itemScore, itemTime } from "../lib/scores.js";

const W = 1000;
let patternCount = 0;
const H = 100;

/** Items with a time and a score, sorted by time. fps turns frame indexes into seconds. */
export function timedItems(list, fps = null) {
  if (!Array.isArray(list)) return [];
  const out = [];
  for (const raw of list) {
    if (!isObject(raw)) continue;
    const score = itemScore(raw);
    let time = itemTime(raw);
    const index = num(raw.index ?? raw.frame ?? raw.frame_index);
    if (!time && index !== null && fps) time = [index / fps, null];
    if (!time) continue;
    // A stretch the detector did not score (no speech, no face) is drawn hatched: it is
    // neither AI nor human.
    const gap = !score && time[1] !== null && (raw.speech === false || raw.voiced === false || raw.probability_ai === null);
    if (!score && !gap) continue;
    out.push({ start: time[0], end: time[1], score, raw, gap });
  }
  return out.sort((a, b) => a.start - b.start);
}

export function gapReason(raw) {
  if (typeof raw.note === "string" && raw.note) return raw.note;
  return raw.speech === false || raw.voiced === false ? "no speech" : "nothing to score";
}

/** Bars that tile the time axis: a point item (a frame) reaches the next item or the
 *  median gap; an overlapping window is cut where the next one starts, so each stretch of
 *  time shows one score (the table keeps the windows' true extents). */
function widen(items, duration) {
  const scored = items.filter((it) => !it.gap);
  const gaps = scored.slice(1).map((it, i) => it.start - scored[i].start).filter((g) => g > 0).sort((a, b) => a - b);
  const gap = gaps.length ? gaps[Math.floor(gaps.length / 2)] : duration / Math.max(scored.length, 1);
  return items.map((it) => {
    if (it.gap) return it;
    const i = scored.indexOf(it);
    const next = scored[i + 1]?.start;
    let end = it.end ?? it.start + gap;
    if (next !== undefined && next > it.start) end = Math.min(end, next);
    return { ...it, end, windowEnd: it.end ?? end };
  });
}

function ticks(duration) {
  const steps = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
  const step = steps.find((st) => duration / st <= 8) || duration / 6;
  const out = [];
  for (let t = 0; t <= duration + 1e-9; t += step) out.push(t);
  return out;
}

export function drawTimeline({ items, duration, scale, label, onSelect }) {
  const total = Math.max(duration || 0, ...items.map((it) => it.end ?? it.start), 0.001);
  const bars = widen(items, total);
  patternCount += 1;
  const hatch = `timeline-hatch-${patternCount}`;
  const svg = s("svg", { class: "timeline-svg", viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", role: "img", "aria-label": label });
  svg.append(s("defs", {}, s("pattern", { id: hatch, width: "8", height: "8", patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
    s("rect", { width: "8", height: "8", fill: "#e4e5ec" }), s("line", { x1: "0", y1: "0", x2: "0", y2: "8", stroke: "#c9cbd6", "stroke-width": "3" }))));
  svg.append(s("rect", { x: "0", y: "0", width: `${W}`, height: `${H}`, fill: "#f3f3f7" }));
  for (const bar of bars.filter((b) => b.gap)) {
    const x = (bar.start / total) * W;
    svg.append(s("rect", { x: x.toFixed(2), y: "0", width: Math.max(((bar.end - bar.start) / total) * W, 1).toFixed(2), height: `${H}`, fill: `url(#${hatch})` },
      s("title", {}, `${fmtSeconds(bar.start)}–${fmtSeconds(bar.end)}: not scored (${gapReason(bar.raw)})`)));
  }
  for (const bar of bars.filter((b) => !b.gap)) {
    const t = scale.of(bar.score.value);
    const x = (bar.start / total) * W;
    const width = Math.max(((bar.end - bar.start) / total) * W, 3);
    const height = Math.max(3, t * (H - 6));
    const rect = s("rect", {
      x: x.toFixed(2), y: (H - height).toFixed(2), width: width.toFixed(2), height: height.toFixed(2),
      // Bars past a threshold take its colour; those between stay neutral grey.
      fill: scale.colour(bar.score.value, 0.9) || "#b9bccb", stroke: "#fff", "stroke-width": "0.5", class: onSelect ? "clickable" : "",
    }, s("title", {}, `${fmtSeconds(bar.start)}–${fmtSeconds(bar.windowEnd ?? bar.end)}: ${scale.probability ? `P(AI) ${pct(bar.score.value)}` : `score ${bar.score.value.toFixed(3)}`}`));
    if (onSelect) rect.addEventListener("click", () => onSelect(bar));
    svg.append(rect);
  }
  const cutLines = scale.verdictScale ? [scale.cuts.ai_at, scale.cuts.human_below] : [];
  for (const cut of cutLines) {
    const y = H - Math.max(3, cut * (H - 6));
    svg.append(s("line", { x1: "0", x2: `${W}`, y1: `${y}`, y2: `${y}`, stroke: "#20233a", "stroke-dasharray": "6 5", "stroke-width": "1", "vector-effect": "non-scaling-stroke" }));
  }
  const playhead = s("line", { x1: "0", x2: "0", y1: "0", y2: `${H}`, stroke: "#2f5bd3", "stroke-width": "2", "vector-effect": "non-scaling-stroke", visibility: "hidden" });
  svg.append(playhead);
  const axis = h("div", { class: "timeline-axis", "aria-hidden": "true" },
    ticks(total).map((t) => h("span", { style: { left: `${(100 * t) / total}%` } }, fmtSeconds(t))));
  const wrap = h("div", { class: "timeline" },
    h("div", { class: "timeline-plot" }, svg, scale.verdictScale ? h("span", { class: "timeline-mid", "aria-hidden": "true" }, `dashed: thresholds ${pct(scale.cuts.human_below)} and ${pct(scale.cuts.ai_at)}`) : null),
    axis);
  wrap.setPlayhead = (time) => {
    const x = (Math.min(Math.max(time, 0), total) / total) * W;
    playhead.setAttribute("x1", x.toFixed(2));
    playhead.setAttribute("x2", x.toFixed(2));
    playhead.setAttribute("visibility", "visible");
  };
  return wrap;
}

/** Keyboard and screen-reader access to the same data: a table, each row able to seek. */
export function timelineTable(all, scale, { caption, onSelect, limit = 200 }) {
  const items = all.filter((it) => !it.gap);
  const rows = items.slice(0, limit).map((it) => h("tr", {},
    h("td", {}, fmtSeconds(it.start)),
    h("td", {}, it.end === null || it.end === undefined ? "—" : fmtSeconds(it.end)),
    h("td", {}, scale.probability ? pct(it.score.value, 1) : it.score.value.toFixed(3)),
    onSelect ? h("td", {}, h("button", { type: "button", class: "secondary small", onclick: () => onSelect(it) }, `Play from ${fmtSeconds(it.start)}`)) : null));
  return h("details", { class: "timeline-table" },
    h("summary", {}, caption),
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Start"), h("th", { scope: "col" }, "End"),
        h("th", { scope: "col" }, scale.probability ? "P(AI)" : "Score"), onSelect ? h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Play")) : null)),
      h("tbody", {}, rows))),
    items.length > limit ? h("p", { class: "hint" }, `First ${limit} of ${items.length} shown.`) : null);
}

/** "8 windows over 16 s; highest 91 % at 4.0–6.0 s" */
export function summarise(all, scale, noun) {
  const items = all.filter((it) => !it.gap);
  if (!items.length) return `No ${noun}s.`;
  const top = items.reduce((a, b) => (b.score.value > a.score.value ? b : a));
  const value = scale.probability ? `P(AI) ${pct(top.score.value)}` : `score ${top.score.value.toFixed(3)}`;
  const above = scale.verdictScale ? items.filter((it) => scale.zone(it.score.value) === "ai").length : null;
  return `${items.length} ${noun}${items.length === 1 ? "" : "s"} scored` +
    (above === null ? "" : `, ${above} past the AI threshold (${pct(scale.cuts.ai_at)})`) +
    `; the highest is ${value} at ${fmtSeconds(top.start)}.`;
}
