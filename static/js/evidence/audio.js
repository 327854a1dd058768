// Audio evidence: the window timeline under a player; clicking a window plays from there.
import { h, isObject, num } from "../lib/dom.js";
import { evidenceScale } from "../lib/scores.js";
import { legend } from "./legend.js";
import { drawTimeline, gapReason, summarise, timedItems, timelineTable } from "./timeline.js";

export const NAME = "audio timeline";
const KEYS = ["audio_timeline", "windows", "segments", "timeline", "chunks", "window_scores", "frames"];
// A node that mixes modalities (a live session) names its timelines by modality.
const MIXED_KEYS = ["audio_timeline"];
const NESTED = ["windows", "items", "segments", "scores"];

export function find(evidence, node) {
  for (const key of node?.modality === "multimodal" ? MIXED_KEYS : KEYS) {
    let list = evidence[key];
    if (isObject(list)) list = NESTED.map((k) => list[k]).find(Array.isArray);
    const items = timedItems(list);
    // Frames of a video are drawn by the video renderer; here only spans of time count.
    if (items.some((it) => !it.gap) && items.some((it) => it.end !== null)) {
      return { title: "Which moments sound synthetic", key, data: items, duration: num(evidence.duration_s ?? evidence.duration) };
    }
  }
  return null;
}

export function render(found, ctx, node = {}) {
  const items = found.data;
  const scale = evidenceScale(items.filter((it) => !it.gap).map((it) => it.score), ctx.reading?.item_cuts?.windows);
  const duration = found.duration ?? num(ctx.meta?.duration_s ?? ctx.meta?.duration);
  if (node.compact) {
    return h("div", {}, drawTimeline({ items, duration, scale, label: `Window timeline of ${node.detector}: ${summarise(items, scale, "window")}` }),
      h("p", { class: "hint" }, summarise(items, scale, "window")));
  }
  let player = null;
  const type = String(ctx.contentType || "");
  if (ctx.mediaUrl && (type.startsWith("audio/") || type.startsWith("video/"))) {
    player = h("audio", { controls: true, preload: "metadata", src: ctx.mediaUrl, class: "player" });
  }
  const seek = player ? (it) => { player.currentTime = it.start; player.play().catch(() => {}); } : null;
  const timeline = drawTimeline({
    items, duration, scale, onSelect: seek,
    label: `Timeline of the audio: ${summarise(items, scale, "window")}`,
  });
  if (player) player.addEventListener("timeupdate", () => timeline.setPlayhead(player.currentTime));
  const skipped = items.filter((it) => it.gap).length;
  return h("div", {},
    player,
    timeline,
    legend(scale, "window"),
    h("p", {}, summarise(items, scale, "window"), skipped ? ` Hatched stretches (${skipped}) were not scored: ${[...new Set(items.filter((it) => it.gap).map((it) => gapReason(it.raw)))].join(", ")}.` : ""),
    timelineTable(items, scale, { caption: "All windows as a table", onSelect: seek }));
}
