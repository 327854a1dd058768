// Every detector's score: the one that decided, then the members of an ensemble (nested).
import { clamp01, h, humanize, isObject, num, pct } from "./dom.js";
import { verdictEntry, verdictLabel, zoneOf } from "./vocabulary.js";

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

// A bar is coloured only where the detector's thresholds are known (the deciding one):
// a member's probability has cuts of its own, so it stays neutral grey.
function bar(p, cuts) {
  const x = num(p);
  if (x === null) return h("span", {}, "—");
  const width = `${(100 * clamp01(x)).toFixed(1)}%`;
  const zone = cuts ? zoneOf(x, cuts) : "uncertain";
  const colour = zone === "uncertain" ? "#8890b0" : verdictEntry(zone)?.colour;
  return h("span", { class: "score-bar" },
    h("span", { class: "score-bar-track", "aria-hidden": "true" },
      h("span", { class: "score-bar-fill", style: { width, background: colour } })),
    h("span", { class: "score-bar-value" }, pct(x, 1)));
}

export function renderDetectors(d) {
  const rows = detectorRows(d);
  const cuts = isObject(d.reading?.cuts) ? d.reading.cuts : null;
  const body = rows.map((row) => h("tr", { class: `depth-${Math.min(row.depth, 3)}` },
    h("th", { scope: "row", "data-label": "Detector" },
      h("span", { class: "detector-name", style: { paddingLeft: `${row.depth * 1.1}rem` } },
        row.depth ? "↳ " : "", humanize(row.detector)),
      h("code", { class: "detector-id" }, String(row.detector ?? ""))),
    h("td", { "data-label": "Verdict" }, (() => {
      // The deciding detector's row says what the page's headline says.
      const v = row.depth === 0 && d.reading?.verdict ? d.reading.verdict : row.verdict;
      return h("span", { class: `badge verdict-badge-${v}` }, verdictLabel(v));
    })()),
    h("td", { "data-label": "P(AI)" }, bar(row.probability_ai, row.depth === 0 ? cuts : null)),
    h("td", { "data-label": "Time" }, num(row.elapsed_ms) === null ? "—" : `${Math.round(num(row.elapsed_ms))} ms`),
  ));
  return h("section", { class: "card detectors-card", "aria-labelledby": "detectors-heading" },
    h("h2", { id: "detectors-heading" }, rows.length > 1 ? "Every detector’s score" : "Detector score"),
    h("div", { class: "table-wrap" },
      h("table", { class: "detectors-table" },
        h("caption", { class: "visually-hidden" }, "Scores of each detector"),
        h("thead", {}, h("tr", {},
          ...["Detector", "Verdict", "Probability AI-generated (calibrated)", "Time"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, body))),
  );
}
