// Reading scores and times out of evidence items whose exact keys vary between detectors.
// Every reader returns null rather than throwing: a result with unexpected keys must still
// render whatever it can.
import { clamp01, isObject, num } from "./dom.js";
import { verdictEntry, verdictLabel, zoneOf } from "./vocabulary.js";

const PROBABILITY_KEYS = ["probability_ai", "p_ai", "prob_ai", "ai_probability", "probability", "prob", "p"];
const SCORE_KEYS = ["score", "value", "raw_score", "llr", "logit"];
const START_KEYS = ["start_s", "start", "start_sec", "t0", "begin", "from", "time_s", "time", "t", "timestamp", "seconds", "pts_time"];
const END_KEYS = ["end_s", "end", "end_sec", "t1", "to", "stop"];
const DURATION_KEYS = ["duration_s", "duration", "length_s"];

function first(item, keys) {
  if (!isObject(item)) return null;
  for (const key of keys) {
    const value = num(item[key]);
    if (value !== null) return value;
  }
  return null;
}

/** {value, isProbability} for one evidence item (or a bare number in a grid). Only keys
 *  that name a probability count as one: a raw "score" may fall in [0, 1] by chance. */
export function itemScore(item) {
  if (num(item) !== null) return { value: num(item), isProbability: num(item) >= 0 && num(item) <= 1 };
  const p = first(item, PROBABILITY_KEYS);
  if (p !== null) return { value: p, isProbability: p >= 0 && p <= 1 };
  const raw = first(item, SCORE_KEYS);
  return raw === null ? null : { value: raw, isProbability: false };
}

/** Maps the items' scores onto [0, 1] for colouring, and says how: probabilities as they
 *  are; a raw statistic around the detector's threshold when there is one (the threshold
 *  sits mid-scale, so warm means "past the detector's cut"), else by its range here. */
export function scaleFor(scores, threshold = null) {
  const values = scores.filter((x) => x !== null).map((x) => x.value);
  const probabilities = scores.every((x) => x === null || x.isProbability);
  if (probabilities || !values.length) return { probability: true, of: (v) => clamp01(v) };
  const cut = num(threshold);
  if (cut !== null) {
    const half = Math.max(...values.map((v) => Math.abs(v - cut)), 1e-6);
    return { probability: false, threshold: cut, lo: cut - half, hi: cut + half, of: (v) => clamp01(0.5 + (0.5 * (v - cut)) / half) };
  }
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  return { probability: false, lo, hi, of: (v) => clamp01((v - lo) / span) };
}

/** [start, end] in seconds for a timeline item; end may be null (a point in time). */
export function itemTime(item) {
  if (Array.isArray(item?.span) && item.span.length === 2) {
    const [a, b] = item.span.map(num);
    if (a !== null) return [a, b];
  }
  const start = first(item, START_KEYS);
  if (start === null) return null;
  let end = first(item, END_KEYS);
  const duration = first(item, DURATION_KEYS);
  if (end === null && duration !== null) end = start + duration;
  return [start, end];
}

/** Character offsets [start, end) of a text item, if it has them. */
export function itemChars(item) {
  if (!isObject(item)) return null;
  for (const [a, b] of [["char_start", "char_end"], ["start", "end"], ["begin", "end"], ["offset", "end"]]) {
    const start = num(item[a]);
    const end = num(item[b]);
    if (start !== null && end !== null && Number.isInteger(start) && Number.isInteger(end) && end > start) return [start, end];
  }
  if (Array.isArray(item.span) && item.span.length === 2 && item.span.every(Number.isInteger)) return item.span;
  return null;
}

// A sequential colour map (pale yellow -> orange -> deep red): ordered by lightness, so it
// reads in greyscale and for colour-blind people; numbers are always shown beside it.
const STOPS = [
  [0.0, [255, 250, 215]],
  [0.35, [253, 204, 120]],
  [0.6, [244, 130, 60]],
  [0.8, [214, 60, 45]],
  [1.0, [128, 10, 38]],
];

export function heatRgb(t) {
  const x = clamp01(num(t) ?? 0);
  for (let i = 1; i < STOPS.length; i += 1) {
    const [x1, c1] = STOPS[i];
    const [x0, c0] = STOPS[i - 1];
    if (x <= x1) {
      const f = (x - x0) / (x1 - x0 || 1);
      return c0.map((c, k) => Math.round(c + f * (c1[k] - c)));
    }
  }
  return STOPS[STOPS.length - 1][1];
}

export function heatColor(t, alpha = 1) {
  const [r, g, b] = heatRgb(t);
  return alpha >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** Dark text on light cells, light text on dark ones. */
export function inkFor(t) {
  return clamp01(num(t) ?? 0) > 0.62 ? "#fff" : "#1b1b1f";
}

/** The verdict in words a person reads (from the one vocabulary; modality is ignored on
 *  purpose: the same verdict has the same name for every kind of content). */
export function verdictWord(verdict) {
  return verdictLabel(verdict);
}

function hexToRgb(hex) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(String(hex || ""));
  return m ? [1, 2, 3].map((i) => parseInt(m[i], 16)) : [128, 128, 128];
}

/** The scale evidence is coloured with: the verdict's own thresholds. Only items past a
 *  threshold get a colour (the AI or the human one); items between them stay plain,
 *  exactly as a result there would read "Uncertain". Returns null without usable cuts. */
export function cutScale(cuts) {
  const ai = num(cuts?.ai_at);
  const human = num(cuts?.human_below);
  if (ai === null || human === null) return null;
  const rgb = { ai: hexToRgb(verdictEntry("ai")?.colour), human: hexToRgb(verdictEntry("human")?.colour) };
  return {
    probability: true,
    verdictScale: true,
    cuts: { ai_at: ai, human_below: human },
    of: (v) => clamp01(v),
    zone: (v) => zoneOf(v, { ai_at: ai, human_below: human }),
    colour(v, alpha = 1) {
      const zone = this.zone(v);
      if (zone === "uncertain") return null;
      const [r, g, b] = rgb[zone];
      return `rgba(${r}, ${g}, ${b}, ${zone === "human" ? alpha * 0.45 : alpha})`;
    },
  };
}

/** Scores that are not on the verdict's scale (raw statistics, or probabilities without
 *  thresholds) are not coloured at all: their numbers go to the tables. */
export function uncolouredScale(scores) {
  const base = scaleFor(scores);
  return { ...base, verdictScale: false, zone: () => "unscaled", colour: () => null };
}

/** The scale for a list of item scores: the verdict's thresholds when the scores are
 *  probabilities and thresholds are known, else uncoloured. */
export function evidenceScale(scores, cuts) {
  const probabilities = scores.every((x) => x === null || x.isProbability);
  return (probabilities && cutScale(cuts)) || uncolouredScale(scores);
}

/** Cuts an evidence block carries itself (the engine writes them beside calibrated
 *  per-item probabilities), else the reading's cuts for that kind of item. */
export function cutsFor(block, reading, kind) {
  const own = block && num(block.ai_at) !== null && num(block.human_below) !== null ? { ai_at: num(block.ai_at), human_below: num(block.human_below) } : null;
  return own || reading?.item_cuts?.[kind] || null;
}
