// Live check page: camera + microphone -> server (WebRTC, or the WebSocket fallback),
// per-window verdicts back, a running chart, and the stored summary at the end.
import { LiveChart } from "./live-chart.js";
import { SocketMediaSender, connectWebRtc } from "./live-transport.js";
import { verdictLabel } from "./lib/vocabulary.js";

const root = document.getElementById("live");
const el = (id) => document.getElementById(id);
const ui = {
  start: el("live-start"),
  stop: el("live-stop"),
  useVideo: el("live-use-video"),
  useAudio: el("live-use-audio"),
  preview: el("live-preview"),
  placeholder: el("live-placeholder"),
  status: el("live-status"),
  transport: el("live-transport"),
  fallback: el("live-fallback"),
  error: el("live-error"),
  availability: el("live-availability"),
  stats: el("live-stats"),
  rows: el("live-rows"),
  summary: el("live-summary"),
};
const chart = new LiveChart(el("live-chart"));
const LABELS = { video: "Face / video", audio: "Voice" };
const params = new URLSearchParams(window.location.search);

let state = null; // { stream, socket, pc, sender, done }

const pct = (p) => `${(100 * p).toFixed(0)} %`;

function setStatus(text) { ui.status.textContent = text; }
function showError(text) { ui.error.textContent = text; }

// A WebSocket with request/response helpers on top of the JSON messages.
class LiveSocket {
  constructor(url, onMessage) {
    this.ws = new WebSocket(url);
    this.ws.binaryType = "arraybuffer";
    this.waiters = [];
    this.onMessage = onMessage;
    this.opened = new Promise((resolve, reject) => {
      this.ws.addEventListener("open", resolve, { once: true });
      this.ws.addEventListener("error", () => reject(new Error("could not reach the server")), { once: true });
    });
    this.ws.addEventListener("message", (event) => {
      const msg = JSON.parse(event.data);
      const waiter = this.waiters.find((w) => w.type === msg.type || (msg.type === "live.error" && !w.ignoreErrors));
      if (waiter) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        clearTimeout(waiter.timer);
        if (msg.type === "live.error") waiter.reject(Object.assign(new Error(msg.message), { code: msg.code }));
        else waiter.resolve(msg);
        if (msg.type !== "live.error") return;
      }
      this.onMessage(msg);
    });
    this.ws.addEventListener("close", () => {
      for (const w of this.waiters) w.reject(new Error("the connection to the server closed"));
      this.waiters = [];
    });
  }

  get bufferedAmount() { return this.ws.bufferedAmount; }
  get open() { return this.ws.readyState === WebSocket.OPEN; }

  send(message) { if (this.open) this.ws.send(JSON.stringify(message)); }

  sendBinary(kind, buffer) {
    if (!this.open) return;
    const bytes = new Uint8Array(buffer.byteLength + 1);
    bytes[0] = kind;
    bytes.set(new Uint8Array(buffer), 1);
    this.ws.send(bytes);
  }

  wait(type, timeoutMs) {
    return new Promise((resolve, reject) => {
      const waiter = { type, resolve, reject };
      waiter.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`the server did not answer (${type})`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  request(message, replyType, timeoutMs = 10000) {
    const reply = this.wait(replyType, timeoutMs);
    this.send(message);
    return reply;
  }

  close() { this.ws.close(); }
}

async function getMedia(wantVideo, wantAudio) {
  // Browser processing (echo cancellation, noise suppression, gain) changes the voice the
  // detector hears: ask for the raw signal.
  const audio = wantAudio
    ? { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 }
    : false;
  const video = wantVideo ? { width: { ideal: 640 }, height: { ideal: 480 } } : false;
  const missing = [];
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ video, audio }), missing };
  } catch (err) {
    if (!(wantVideo && wantAudio)) throw err;
    // One device may be missing or refused: go on with the other and say so.
    for (const [kind, constraints] of [["video", { video }], ["audio", { audio }]]) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia(constraints);
        missing.push(kind === "video" ? "audio" : "video");
        return { stream, missing, reason: err.name };
      } catch (_) { /* try the other */ }
    }
    throw err;
  }
}

function renderAvailability(modalities) {
  ui.availability.replaceChildren();
  for (const [modality, how] of Object.entries(modalities)) {
    const li = document.createElement("li");
    li.dataset.modality = modality;
    li.textContent = `${LABELS[modality]}: ${how}`;
    ui.availability.append(li);
    if (how !== "analysed") {
      const box = el(`live-current-${modality}`);
      box.querySelector('[data-role="verdict"]').textContent = "Not available";
      box.querySelector('[data-role="note"]').textContent = how;
    }
  }
}

function renderResult(msg) {
  const box = el(`live-current-${msg.modality}`);
  const verdict = box.querySelector('[data-role="verdict"]');
  const note = box.querySelector('[data-role="note"]');
  const t = msg.modality === "audio" ? msg.end_s : msg.start_s;
  if (msg.probability_ai === null) {
    verdict.className = "verdict";
    verdict.textContent = "No verdict";
    note.textContent = `${msg.note} (at ${t.toFixed(1)} s)`;
  } else {
    verdict.className = `verdict verdict-${msg.verdict}`;
    verdict.textContent = `${verdictLabel(msg.verdict)} — ${pct(msg.probability_ai)}`;
    note.textContent = `at ${t.toFixed(1)} s, ${msg.detector}, result after ${Math.round(msg.latency_ms)} ms${msg.note ? ` — ${msg.note}` : ""}`;
  }
  chart.add(msg.modality, t, msg.probability_ai);
  const row = document.createElement("tr");
  row.dataset.modality = msg.modality;
  for (const text of [t.toFixed(1), LABELS[msg.modality], msg.verdict ? verdictLabel(msg.verdict) : "—",
    msg.probability_ai === null ? "—" : pct(msg.probability_ai), msg.note || ""]) {
    const cell = document.createElement("td");
    cell.textContent = text;
    row.append(cell);
  }
  ui.rows.prepend(row);
  while (ui.rows.children.length > 200) ui.rows.lastChild.remove();
  renderStats(msg.stats);
}

function renderStats(s) {
  if (!s) return;
  ui.stats.textContent = `${s.elapsed_s.toFixed(0)} s — camera frames received ${s.frames_received}, `
    + `sampled ${s.frames_sampled}, dropped ${s.frames_dropped} (analysis fell behind); `
    + `voice windows ${s.audio_windows}, dropped ${s.audio_windows_dropped}.`;
}

function renderSummary(msg) {
  const d = msg.detection;
  ui.summary.hidden = false;
  const v = el("live-summary-verdict");
  const shown = d.reading?.verdict || d.verdict;
  v.className = `verdict verdict-${shown}`;
  v.dataset.verdict = shown;
  v.textContent = d.probability_ai === null
    ? `Verdict: ${verdictLabel(shown)} (nothing could be scored)`
    : `Verdict: ${verdictLabel(shown)} — probability AI-generated ${pct(d.probability_ai)}`;
  el("live-summary-reason").textContent = `The live check ended: ${msg.reason}. Saved as a ${d.modality} detection.`;
  const warnings = el("live-summary-warnings");
  warnings.replaceChildren(...(d.warnings || []).map((w) => {
    const li = document.createElement("li");
    li.textContent = w;
    return li;
  }));
  const link = el("live-summary-link");
  link.href = d.page;
  link.dataset.detectionId = d.id;
  renderStats(msg.stats);
  el("live-summary-h").focus();
}

function onServerMessage(msg) {
  switch (msg.type) {
    case "live.result": renderResult(msg); break;
    case "live.availability": renderAvailability(msg.modalities); break;
    case "live.warning": ui.transport.textContent = msg.message; break;
    case "live.rtc":
      // After a fall-back the server's peer closing is old news.
      if (root.dataset.transport !== "websocket") ui.transport.textContent = `WebRTC: ${msg.state}`;
      break;
    case "live.error": showError(msg.message); break;
    case "live.summary":
      renderSummary(msg);
      teardown(`Stopped: ${msg.reason}.`);
      break;
    default: break;
  }
}

function announceFallback(reason) {
  ui.fallback.hidden = false;
  ui.fallback.textContent = `WebRTC could not connect (${reason}). Sending frames and audio over the `
    + "WebSocket instead: results may arrive a little later.";
  root.dataset.transport = "websocket";
}

async function startFallback(reason) {
  announceFallback(reason);
  ui.transport.textContent = "Sending over the WebSocket.";
  state.sender = new SocketMediaSender({
    stream: state.stream, socket: state.socket, config: state.config, workletUrl: root.dataset.worklet,
  });
  await state.sender.start();
}

async function start() {
  showError("");
  ui.summary.hidden = true;
  ui.fallback.hidden = true;
  ui.rows.replaceChildren();
  chart.clear();
  delete root.dataset.transport;
  if (!ui.useVideo.checked && !ui.useAudio.checked) {
    showError("Choose the camera, the microphone, or both.");
    return;
  }
  ui.start.disabled = true;
  setStatus("Asking for the camera and microphone…");
  let media;
  try {
    media = await getMedia(ui.useVideo.checked, ui.useAudio.checked);
  } catch (err) {
    showError(`The browser gave no camera or microphone (${err.name || err.message}). Allow access and try again.`);
    setStatus("Not started.");
    ui.start.disabled = false;
    return;
  }
  const { stream } = media;
  state = { stream, done: false };
  if (stream.getVideoTracks().length) {
    ui.preview.srcObject = stream;
    ui.preview.hidden = false;
    ui.placeholder.hidden = true;
  }
  const modalities = [];
  if (stream.getVideoTracks().length) modalities.push("video");
  if (stream.getAudioTracks().length) modalities.push("audio");
  ui.stop.disabled = false;
  ui.stop.focus();
  try {
    setStatus("Connecting to the server…");
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    state.socket = new LiveSocket(`${scheme}://${window.location.host}${root.dataset.ws}`, onServerMessage);
    await state.socket.opened;
    const forced = params.get("transport") === "websocket";
    const transport = forced || typeof RTCPeerConnection === "undefined" ? "websocket" : "webrtc";
    setStatus("Loading the detectors…");
    const ready = await state.socket.request({ type: "start", transport, modalities }, "live.ready", 180000);
    state.config = ready.config;
    root.dataset.session = ready.session;
    renderAvailability(ready.modalities);
    for (const kind of media.missing) {
      const li = document.createElement("li");
      li.textContent = `${LABELS[kind]}: the browser gave no ${kind === "video" ? "camera" : "microphone"} (${media.reason})`;
      ui.availability.append(li);
    }
    if (transport === "webrtc") {
      setStatus("Connecting the media (WebRTC)…");
      try {
        state.pc = await connectWebRtc({
          stream, socket: state.socket, config: ready.config,
          onState: (s) => { ui.transport.textContent = `WebRTC: ${s}`; },
        });
        root.dataset.transport = "webrtc";
        ui.transport.textContent = "Connected over WebRTC.";
      } catch (err) {
        state.socket.send({ type: "fallback", reason: err.message });
        await startFallback(err.message);
      }
    } else {
      await startFallback(forced ? "turned off by ?transport=websocket" : "this browser has no WebRTC");
    }
    setStatus("Live check running. Results appear below as each window is analysed.");
  } catch (err) {
    showError(err.code === "limit" ? err.message : `The live check could not start: ${err.message}`);
    teardown("Not started.");
  }
}

function stop() {
  if (!state) return;
  ui.stop.disabled = true;
  setStatus("Stopping: finishing the last analyses and saving the summary…");
  if (state.sender) state.sender.stop();
  if (state.socket && state.socket.open) state.socket.send({ type: "stop" });
  else teardown("Stopped.");
}

function teardown(status) {
  if (!state) return;
  if (state.sender) state.sender.stop();
  if (state.pc) state.pc.close();
  for (const track of state.stream.getTracks()) track.stop();
  if (state.socket) state.socket.close();
  ui.preview.srcObject = null;
  ui.preview.hidden = true;
  ui.placeholder.hidden = false;
  state = null;
  setStatus(status);
  ui.transport.textContent = "";
  ui.start.disabled = false;
  ui.stop.disabled = true;
}

ui.start.addEventListener("click", start);
ui.stop.addEventListener("click", stop);
window.addEventListener("pagehide", () => { if (state) teardown("Stopped."); });
