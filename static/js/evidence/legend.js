// A colour legend for the heat scale, with its meaning in words.
import { fmtNumber, h, pct, s } from "../lib/dom.js";
import { heatColor } from "../lib/scores.js";

let gradientCount = 0;

export function legend(scale, caption) {
  gradientCount += 1;
  const id = `legend-gradient-${gradientCount}`;
  const stops = [0, 0.25, 0.5, 0.75, 1].map((x) => s("stop", { offset: `${x * 100}%`, "stop-color": heatColor(x) }));
  const low = scale.stretched ? pct(scale.lo) : scale.probability ? "0 %" : fmtNumber(scale.lo);
  const high = scale.stretched ? pct(scale.hi) : scale.probability ? "100 % AI" : fmtNumber(scale.hi);
  return h("div", { class: "legend" },
    h("span", { class: "legend-end" }, low),
    s("svg", { class: "legend-bar", viewBox: "0 0 200 12", preserveAspectRatio: "none", "aria-hidden": "true" },
      s("defs", {}, s("linearGradient", { id }, stops)),
      s("rect", { x: "0", y: "0", width: "200", height: "12", rx: "3", fill: `url(#${id})` })),
    h("span", { class: "legend-end" }, high),
    h("span", { class: "legend-caption" }, caption + (scale.stretched ? " (colours stretched from this image’s lowest to highest cell: read them relative to each other)" : scale.probability ? ""
      : scale.threshold !== undefined
        ? ` (the detector’s raw score; its threshold, ${fmtNumber(scale.threshold)}, is mid-scale: warmer than the middle is past it)`
        : " (relative: the detector’s raw score, lowest to highest here)")));
}
