// The verdict card: the answer in the one vocabulary's words, its confidence band and the
// detector's measured error rate at this score, "why this verdict" and what the detector
// cannot see. All of it comes from the server's reading of the result (d.reading).
import { clamp01, h, isObject, num, pct, s } from "./dom.js";
import { verdictEntry, verdictLabel } from "./vocabulary.js";

const EXPLAIN = {
  ai: "The calibrated score is past this detector’s AI threshold. Detectors make mistakes, especially on short, edited or unusual content: treat this as evidence, not proof.",
  human: "The calibrated score is below this detector’s human threshold. A new or unusual generator can still slip past it: treat this as evidence, not proof.",
  uncertain: "The score falls between the detector’s two thresholds, or the detectors disagree: it gives no confident answer either way. Look at the evidence below.",
};

/** The gauge shows the probability against the detector's own thresholds: the stretch
 *  between them is the uncertain band, drawn grey. */
function gauge(probability, cuts) {
  const p = clamp01(num(probability) ?? 0);
  const X = (v) => 8 + clamp01(v) * 984;
  const parts = [s("rect", { x: "8", y: "18", width: "984", height: "20", rx: "10", fill: "#ececf2", stroke: "#8890b0" })];
  if (cuts) {
    const human = verdictEntry("human")?.colour || "#1e6b3a";
    const ai = verdictEntry("ai")?.colour || "#b3261e";
    parts.push(
      s("rect", { x: "8", y: "18", width: `${X(cuts.human_below) - 8}`, height: "20", rx: "10", fill: human, "fill-opacity": "0.45" }),
      s("rect", { x: `${X(cuts.ai_at)}`, y: "18", width: `${992 - X(cuts.ai_at)}`, height: "20", rx: "10", fill: ai, "fill-opacity": "0.75" }),
      s("line", { x1: `${X(cuts.human_below)}`, x2: `${X(cuts.human_below)}`, y1: "12", y2: "44", stroke: "#20233a", "stroke-dasharray": "3 3" }),
      s("line", { x1: `${X(cuts.ai_at)}`, x2: `${X(cuts.ai_at)}`, y1: "12", y2: "44", stroke: "#20233a", "stroke-dasharray": "3 3" }),
    );
  }
  const x = X(p);
  const label = cuts
    ? `Gauge: ${pct(p, 1)} probability AI-generated; human threshold ${pct(cuts.human_below, 1)}, AI threshold ${pct(cuts.ai_at, 1)}`
    : `Gauge: ${pct(p, 1)} probability AI-generated`;
  return s("svg", { class: "gauge", viewBox: "0 0 1000 64", role: "img", "aria-label": label, preserveAspectRatio: "none" },
    ...parts,
    s("path", { d: `M ${x - 9} 4 L ${x + 9} 4 L ${x} 18 Z`, fill: "#20233a" }),
    s("rect", { x: `${x - 2}`, y: "16", width: "4", height: "24", fill: "#20233a" }),
  );
}

function list(items, cls) {
  const usable = (Array.isArray(items) ? items : []).filter((x) => typeof x === "string" && x);
  return usable.length ? h("ul", { class: cls }, usable.map((x) => h("li", {}, x))) : null;
}

export function renderVerdict(d) {
  const reading = isObject(d.reading) ? d.reading : {};
  const verdict = ["ai", "human", "uncertain"].includes(reading.verdict) ? reading.verdict
    : ["ai", "human", "uncertain"].includes(d.verdict) ? d.verdict : "uncertain";
  const cuts = isObject(reading.cuts) && num(reading.cuts.ai_at) !== null ? reading.cuts : null;
  const warnings = Array.isArray(d.warnings) ? d.warnings.filter((w) => typeof w === "string" && w) : [];
  const band = isObject(reading.band) ? reading.band.label : "";
  const accuracy = `/accuracy/${reading.accuracy_anchor ? `#${reading.accuracy_anchor}` : ""}`;
  return h("section", { class: `card verdict-card verdict-${verdict}`, "aria-labelledby": "verdict-heading", "data-verdict": verdict },
    h("h2", { id: "verdict-heading" }, "Verdict"),
    // Disagreement between the detectors comes before the answer it qualifies.
    reading.disagreement ? h("p", { class: "disagreement", role: "note" }, h("strong", {}, "Note: "), reading.disagreement) : null,
    h("p", { class: "verdict-word" }, verdictLabel(verdict)),
    band ? h("p", { class: "verdict-band" }, band) : null,
    reading.shown_uncertain_because ? h("p", { class: "hint" },
      `Shown as uncertain although the detector’s own call was “${verdictLabel(reading.stored_verdict)}”: ${reading.shown_uncertain_because}.`) : null,
    h("p", { class: "verdict-probability" },
      "Calibrated probability that it is AI-generated: ", h("strong", {}, pct(d.probability_ai, 1))),
    gauge(d.probability_ai, cuts),
    h("div", { class: "gauge-labels", "aria-hidden": "true" },
      h("span", {}, "0 %"),
      cuts ? h("span", {}, `human below ${pct(cuts.human_below, 1)} · uncertain · AI from ${pct(cuts.ai_at, 1)}`) : h("span", {}, "50 %"),
      h("span", {}, "100 %")),
    reading.error_rate ? h("p", { class: "error-rate" }, reading.error_rate, " ", h("a", { href: accuracy }, "How accurate is this?")) : h("p", {}, h("a", { href: accuracy }, "How accurate is this?")),
    h("p", { class: "hint" }, EXPLAIN[verdict]),
    Array.isArray(reading.why) && reading.why.length ? h("div", { class: "why" }, h("h3", {}, "Why this verdict"), list(reading.why, "why-list")) : null,
    Array.isArray(reading.cannot_see) && reading.cannot_see.length ? h("div", { class: "cannot-see" }, h("h3", {}, "What the detector cannot see"), list(reading.cannot_see, "cannot-see-list")) : null,
    // Caveats the detectors raised (short text, no speech, odd format) belong next to the
    // answer they qualify.
    warnings.length ? h("div", { class: "warnings", role: "note" }, h("h3", {}, "Read with care"),
      h("ul", {}, warnings.map((w) => h("li", {}, String(w))))) : null,
  );
}
