// The one vocabulary of verdicts (names, colours, bands), written into every page by the
// server from detection/presentation/vocabulary.py: the scripts never spell a verdict
// their own way.
const FALLBACK = {
  verdicts: {
    ai: { label: "Likely AI-generated", short: "AI", colour: "#b3261e", tint: "#fbe3e0" },
    human: { label: "Likely human-made", short: "Human", colour: "#1e6b3a", tint: "#e0f2e6" },
    uncertain: { label: "Uncertain", short: "Uncertain", colour: "#5c5f70", tint: "#ececf2" },
  },
  bands: {},
  no_verdict: "No verdict",
};

let cached = null;

export function vocabulary() {
  if (cached) return cached;
  const el = typeof document !== "undefined" ? document.getElementById("verdict-vocabulary") : null;
  try { cached = el ? JSON.parse(el.textContent) : FALLBACK; } catch { cached = FALLBACK; }
  return cached;
}

export function verdictEntry(verdict) {
  return vocabulary().verdicts[verdict] || null;
}

/** The verdict's fixed plain name, the same on every page. */
export function verdictLabel(verdict) {
  return verdictEntry(verdict)?.label || vocabulary().no_verdict || "No verdict";
}

/** The verdict a probability falls in, given the cuts: "ai", "human" or "uncertain". */
export function zoneOf(p, cuts) {
  if (p === null || p === undefined || !cuts) return "uncertain";
  if (p >= cuts.ai_at) return "ai";
  return p < cuts.human_below ? "human" : "uncertain";
}
