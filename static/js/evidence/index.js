// Finds the evidence in a result (the deciding detector's and every ensemble member's) and
// draws each kind the page knows: text highlighting, the image patch heatmap, the video
// frame timeline, the audio window timeline and provenance findings. Unknown keys are left
// to the raw JSON in the details card; a renderer that meets data it cannot draw is skipped.
import { h, humanize, isObject } from "../lib/dom.js";
import * as text from "./text.js";
import * as image from "./image.js";
import * as audio from "./audio.js";
import * as video from "./video.js";
import * as provenance from "./provenance.js";
import * as figures from "./figures.js";
import * as fusion from "./fusion.js";

// Which renderers apply to a node of each modality (provenance applies to any).
const RENDERERS = {
  text: [text],
  image: [image],
  audio: [audio],
  video: [video],
  // Fusion results carry each modality's evidence in their members (or nested by name);
  // a live session keeps video_timeline and audio_timeline at the top.
  multimodal: [video, audio],
};
const MODALITIES = ["text", "image", "audio", "video"];

/** Every node of the result tree that carries evidence: [{detector, modality, evidence}]. */
export function evidenceNodes(d) {
  const nodes = [];
  const visit = (node, detector, modality) => {
    if (!isObject(node)) return;
    if (isObject(node.evidence) && Object.keys(node.evidence).length) {
      const threshold = node === d ? d.results?.threshold : node.threshold;
      nodes.push({ detector: String(detector || ""), modality: String(modality || d.modality || ""), evidence: node.evidence, threshold });
      // e.g. a video's evidence holding its sound track's as evidence.audio
      for (const sub of MODALITIES) {
        if (sub !== modality && isObject(node.evidence[sub])) {
          nodes.push({ detector: `${detector || ""} (${sub})`, modality: sub, evidence: node.evidence[sub] });
        }
      }
    }
    const members = node === d ? d.results?.members : node.members;
    if (Array.isArray(members)) for (const m of members) visit(m, m?.detector, m?.modality || modality);
  };
  visit(d, d.detector, d.modality);
  return nodes;
}

function section(title, detector, body) {
  return h("section", { class: "card evidence-card" },
    h("h3", {}, title, detector ? h("span", { class: "evidence-source" }, ` — ${humanize(detector)}`) : null),
    body);
}

export function renderEvidence(d, context) {
  const nodes = evidenceNodes(d);
  const seen = new Map();
  const drawn = new Set();
  const cards = [];
  const ctx = { ...context, modality: d.modality, meta: isObject(d.input_meta) ? d.input_meta : {}, reading: isObject(d.reading) ? d.reading : {} };
  for (const node of nodes) {
    const renderers = [provenance, fusion, ...(RENDERERS[node.modality] || RENDERERS[d.modality] || [])];
    for (const renderer of renderers) {
      let found = null;
      try {
        found = renderer.find(node.evidence, node, ctx.meta);
      } catch (error) {
        console.warn(`evidence finder ${renderer.NAME} failed`, error);
      }
      if (!found) continue;
      // An ensemble often repeats a member's evidence at the top: draw it once, from the
      // copy that carries the most (e.g. provenance findings with the watermark check).
      const key = `${renderer.NAME}:${found.dedupeKey ?? JSON.stringify(found.data ?? found)}`;
      const richness = isObject(found.data) ? Object.values(found.data).filter((v) => v !== null && v !== undefined).length : 0;
      const earlier = seen.get(key);
      if (earlier && earlier.richness >= richness) continue;
      // A member's copy of a kind already drawn (e.g. each ensemble member's own window
      // timeline) is drawn compactly under the full one.
      const compact = drawn.has(renderer.NAME) && renderer !== provenance && renderer !== fusion;
      drawn.add(renderer.NAME);
      try {
        const title = compact ? `${found.title || humanize(renderer.NAME)} (this detector alone)` : found.title || humanize(renderer.NAME);
        const card = section(title, node.detector, renderer.render(found, ctx, { ...node, compact }));
        if (earlier) cards[cards.indexOf(earlier.card)] = card;
        else cards.push(card);
        seen.set(key, { card, richness });
      } catch (error) {
        console.warn(`evidence renderer ${renderer.NAME} failed`, error);
        cards.push(section(humanize(renderer.NAME), node.detector, h("p", { class: "hint" }, "This evidence could not be drawn; it is in the JSON below.")));
      }
    }
  }
  const extra = figures.render(nodes);
  if (extra) cards.push(section("Other figures", "", extra));
  if (d.modality === "text" && typeof context.text === "string" && !cards.some((c) => c.querySelector(".highlighted-text"))) {
    cards.push(section("Submitted text", "", text.plain(context.text)));
  }
  if (!cards.length) {
    cards.push(h("p", { class: "hint" }, "The detectors returned no evidence to draw for this input."));
  }
  return h("section", { class: "evidence", "aria-labelledby": "evidence-heading" },
    h("h2", { id: "evidence-heading" }, "Evidence"), ...cards);
}
