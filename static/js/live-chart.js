// A small running chart of P(AI) per analysed frame / voice window (plain canvas, no library).
const COLOURS = { video: "#2f5bd3", audio: "#d9480f" };
const WINDOW_S = 60; // the chart shows the last minute

export class LiveChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.points = { video: [], audio: [] };
    this.resize = this.resize.bind(this);
    window.addEventListener("resize", this.resize);
    this.resize();
  }

  clear() {
    this.points = { video: [], audio: [] };
    this.draw();
  }

  add(modality, t, probability) {
    if (probability === null || probability === undefined) return;
    // Results may come out of order (the newest window is analysed first): keep time order.
    this.points[modality].push([t, probability]);
    this.points[modality].sort((a, b) => a[0] - b[0]);
    this.draw();
  }

  resize() {
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = this.canvas.getBoundingClientRect();
    this.canvas.width = Math.max(1, Math.round(width * ratio));
    this.canvas.height = Math.max(1, Math.round(height * ratio));
    this.draw();
  }

  draw() {
    const ctx = this.canvas.getContext("2d");
    const ratio = window.devicePixelRatio || 1;
    const w = this.canvas.width / ratio;
    const h = this.canvas.height / ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const left = 36; const right = 18; const top = 8; const bottom = 22;
    const latest = Math.max(0, ...this.points.video.map((p) => p[0]), ...this.points.audio.map((p) => p[0]));
    const t1 = Math.max(WINDOW_S, latest);
    const t0 = t1 - WINDOW_S;
    const x = (t) => left + ((t - t0) / (t1 - t0)) * (w - left - right);
    const y = (p) => top + (1 - p) * (h - top - bottom);

    ctx.font = "12px system-ui, sans-serif";
    ctx.fillStyle = "#444";
    ctx.strokeStyle = "#ddd";
    ctx.lineWidth = 1;
    for (const p of [0, 0.25, 0.5, 0.75, 1]) {
      ctx.beginPath(); ctx.moveTo(left, y(p)); ctx.lineTo(w - right, y(p)); ctx.stroke();
      ctx.fillText(`${Math.round(p * 100)}%`, 2, y(p) + 4);
    }
    ctx.setLineDash([5, 4]); ctx.strokeStyle = "#888";
    ctx.beginPath(); ctx.moveTo(left, y(0.5)); ctx.lineTo(w - right, y(0.5)); ctx.stroke();
    ctx.setLineDash([]);
    const step = WINDOW_S / 6;
    for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
      const label = `${Math.round(t)} s`;
      ctx.fillText(label, Math.min(x(t) - 10, w - ctx.measureText(label).width - 2), h - 6);
    }
    for (const [modality, points] of Object.entries(this.points)) {
      const visible = points.filter((p) => p[0] >= t0);
      ctx.strokeStyle = COLOURS[modality];
      ctx.fillStyle = COLOURS[modality];
      ctx.lineWidth = 2;
      ctx.beginPath();
      visible.forEach(([t, p], i) => (i ? ctx.lineTo(x(t), y(p)) : ctx.moveTo(x(t), y(p))));
      ctx.stroke();
      for (const [t, p] of visible) {
        ctx.beginPath(); ctx.arc(x(t), y(p), 3, 0, 2 * Math.PI); ctx.fill();
      }
    }
  }
}
