// Scalar evidence values (counts, flags, names) that no drawing uses, listed per detector.
import { fmtNumber, h, humanize } from "../lib/dom.js";

const MAX_TEXT = 160;

function show(value) {
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : fmtNumber(value);
  return String(value);
}

export function render(nodes) {
  const groups = [];
  for (const node of nodes) {
    const rows = Object.entries(node.evidence).filter(([, v]) =>
      (typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean" || (typeof v === "string" && v.length <= MAX_TEXT));
    if (!rows.length) continue;
    groups.push(h("div", { class: "figure-group" },
      h("h4", {}, humanize(node.detector) || "Result"),
      h("dl", { class: "figures" }, rows.map(([k, v]) => h("div", {}, h("dt", {}, humanize(k)), h("dd", {}, show(v)))))));
  }
  return groups.length ? h("details", { class: "figures-details" }, h("summary", {}, "Show the detectors’ other figures"), groups) : null;
}
