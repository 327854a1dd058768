// Provenance evidence in plain words: C2PA Content Credentials (who signed, what they
// declare was done), generator metadata, and invisible watermarks.
import { h, humanize, isObject, num } from "../lib/dom.js";

export const NAME = "provenance";

const STRENGTH = {
  conclusive: "Conclusive",
  strong: "Strong",
  weak: "Hint only",
};

const KIND = {
  c2pa: "Content Credentials (C2PA)",
  metadata: "File metadata",
  watermark: "Invisible watermark",
};

// IPTC digital source types, in words.
const SOURCE_TYPES = {
  trainedAlgorithmicMedia: "made by a generative AI model",
  compositeWithTrainedAlgorithmicMedia: "combined with AI-generated parts",
  compositeSynthetic: "a composite that includes synthetic parts",
  algorithmicMedia: "made by an algorithm (not a trained model)",
  algorithmicallyEnhanced: "enhanced by an algorithm",
  digitalCapture: "captured by a digital camera",
  computationalCapture: "captured by a camera with computational processing",
  negativeFilm: "scanned from a film negative",
  positiveFilm: "scanned from film",
  print: "scanned from a print",
  digitalArt: "digital art made by a person",
  humanEdits: "edited by a person",
  minorHumanEdits: "lightly edited by a person",
  composite: "a composite of several sources",
  screenCapture: "a screen capture",
  virtualRecording: "a recording of a virtual scene",
  dataDrivenMedia: "made from data",
};

const ACTIONS = {
  "c2pa.created": "Created",
  "c2pa.opened": "Opened",
  "c2pa.edited": "Edited",
  "c2pa.edited.metadata": "Metadata edited",
  "c2pa.placed": "Placed another image into it",
  "c2pa.converted": "Converted to another format",
  "c2pa.cropped": "Cropped",
  "c2pa.resized": "Resized",
  "c2pa.color_adjustments": "Colours adjusted",
  "c2pa.filtered": "Filter applied",
  "c2pa.drawing": "Drawn on",
  "c2pa.published": "Published",
  "c2pa.transcoded": "Transcoded",
  "c2pa.repackaged": "Repackaged",
  "c2pa.removed": "Something removed",
  "c2pa.orientation": "Rotated or flipped",
  "c2pa.watermarked": "Watermarked",
};

const STATES = {
  Trusted: "valid, and the signer is on the trust list",
  Valid: "valid (the file has not changed since it was signed), but the signer is not on the trust list",
  Invalid: "invalid: the file was changed after signing, or the signature is broken",
  Unknown: "could not be checked",
};

export function sourceTypeWords(type) {
  if (!type) return "";
  const name = String(type).replace(/\/+$/, "").split("/").pop();
  return SOURCE_TYPES[name] || humanize(name);
}

export function actionWords(action) {
  return ACTIONS[action] || humanize(String(action || "").replace(/^c2pa\./, ""));
}

export function find(evidence) {
  const container = isObject(evidence.provenance) ? evidence.provenance : evidence;
  // An ensemble repeats its provenance member's findings as provenance_findings.
  const list = Array.isArray(container.findings) ? container.findings : container.provenance_findings;
  const findings = Array.isArray(list) ? list.filter((f) => isObject(f) && typeof f.summary === "string" && f.summary) : null;
  const watermark = isObject(container.watermark) ? container.watermark : null;
  const checked = Array.isArray(container.checked) ? container.checked.map(String) : null;
  if (!findings && !watermark && !checked) return null;
  return {
    // The same findings seen twice (ensemble and member) are drawn once, from the fuller copy.
    dedupeKey: JSON.stringify(findings || []),
    title: "Where the file says it came from",
    data: { findings: findings || [], watermark, checked, fields: isObject(container.metadata_fields) ? container.metadata_fields : null },
  };
}

function dl(pairs) {
  const rows = pairs.filter(([, v]) => v !== null && v !== undefined && v !== "");
  return rows.length ? h("dl", { class: "facts small" }, rows.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))) : null;
}

function c2paDetails(details) {
  const signer = isObject(details.signer) ? details.signer : {};
  const signedBy = [signer.common_name, signer.issuer && signer.issuer !== signer.common_name ? `issued by ${signer.issuer}` : null].filter(Boolean).join(", ");
  const state = details.validation_state ? `${details.validation_state} — ${STATES[details.validation_state] || ""}` : null;
  const failures = Array.isArray(details.validation_failures) && details.validation_failures.length
    ? details.validation_failures.map(String).join(", ") : null;
  const actions = Array.isArray(details.actions) ? details.actions.filter(isObject) : [];
  return h("div", { class: "c2pa" },
    dl([
      ["Signed by", signedBy || "an unnamed signer"],
      ["Signed at", signer.time || null],
      ["Signature", state],
      ["Problems found", failures],
      ["Made with", details.claim_generator || null],
      ["Title", details.title || null],
    ]),
    actions.length ? h("div", {}, h("p", {}, h("strong", {}, "What the credentials say was done:")),
      h("ol", { class: "c2pa-actions" }, actions.map((a) => h("li", {},
        actionWords(a.action),
        a.software_agent ? ` with ${a.software_agent}` : "",
        a.digital_source_type ? ` — ${sourceTypeWords(a.digital_source_type)}` : "")))) : null);
}

function findingItem(f) {
  const strength = STRENGTH[f.strength] || humanize(f.strength);
  const direction = f.points_to === "ai" ? "points to AI" : f.points_to === "real" ? "points to a real capture" : "";
  const details = isObject(f.details) ? f.details : {};
  return h("li", { class: `finding finding-${f.points_to === "ai" ? "ai" : "real"} strength-${f.strength || "weak"}` },
    h("p", { class: "finding-head" },
      h("span", { class: "badge" }, KIND[f.kind] || humanize(f.kind)), " ",
      h("span", { class: `badge strength-badge-${f.strength || "weak"}` }, strength), " ",
      direction ? h("span", { class: "finding-direction" }, direction) : null),
    h("p", { class: "finding-summary" }, String(f.summary || "")),
    f.kind === "c2pa" && (details.signer || details.actions) ? c2paDetails(details) : null);
}

function watermarkLine(wm) {
  if (wm.checked === false) return `Invisible watermark: not checked (${wm.reason || "not possible for this image"}).`;
  const messages = isObject(wm.messages) ? Object.entries(wm.messages) : [];
  if (!messages.length) return "Invisible watermark: checked; nothing found.";
  const parts = messages.map(([name, m]) => {
    const matched = num(m?.matched);
    const bits = num(m?.bits);
    return matched !== null && bits !== null ? `${name}: ${matched} of ${bits} bits match` : name;
  });
  return `Invisible watermark: looked for ${messages.map(([n]) => n).join(", ")} (${parts.join("; ")}; about half the bits match by chance alone).`;
}

export function render(found) {
  const { findings, watermark, checked, fields } = found.data;
  const parts = [];
  if (findings.length) {
    parts.push(h("ul", { class: "findings" }, findings.map(findingItem)));
  } else {
    const words = { c2pa: "Content Credentials (C2PA)", metadata: "generator metadata", watermark: "known invisible watermark" };
    const looked = checked?.length ? checked.map((c) => words[c] || String(c)) : [words.c2pa];
    parts.push(h("p", {}, `Nothing found: the file carries no ${looked.join(", ").replace(/, ([^,]*)$/, " and no $1")}. `,
      h("strong", {}, "That does not mean it is real"), ": most websites and apps strip this information."));
  }
  if (watermark && !findings.some((f) => f.kind === "watermark")) parts.push(h("p", { class: "hint" }, watermarkLine(watermark)));
  if (checked?.length) parts.push(h("p", { class: "hint" }, `Checked: ${checked.map((c) => KIND[c] || humanize(c)).join(", ")}.`));
  const entries = fields ? Object.entries(fields) : [];
  if (entries.length) {
    parts.push(h("details", {}, h("summary", {}, `Metadata fields read (${entries.length})`),
      dl(entries.map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]))));
  }
  return h("div", { class: "provenance" }, ...parts);
}
