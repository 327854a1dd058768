// Every detector's score: the one that decided, then the members of an ensemble (nested).
import { clamp01, fmtNumber, h, humanize, isObject, num, pct } from "./dom.js";
import { heatColor, verdictWord } from "./scores.js";

/** Flatten a result tree into rows with their depth. */
export function detectorRows(d) {
  const top = {
    detector: d.detector || `${d.modality} detector`,
    modality: d.modality,
    verdict: d.verdict,
    probability_ai: d.probability_ai,
    raw_score: d.results?.raw_score,
    threshold: d.results?.threshold,
    elapsed_ms: d.timings?.detector_ms,
    depth: 0,
  };
  const rows = [top];
  const walk = (members, depth) => {
    if (!Array.isArray(members)) return;
    for (const m of members) {
      if (!isObject(m)) continue;
      rows.push({ ...m, depth });
      walk(m.members, depth + 1);
    }
  };
  walk(d.results?.members, 1);
  return rows;
}

function bar(p) {
  const x = num(p);
  if (x === null) return h("span", {}, "—");
  const width = `${(100 * clamp01(x)).toFixed(1)}%`;
  return h("span", { class: "score-bar" },
    h("span", { class: "score-bar-track", "aria-hidden": "true" },
      h("span", { class: "score-bar-fill", style: { width, background: heatColor(x) } })),
    h("span", { class: "score-bar-value" }, pct(x, 1)));
}

export function renderDetectors(d) {
  const rows = detectorRows(d);
  const body = rows.map((row) => h("tr", { class: `depth-${Math.min(row.depth, 3)}` },
    h("th", { scope: "row", "data-label": "Detector" },
      h("span", { class: "detector-name", style: { paddingLeft: `${row.depth * 1.1}rem` } },
        row.depth ? "↳ " : "", humanize(row.detector)),
      h("code", { class: "detector-id" }, String(row.detector ?? ""))),
    h("td", { "data-label": "Verdict" }, h("span", { class: `badge verdict-badge-${row.verdict}` }, verdictWord(row.verdict, row.modality))),
    h("td", { "data-label": "P(AI)" }, bar(row.probability_ai)),
    h("td", { "data-label": "Raw score" }, fmtNumber(row.raw_score)),
    h("td", { "data-label": "Threshold" }, fmtNumber(row.threshold)),
    h("td", { "data-label": "Time" }, num(row.elapsed_ms) === null ? "—" : `${Math.round(num(row.elapsed_ms))} ms`),
  ));
  return h("section", { class: "card detectors-card", "aria-labelledby": "detectors-heading" },
    h("h2", { id: "detectors-heading" }, rows.length > 1 ? "Every detector’s score" : "Detector score"),
    h("div", { class: "table-wrap" },
      h("table", { class: "detectors-table" },
        h("caption", { class: "visually-hidden" }, "Scores of each detector"),
        h("thead", {}, h("tr", {},
          ...["Detector", "Verdict", "P(AI), calibrated", "Raw score", "Threshold (raw)", "Time"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, body))),
  );
}
