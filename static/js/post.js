// The post page: one WebSocket (ws/posts/<id>/) brings every part's progress and result and
// the fused outcome. The fused verdict and the disagreements come first, then each part
// drawn by the same view the result page uses (no socket of its own: this page feeds it).
import { h, pct } from "./lib/dom.js";
import { verdictWord } from "./lib/scores.js";
import { DetectionView } from "./lib/view.js";

const FINISHED = new Set(["completed", "completed_with_errors", "failed"]);
const STATUS_WORDS = {
  queued: "Queued",
  running: "Running",
  completed: "Done",
  completed_with_errors: "Done, with errors",
  failed: "Failed",
};

function readJson(id) {
  const el = document.getElementById(id);
  if (!el) return null;
  try { return JSON.parse(el.textContent); } catch { return null; }
}

function partTitle(part) {
  const d = part.detection || {};
  const what = part.role === "caption" ? "Caption" : (d.modality || "part");
  const name = part.name && part.role !== "caption" ? `: ${part.name}` : "";
  return `Part ${part.index + 1} · ${what}${name}`;
}

class PostPage {
  constructor(root, initial, contexts) {
    this.root = root;
    this.api = root.dataset.api;
    this.contexts = contexts || {};
    this.views = new Map(); // detection id -> DetectionView
    this.fused = h("section", { class: "card post-fused", "aria-labelledby": "post-verdict-heading" });
    this.disagreements = h("section", { class: "card post-disagreements", "aria-labelledby": "post-disagree-heading" });
    this.speech = h("section", { class: "card post-speech", "aria-labelledby": "post-speech-heading" });
    this.problems = h("section", { class: "card post-problems" });
    this.parts = h("div", { class: "post-parts" });
    this.connection = h("p", { class: "connection hint" });
    root.replaceChildren(this.fused, this.disagreements, this.speech, this.problems, this.parts, this.connection);
    this.attempts = 0;
    this.update(initial);
    if (!FINISHED.has(initial.status)) this.connect();
  }

  update(post) {
    if (!post || typeof post !== "object") return;
    this.post = post;
    this.root.dataset.status = post.status;
    this.drawFused(post);
    this.drawDisagreements(post);
    this.drawSpeech(post);
    this.drawProblems(post);
    for (const part of post.parts || []) this.drawPart(part);
    if (FINISHED.has(post.status)) this.stop();
  }

  drawFused(post) {
    const evidence = post.evidence || {};
    const rule = (evidence.fusion || {}).description || "";
    const finished = FINISHED.has(post.status);
    this.fused.replaceChildren(
      h("h2", { id: "post-verdict-heading" }, "Whole post"),
      h("p", { class: "status-line", role: "status", "aria-live": "polite" },
        h("span", { class: `status-badge status-${post.status}` }, STATUS_WORDS[post.status] || post.status)),
      finished && post.verdict
        ? h("p", { class: `verdict-word post-verdict verdict-${post.verdict}` }, verdictWord(post.verdict, "post"))
        : h("p", { class: "hint" }, finished ? "No part could be checked." : "Waiting for the parts…"),
      finished && post.probability_ai !== null && post.probability_ai !== undefined
        ? h("p", { class: "verdict-probability" }, "Probability that some part is AI-generated: ", h("strong", {}, pct(post.probability_ai, 1)))
        : null,
      rule ? h("p", { class: "hint fusion-rule" }, `How the parts are combined: ${rule}.`) : null,
    );
  }

  drawDisagreements(post) {
    const list = (post.evidence || {}).disagreements || [];
    this.disagreements.hidden = list.length === 0;
    this.disagreements.replaceChildren(
      h("h2", { id: "post-disagree-heading" }, "The parts disagree"),
      h("ul", { class: "disagreement-list" }, list.map((d) => h("li", { class: "disagreement" },
        `${d.description} (probabilities ${pct(d.probability_gap)} apart).`))),
    );
  }

  drawSpeech(post) {
    const checks = (post.evidence || {}).speech_vs_caption || [];
    const words = { match: "matches the caption", contradiction: "contradicts the caption", unclear: "unclear against the caption" };
    this.speech.hidden = checks.length === 0;
    this.speech.replaceChildren(
      h("h2", { id: "post-speech-heading" }, "What is said against the caption"),
      h("ul", { class: "speech-list" }, checks.map((c) => h("li", { class: `speech-check speech-${c.outcome}` },
        h("strong", {}, `Part ${c.part + 1}: the speech ${words[c.outcome] || c.outcome}`),
        ` (${c.reason}${c.similarity === null || c.similarity === undefined ? "" : `; meaning similarity ${c.similarity.toFixed(2)}, caption words heard ${pct(c.caption_words_heard)}`}).`,
        c.transcript ? h("blockquote", { class: "transcript" }, c.transcript) : null))),
    );
  }

  drawProblems(post) {
    const evidence = post.evidence || {};
    const errors = evidence.errors || [];
    const skipped = evidence.skipped || [];
    this.problems.hidden = errors.length === 0 && skipped.length === 0;
    this.problems.replaceChildren(
      errors.length ? h("h2", {}, "Parts that could not be checked") : null,
      errors.length ? h("ul", { class: "post-errors" }, errors.map((e) => h("li", {}, `Part ${e.part + 1} (${e.modality}): ${e.reason}`))) : null,
      skipped.length ? h("h3", {}, "Left out") : null,
      skipped.length ? h("ul", { class: "post-skipped" }, skipped.map((s) => h("li", {}, `${s.url || s.role}: ${s.reason}`))) : null,
    );
  }

  drawPart(part) {
    const d = part.detection;
    if (!d || !d.id) return;
    let view = this.views.get(d.id);
    if (!view) {
      const body = h("div", { class: "post-part-view" });
      const link = h("a", { href: `/detections/${d.id}/` }, "Open this part's result page");
      this.parts.append(h("section", { class: "post-part", "data-part": String(part.index) },
        h("h2", {}, partTitle(part)), body, h("p", { class: "hint" }, link)));
      view = new DetectionView(body, { id: d.id, api: d.url, context: this.contexts[d.id] || {} });
      this.views.set(d.id, view);
    }
    view.update(d);
  }

  connect() {
    if (this.stopped) return;
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    this.socket = new WebSocket(`${scheme}://${window.location.host}/ws/posts/${this.root.dataset.id}/`);
    this.socket.addEventListener("open", () => { this.attempts = 0; this.connection.textContent = "Live updates on."; });
    this.socket.addEventListener("message", (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      if (message.type === "post.update" && message.post) this.update(message.post);
      else if (message.type === "detection.update" && message.detection) {
        const view = this.views.get(message.detection.id);
        if (view) view.update(message.detection);
      } else if (message.type === "detection.progress") {
        const view = this.views.get(message.id);
        if (view) view.onProgress(message);
      }
    });
    this.socket.addEventListener("close", (event) => {
      if (this.stopped) return;
      this.refresh();
      if (event.code === 4401 || event.code === 4404) {
        this.connection.textContent = "Live updates are unavailable (signed out?). Reload the page to try again.";
        return;
      }
      this.attempts += 1;
      this.connection.textContent = "Connection lost; reconnecting…";
      window.setTimeout(() => this.connect(), Math.min(15000, 500 * 2 ** Math.min(this.attempts, 5)));
    });
  }

  async refresh() {
    try {
      const response = await fetch(this.api, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) this.update(await response.json());
    } catch {
      // Offline for a moment: the next reconnect reads again.
    }
  }

  stop() {
    this.stopped = true;
    this.connection.textContent = "";
    if (this.socket) this.socket.close();
  }
}

const root = document.getElementById("post-view");
const initial = readJson("post-initial");
if (root && initial) new PostPage(root, initial, readJson("post-part-context"));
