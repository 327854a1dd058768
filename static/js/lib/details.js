// The audit facts of a result: models and revisions, timings, and the raw JSON.
import { h, isObject, num } from "./dom.js";

export function renderDetails(d) {
  const models = Array.isArray(d.models_used) ? d.models_used.filter(isObject) : [];
  const timings = isObject(d.timings) ? d.timings : {};
  const parts = [];
  if (models.length) {
    parts.push(h("h3", {}, "Models used"), h("ul", { class: "models" }, models.map((m) =>
      h("li", {}, h("code", {}, String(m.id ?? "")), m.revision ? ` @ ${String(m.revision).slice(0, 12)}` : ""))));
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
