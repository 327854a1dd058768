// The live view of one detection: status and progress while it runs, then the verdict,
// every detector's score and the evidence. Used by the result page and, after an upload,
// by the upload page (no reload in between).
import { h, pct } from "./dom.js";
import { followDetection } from "./follow.js";
import { verdictLabel } from "./vocabulary.js";
import { renderVerdict } from "./verdict.js";
import { renderDetectors } from "./detectors.js";
import { renderEvidence } from "../evidence/index.js";
import { renderDetails } from "./details.js";

const STATUS_WORDS = {
  queued: "Queued",
  running: "Running",
  completed: "Done",
  failed: "Failed",
};

const STATUS_HINTS = {
  queued: "Waiting for a detector to pick it up…",
  running: "Analysing…",
  completed: "",
  failed: "",
};

export class DetectionView {
  /** context: {text, mediaUrl, contentType} - what the evidence is drawn over. */
  constructor(container, { id, api, context = {}, onFinished = null }) {
    this.container = container;
    this.onFinished = onFinished;
    this.id = id;
    this.api = api;
    this.context = context;
    this.lastStatus = null;
    this.renderedResultOf = null;
    this.build();
  }

  build() {
    this.statusBadge = h("span", { class: "status-badge" }, "Connecting…");
    this.statusHint = h("span", { class: "status-hint" });
    // The one live region: it changes on status transitions and when the verdict is in,
    // not on every progress tick (that would flood a screen reader).
    this.announce = h("p", { class: "status-line", role: "status", "aria-live": "polite", "aria-atomic": "true" },
      this.statusBadge, " ", this.statusHint);
    this.progress = h("progress", { max: "1", value: "0", "aria-label": "Detection progress", class: "job-progress" });
    this.progressText = h("span", { class: "progress-pct" }, "0 %");
    this.progressEta = h("span", { class: "progress-eta" });
    this.samples = [];
    this.progressMessage = h("p", { class: "progress-message hint" });
    this.progressRow = h("div", { class: "progress-row" }, this.progress, this.progressText, this.progressEta);
    this.error = h("div", { class: "error job-error", role: "alert" });
    this.connection = h("p", { class: "connection hint" });
    this.statusCard = h("section", { class: "card status-card", "aria-label": "Status" },
      this.announce, this.progressRow, this.progressMessage, this.error, this.connection);
    this.result = h("div", { class: "result" });
    this.container.replaceChildren(this.statusCard, this.result);
  }

  start(initial) {
    if (initial) this.update(initial);
    this.follower = followDetection({
      id: this.id,
      api: this.api,
      onUpdate: (d) => this.update(d),
      onProgress: (m) => this.onProgress(m),
      onConnection: (state) => this.onConnection(state),
    });
    return this;
  }

  stop() {
    if (this.follower) this.follower.stop();
  }

  onConnection(state) {
    const words = {
      live: "Live updates on.",
      reconnecting: "Connection lost; reconnecting…",
      refused: "Live updates are unavailable (signed out?). Reload the page to try again.",
      finished: "",
    };
    this.connection.textContent = words[state] ?? "";
  }

  onProgress(message) {
    if (this.lastStatus === "completed" || this.lastStatus === "failed") return;
    if (this.lastStatus !== "running") this.setStatus("running");
    this.setProgress(message.progress);
    // The engine names the stage and the count ("text windows scored 3/4").
    if (message.message) {
      const text = String(message.message);
      this.progressMessage.textContent = text.charAt(0).toUpperCase() + text.slice(1);
    }
  }

  setProgress(value) {
    const p = Math.min(1, Math.max(0, Number(value) || 0));
    this.progress.value = p;
    this.progressText.textContent = pct(p);
    this.progressEta.textContent = this.estimate(p);
  }

  /** Time left, from how fast the bar moved over the last minute of real progress
   *  reports; nothing until there is enough to go on (an early guess misleads more). */
  estimate(p) {
    const now = performance.now() / 1000;
    if (!this.samples.length || p > this.samples[this.samples.length - 1].p) this.samples.push({ t: now, p });
    while (this.samples.length > 2 && now - this.samples[0].t > 60) this.samples.shift();
    const first = this.samples[0];
    const gained = p - first.p;
    const spent = now - first.t;
    if (this.samples.length < 3 || gained < 0.01 || spent < 2 || p >= 1) return "";
    const left = ((1 - p) * spent) / gained;
    if (left < 60) return `· about ${Math.max(5, Math.round(left / 5) * 5)} s left`;
    return `· about ${Math.round(left / 60)} min left`;
  }

  setStatus(status, extra = "") {
    this.lastStatus = status;
    this.container.dataset.status = status;
    this.statusBadge.textContent = STATUS_WORDS[status] || String(status);
    this.statusBadge.className = `status-badge status-${status}`;
    this.statusHint.textContent = extra || STATUS_HINTS[status] || "";
    const finished = status === "completed" || status === "failed";
    this.progressRow.hidden = finished;
    this.progressMessage.hidden = finished;
  }

  update(d) {
    if (!d || typeof d !== "object") return;
    const status = String(d.status || "queued");
    if (status === "completed") {
      const word = verdictLabel(d.reading?.verdict || d.verdict);
      this.setStatus(status, `Result: ${word}, probability AI-generated ${pct(d.probability_ai)}.`);
    } else if (status !== this.lastStatus) {
      this.setStatus(status);
    }
    if (status !== "completed" && status !== "failed") this.setProgress(d.progress);
    this.error.replaceChildren();
    if (status === "failed") {
      this.error.append(h("p", {}, h("strong", {}, "The check failed: "), d.error_message || "no reason was given."));
    }
    if (status === "completed" && this.renderedResultOf !== d.finished_at) {
      this.renderedResultOf = d.finished_at;
      this.renderResult(d);
    }
    if ((status === "completed" || status === "failed") && this.onFinished) {
      const done = this.onFinished;
      this.onFinished = null;
      done(d);
    }
  }

  renderResult(d) {
    const parts = [];
    // Each part is drawn on its own: one that fails (unexpected data) leaves the rest.
    for (const [name, draw] of [
      ["verdict", () => renderVerdict(d)],
      ["detectors", () => renderDetectors(d)],
      ["evidence", () => renderEvidence(d, this.context)],
      ["details", () => renderDetails(d)],
    ]) {
      try {
        const node = draw();
        if (node) parts.push(node);
      } catch (error) {
        console.error(`could not draw the ${name}`, error);
        parts.push(h("p", { class: "card error" }, `Could not draw the ${name} of this result.`));
      }
    }
    this.result.replaceChildren(...parts);
  }
}
