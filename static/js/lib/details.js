// The audit facts of a result: models and revisions, timings, and the raw JSON.
import { fmtNumber, h, humanize, isObject, num } from "./dom.js";
import { detectorRows } from "./detectors.js";

export function renderDetails(d) {
  const models = Array.isArray(d.models_used) ? d.models_used.filter(isObject) : [];
  const timings = isObject(d.timings) ? d.timings : {};
  const parts = [];
  if (models.length) {
    parts.push(h("h3", {}, "Models used"), h("ul", { class: "models" }, models.map((m) =>
      h("li", {}, h("code", {}, String(m.id ?? "")), m.revision ? ` @ ${String(m.revision)}` : ""))));
  }
  // Raw scores are for experts: each detector's own statistic before calibration, on a
  // scale of its own; only the calibrated probability above is comparable across them.
  const raw = detectorRows(d).filter((r) => num(r.raw_score) !== null);
  if (raw.length) {
    parts.push(h("details", { class: "raw-scores" },
      h("summary", {}, "Raw scores (for experts)"),
      h("p", { class: "hint" }, "A raw score is a detector’s own statistic before calibration (for example a log-likelihood ratio or a classifier’s logit); its scale differs per detector and it is not a probability. The raw threshold is the value the detector’s calibration maps to its AI cut, when it has one. The calibrated probability is what the verdict uses."),
      h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Detector"), h("th", { scope: "col" }, "Raw score"), h("th", { scope: "col" }, "Raw threshold"))),
        h("tbody", {}, raw.map((r) => h("tr", {}, h("td", {}, humanize(r.detector)), h("td", {}, fmtNumber(r.raw_score)), h("td", {}, fmtNumber(r.threshold))))))));
  }
  if (timings.cache_hit) {
    parts.push(h("p", { class: "hint" }, "This exact input was checked before by the same detector versions: that stored result was reused, not recomputed."));
  }
  const engine = num(timings.engine_ms);
  if (engine !== null) parts.push(h("p", { class: "hint" }, `Analysis took ${(engine / 1000).toFixed(2)} s.`));
  parts.push(h("details", { class: "raw" },
    h("summary", {}, "All result data (JSON)"),
    h("pre", {}, JSON.stringify({ verdict: d.verdict, probability_ai: d.probability_ai, detector: d.detector, results: d.results, evidence: d.evidence }, null, 2))));
  return h("section", { class: "card details-card", "aria-labelledby": "details-heading" },
    h("h2", { id: "details-heading" }, "Details"), ...parts);
}
