// The verdict card: the answer in words, the calibrated probability, and a gauge.
import { clamp01, h, num, pct, s } from "./dom.js";
import { heatColor, verdictWord } from "./scores.js";

const EXPLAIN = {
  ai: "The detectors’ combined, calibrated score is high. Detectors make mistakes, especially on short, edited or unusual content: treat this as evidence, not proof.",
  human: "The detectors’ combined, calibrated score is low. A new or unusual generator can still slip past them: treat this as evidence, not proof.",
  uncertain: "The score falls between the thresholds for a confident answer, or the detectors disagree. Look at the evidence below.",
};

function gauge(probability) {
  const p = clamp01(num(probability) ?? 0);
  const stops = [0, 0.25, 0.5, 0.75, 1].map((x) => s("stop", { offset: `${x * 100}%`, "stop-color": heatColor(x) }));
  const x = 8 + p * 984;
  return s("svg", { class: "gauge", viewBox: "0 0 1000 64", role: "img", "aria-label": `Gauge: ${pct(p)} probability AI-generated`, preserveAspectRatio: "none" },
    s("defs", {}, s("linearGradient", { id: "gauge-gradient", x1: "0", x2: "1", y1: "0", y2: "0" }, stops)),
    s("rect", { x: "8", y: "18", width: "984", height: "20", rx: "10", fill: "url(#gauge-gradient)", stroke: "#8890b0" }),
    s("line", { x1: "500", x2: "500", y1: "14", y2: "42", stroke: "#20233a", "stroke-dasharray": "3 3" }),
    s("path", { d: `M ${x - 9} 4 L ${x + 9} 4 L ${x} 18 Z`, fill: "#20233a" }),
    s("rect", { x: `${x - 2}`, y: "16", width: "4", height: "24", fill: "#20233a" }),
  );
}

export function renderVerdict(d) {
  const verdict = ["ai", "human", "uncertain"].includes(d.verdict) ? d.verdict : "uncertain";
  const warnings = Array.isArray(d.warnings) ? d.warnings.filter((w) => typeof w === "string" && w) : [];
  return h("section", { class: `card verdict-card verdict-${verdict}`, "aria-labelledby": "verdict-heading" },
    h("h2", { id: "verdict-heading" }, "Verdict"),
    h("p", { class: "verdict-word" }, verdictWord(d.verdict, d.modality)),
    h("p", { class: "verdict-probability" },
      "Calibrated probability that it is AI-generated: ", h("strong", {}, pct(d.probability_ai, 1))),
    gauge(d.probability_ai),
    h("div", { class: "gauge-labels", "aria-hidden": "true" },
      h("span", {}, "0 % · not AI"), h("span", {}, "50 %"), h("span", {}, "100 % · AI")),
    h("p", { class: "hint" }, EXPLAIN[verdict]),
    // Caveats the detectors raised (short text, no speech, odd format) belong next to the
    // answer they qualify.
    warnings.length ? h("div", { class: "warnings", role: "note" }, h("h3", {}, "Read with care"),
      h("ul", {}, warnings.map((w) => h("li", {}, String(w))))) : null,
  );
}
