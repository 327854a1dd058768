// Follows one detection over ws/detections/<id>/ and renders status, verdict and evidence.
const root = document.getElementById("detection");
const statusEl = document.getElementById("status");
const progressEl = document.getElementById("progress");

function pct(p) { return `${(100 * p).toFixed(1)} %`; }

function renderText(evidence) {
  const box = document.getElementById("evidence");
  box.replaceChildren();
  const sentences = evidence.sentences || [];
  if (!sentences.length) return;
  const heading = document.createElement("h2");
  heading.textContent = "Sentences (darker = more AI-like)";
  const para = document.createElement("p");
  para.className = "sentences";
  for (const s of sentences) {
    const span = document.createElement("span");
    span.textContent = `${s.text} `;
    const p = s.probability_ai ?? 0;
    span.style.backgroundColor = `rgba(220, 60, 60, ${0.05 + 0.6 * p})`;
    span.title = `P(AI) ${pct(p)}`;
    para.append(span);
  }
  box.append(heading, para);
}

function render(d) {
  statusEl.textContent = d.status;
  progressEl.value = d.progress ?? 0;
  if (d.status === "completed") {
    document.getElementById("verdict").innerHTML = "";
    const v = document.createElement("p");
    v.className = `verdict verdict-${d.verdict}`;
    v.textContent = `Verdict: ${d.verdict.toUpperCase()} — probability AI-generated ${pct(d.probability_ai)}`;
    document.getElementById("verdict").append(v);
    const list = document.createElement("ul");
    const members = (d.results && d.results.members) || [];
    for (const m of [{ detector: d.detector, probability_ai: d.probability_ai, verdict: d.verdict }, ...members]) {
      const li = document.createElement("li");
      li.textContent = `${m.detector}: ${m.verdict} (${pct(m.probability_ai)})`;
      list.append(li);
    }
    document.getElementById("detectors").replaceChildren(list);
    if (d.modality === "text") renderText(d.evidence || {});
  }
  if (d.status === "failed") document.getElementById("error").textContent = d.error_message;
}

const scheme = window.location.protocol === "https:" ? "wss" : "ws";
const socket = new WebSocket(`${scheme}://${window.location.host}/ws/detections/${root.dataset.id}/`);
socket.addEventListener("message", (event) => {
  const msg = JSON.parse(event.data);
  if (msg.type === "detection.update") render(msg.detection);
  if (msg.type === "detection.progress") progressEl.value = msg.progress;
});
socket.addEventListener("close", () => {
  // Fall back to one read of the API, so a dropped socket never leaves a stale page.
  fetch(root.dataset.api, { credentials: "same-origin" }).then((r) => r.json()).then(render);
});
