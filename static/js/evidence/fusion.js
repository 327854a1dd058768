// Cross-modal evidence of a fused result (detection/engine/fusion/fuse.py): whether the
// picture and the sound tell the same story, in words.
import { h, isObject, num, pct } from "../lib/dom.js";

export const NAME = "cross-modal check";

export function find(evidence) {
  const fusion = isObject(evidence.fusion) ? evidence.fusion : null;
  const flag = fusion?.cross_modal_disagreement ?? evidence.cross_modal_disagreement;
  if (typeof flag !== "boolean") return null;
  const pairs = Array.isArray(fusion?.disagreements) ? fusion.disagreements.filter(isObject) : [];
  const members = Array.isArray(fusion?.members) ? fusion.members.map(String) : [];
  return { title: "Do the picture and the sound agree?", data: { flag, pairs, members, method: fusion?.method } };
}

export function render(found) {
  const { flag, pairs, members, method } = found.data;
  const parts = [];
  if (flag) {
    parts.push(h("p", { class: "disagreement" }, h("strong", {}, "They disagree. "),
      "One part of the file looks generated and another looks real: a sign of a dubbed or partly generated video."));
    parts.push(h("ul", {}, pairs.map((p) => h("li", {},
      typeof p.description === "string" ? p.description : (Array.isArray(p.between) ? p.between.join(" vs ") : "two detectors"),
      num(p.probability_gap) !== null ? ` (probabilities ${pct(num(p.probability_gap))} apart)` : ""))));
  } else {
    parts.push(h("p", {}, "They agree: the detectors for each part of the file point the same way."));
  }
  if (members.length) parts.push(h("p", { class: "hint" }, `Combined by ${method || "vote"} over ${members.join(", ")}.`));
  return h("div", { class: "fusion" }, ...parts);
}
