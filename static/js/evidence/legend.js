// The legend of the evidence colours: the verdict's own thresholds, in words.
import { h, pct } from "../lib/dom.js";
import { verdictEntry } from "../lib/vocabulary.js";

function swatch(colour, alpha, text, cls) {
  return h("span", { class: `legend-item ${cls}` },
    h("span", { class: "legend-swatch", style: { background: colour, opacity: String(alpha) }, "aria-hidden": "true" }), text);
}

/** itemNoun: "sentence", "patch", "window", "frame". */
export function legend(scale, itemNoun = "part") {
  if (!scale.verdictScale) {
    return h("div", { class: "legend legend-uncoloured" },
      h("span", { class: "legend-caption" }, `These ${itemNoun} scores are not on the verdict’s calibrated scale, so nothing is coloured; the numbers are in the table.`));
  }
  const { ai_at: ai, human_below: human } = scale.cuts;
  return h("div", { class: "legend legend-cuts", role: "note" },
    swatch(verdictEntry("ai")?.colour, 1, `${itemNoun} past the AI threshold (${pct(ai, 1)} or more)`, "legend-ai"),
    swatch("#ffffff", 1, `between the thresholds: no call, left plain`, "legend-between"),
    swatch(verdictEntry("human")?.colour, 0.45, `below the human threshold (under ${pct(human, 1)})`, "legend-human"),
    h("span", { class: "legend-caption" }, `The same thresholds as the verdict. One ${itemNoun} carries much less evidence than the whole: read the colours as pointers, not separate verdicts.`));
}
