// Video evidence: the frame timeline and thumbnails of the most suspicious frames (from the
// evidence when it carries them, else grabbed from the uploaded video in the browser).
import { fmtSeconds, h, isObject, num, pct, s } from "../lib/dom.js";
import { evidenceScale } from "../lib/scores.js";
import { legend } from "./legend.js";
import { drawTimeline, summarise, timedItems, timelineTable } from "./timeline.js";

export const NAME = "frame timeline";
const KEYS = ["video_timeline", "frames", "frame_scores", "timeline", "samples", "sampled_frames"];
const MIXED_KEYS = ["video_timeline"];
const TOP_KEYS = ["top_frames", "suspicious_frames", "thumbnails"];
const THUMB_KEYS = ["base64", "thumbnail", "thumb", "jpeg", "jpeg_base64", "image", "data_url"];
const TOP_N = 4;
const SEEK_TIMEOUT_MS = 4000;

function thumbSource(item) {
  for (const key of THUMB_KEYS) {
    const v = item?.[key];
    if (typeof v !== "string" || v.length < 20) continue;
    if (v.startsWith("data:image/")) return v;
    const type = /^image\/(jpeg|png|webp)$/.test(item.content_type) ? item.content_type : "image/jpeg";
    if (/^[A-Za-z0-9+/=\s]+$/.test(v)) return `data:${type};base64,${v.replace(/\s+/g, "")}`;
  }
  return null;
}

export function find(evidence, node, meta) {
  const fps = num(evidence.fps ?? meta?.fps);
  for (const key of node?.modality === "multimodal" ? MIXED_KEYS : KEYS) {
    let list = evidence[key];
    if (isObject(list)) list = ["frames", "items", "windows"].map((k) => list[k]).find(Array.isArray);
    const items = timedItems(list, fps);
    if (items.length) {
      const top = TOP_KEYS.map((k) => timedItems(evidence[k], fps)).find((l) => l.length) || null;
      const video = isObject(evidence.video) ? evidence.video : {};
      const width = num(video.width ?? meta?.width);
      const height = num(video.height ?? meta?.height);
      return {
        title: "Frame by frame", key, data: items, top,
        duration: num(evidence.duration_s ?? evidence.duration ?? video.duration),
        frameSize: width && height ? [width, height] : null,
        // The video detector writes the cuts its frames were judged by beside them.
        cuts: isObject(evidence.aggregate) && num(evidence.aggregate.suspicious_at) !== null && num(evidence.aggregate.human_below) !== null
          ? { ai_at: num(evidence.aggregate.suspicious_at), human_below: num(evidence.aggregate.human_below) } : null,
      };
    }
  }
  return null;
}

function grabber(url) {
  const video = h("video", { muted: true, preload: "auto", src: url, playsinline: true });
  let queue = Promise.resolve();
  const grab = (time) => new Promise((resolve) => {
    const timer = window.setTimeout(() => resolve(null), SEEK_TIMEOUT_MS);
    const done = () => {
      window.clearTimeout(timer);
      try {
        const canvas = h("canvas", { width: "240", height: String(Math.round((240 * video.videoHeight) / (video.videoWidth || 1)) || 135) });
        canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
        resolve(canvas);
      } catch { resolve(null); }
    };
    video.addEventListener("seeked", done, { once: true });
    const go = () => { video.currentTime = Math.max(time, 0.001); };
    if (video.readyState >= 1) go(); else video.addEventListener("loadedmetadata", go, { once: true });
    video.addEventListener("error", () => { window.clearTimeout(timer); resolve(null); }, { once: true });
  });
  // One seek at a time: a video element cannot be in two places.
  return (time) => { queue = queue.then(() => grab(time)); return queue; };
}

/** Faces the detector scored on a frame ([x, y, w, h, P(AI)] in frame pixels), outlined. */
function faceBoxes(size, faces, scale) {
  if (!size || !Array.isArray(faces) || !faces.length) return null;
  const boxes = faces.filter((f) => Array.isArray(f) && f.length >= 4 && f.slice(0, 4).every((v) => num(v) !== null));
  if (!boxes.length) return null;
  return s("svg", { class: "face-boxes", viewBox: `0 0 ${size[0]} ${size[1]}`, preserveAspectRatio: "none", "aria-hidden": "true" },
    boxes.map((f) => s("rect", {
      x: f[0], y: f[1], width: f[2], height: f[3], fill: "none",
      stroke: (num(f[4]) !== null && scale.colour(num(f[4]))) || "#fff", "stroke-width": "3", "vector-effect": "non-scaling-stroke",
    }, s("title", {}, num(f[4]) === null ? "face" : `face: P(AI) ${pct(num(f[4]))}`))));
}

export function render(found, ctx, node = {}) {
  const items = found.data;
  const scored = items.filter((it) => !it.gap);
  const scale = evidenceScale(scored.map((it) => it.score), found.cuts || ctx.reading?.item_cuts?.frames);
  const duration = found.duration ?? num(ctx.meta?.duration_s ?? ctx.meta?.duration);
  if (node.compact) {
    return h("div", {}, drawTimeline({ items, duration, scale, label: `Frame timeline of ${node.detector}: ${summarise(items, scale, "frame")}` }),
      h("p", { class: "hint" }, summarise(items, scale, "frame")));
  }
  const isVideo = ctx.mediaUrl && String(ctx.contentType || "").startsWith("video/");
  const player = isVideo ? h("video", { controls: true, preload: "metadata", src: ctx.mediaUrl, class: "player video-player" }) : null;
  const seek = player ? (it) => { player.currentTime = it.start; player.scrollIntoView({ block: "nearest" }); player.play().catch(() => {}); } : null;
  const timeline = drawTimeline({ items, duration, scale, onSelect: seek, label: `Timeline of the video: ${summarise(items, scale, "frame")}` });
  if (player) player.addEventListener("timeupdate", () => timeline.setPlayhead(player.currentTime));

  const top = (found.top || [...scored]).sort((a, b) => b.score.value - a.score.value).slice(0, TOP_N);
  const grab = isVideo ? grabber(ctx.mediaUrl) : null;
  const pictures = isVideo || top.some((it) => thumbSource(it.raw));
  const gallery = h("ol", { class: "frame-gallery" }, top.map((it) => {
    const src = thumbSource(it.raw) || thumbSource(items.find((x) => x.start === it.start)?.raw);
    // Without a picture (e.g. a live session, whose frames are not kept) only the time shows.
    const frame = !pictures ? null : h("div", { class: "frame-thumb", style: found.frameSize ? { aspectRatio: `${found.frameSize[0]} / ${found.frameSize[1]}` } : {} },
      src ? h("img", { src, alt: `Frame at ${fmtSeconds(it.start)}` }) : h("span", { class: "hint" }, "no picture"),
      faceBoxes(found.frameSize, (items.find((x) => x.raw.frame !== undefined && x.raw.frame === it.raw.frame) ?? it).raw.faces, scale));
    if (!src && grab) {
      grab(it.start).then((canvas) => {
        if (canvas) {
          canvas.setAttribute("role", "img");
          canvas.setAttribute("aria-label", `Frame at ${fmtSeconds(it.start)}`);
          frame.firstChild.replaceWith(canvas);
        }
      });
    }
    return h("li", {}, frame,
      h("p", {}, `${fmtSeconds(it.start)} · ${scale.probability ? `P(AI) ${pct(it.score.value)}` : `score ${it.score.value.toFixed(3)}`}`),
      seek ? h("button", { type: "button", class: "secondary small", onclick: () => seek(it) }, "Play from here") : null);
  }));
  return h("div", {},
    player,
    timeline,
    legend(scale, "frame"),
    h("p", {}, summarise(items, scale, "frame")),
    h("h4", {}, pictures ? "Most suspicious frames" : "Most suspicious moments"),
    gallery,
    timelineTable(items, scale, { caption: "All frames as a table", onSelect: seek }));
}
