// Image evidence: the patch heatmap drawn on a canvas over the uploaded image.
// The engine's shape (detection/engine/image/patches.py): patch_heatmap = {grid (rows x cols
// of P(AI) or null where no crop reached), cell_size [w, h] and image_size [w, h] in the
// upload's pixels} and most_suspicious_patch = {box [x, y, w, h], probability_ai}. Plain
// grids and lists of {x, y, w, h, score} patches are drawn too.
import { fmtNumber, h, isObject, num, pct } from "../lib/dom.js";
import { cutsFor, evidenceScale, itemScore } from "../lib/scores.js";
import { legend } from "./legend.js";

export const NAME = "patch heatmap";
const KEYS = ["patch_heatmap", "heatmap", "patch_scores", "patches", "saliency", "attention_map"];
const GRID_KEYS = ["grid", "values", "scores", "data", "matrix", "probabilities"];
const BOX_KEYS = ["most_suspicious_patch", "most_suspicious_region", "top_patch"];
const TITLE = "Patches on the verdict’s scale";

/** A rectangular grid of numbers (null allowed for cells nothing scored), else null. */
function asGrid(g) {
  if (!Array.isArray(g) || !g.length || !g.every((row) => Array.isArray(row) && row.length === g[0].length && row.length)) return null;
  const grid = g.map((row) => row.map(num));
  return grid.some((row) => row.some((v) => v !== null)) ? grid : null;
}

function pair(value) {
  return Array.isArray(value) && value.length === 2 && value.every((v) => num(v) !== null) ? value.map(num) : null;
}

/** [x, y, w, h] as fractions of the image, from relative numbers or pixels. */
function relativeBox(box, size) {
  let b = null;
  if (Array.isArray(box) && box.length === 4) b = box.map(num);
  else if (isObject(box)) b = [box.x, box.y, box.w ?? box.width, box.h ?? box.height].map(num);
  if (!b || b.some((v) => v === null)) return null;
  if (b[0] + b[2] <= 1.0001 && b[1] + b[3] <= 1.0001) return b;
  return size ? [b[0] / size[0], b[1] / size[1], b[2] / size[0], b[3] / size[1]] : null;
}

function gridCells(grid, area) {
  const rows = grid.length;
  const cols = grid[0].length;
  const [x0, y0, w, hh] = area;
  const cells = [];
  grid.forEach((row, i) => row.forEach((v, j) => {
    if (v !== null) cells.push({ x: x0 + (j * w) / cols, y: y0 + (i * hh) / rows, w: w / cols, h: hh / rows, score: { value: v, isProbability: v >= 0 && v <= 1 } });
  }));
  return cells;
}

function patchCells(items, size) {
  const cells = [];
  for (const it of items) {
    const score = itemScore(it);
    const box = relativeBox([it?.x, it?.y, it?.w ?? it?.width, it?.h ?? it?.height], size);
    if (score && box) cells.push({ x: box[0], y: box[1], w: box[2], h: box[3], score });
  }
  return cells.length ? cells : null;
}

export function find(evidence, node, meta) {
  const metaSize = num(meta?.width) && num(meta?.height) ? [num(meta.width), num(meta.height)] : null;
  for (const key of KEYS) {
    const value = evidence[key];
    if (value === undefined || value === null) continue;
    const size = pair(value.image_size) || metaSize;
    let cells = null;
    const grid = asGrid(value) || (isObject(value) ? GRID_KEYS.map((k) => asGrid(value[k])).find(Boolean) : null);
    if (grid) {
      // Cells have a size in pixels: the grid may reach past the image's right/bottom edge.
      const cell = pair(value.cell_size);
      const area = cell && size ? [0, 0, (grid[0].length * cell[0]) / size[0], (grid.length * cell[1]) / size[1]] : [0, 0, 1, 1];
      cells = gridCells(grid, area);
    } else if (Array.isArray(value) || Array.isArray(value?.patches)) {
      cells = patchCells(Array.isArray(value) ? value : value.patches, size);
    }
    if (!cells || !cells.length) continue;
    const boxItem = BOX_KEYS.map((k) => evidence[k]).find(isObject);
    const box = boxItem ? relativeBox(boxItem.box ?? boxItem, size) : null;
    return {
      title: TITLE,
      data: { cells, box, boxScore: boxItem ? itemScore(boxItem) : null, note: typeof value.values === "string" ? value.values : "", block: isObject(value) ? value : null },
    };
  }
  return null;
}

function outline(ctx, [x, y, w, hh], W, H) {
  const r = [x * W + 1, y * H + 1, w * W - 2, hh * H - 2];
  ctx.lineWidth = Math.max(2, W / 250);
  ctx.setLineDash([]);
  ctx.strokeStyle = "#fff";
  ctx.strokeRect(...r);
  ctx.strokeStyle = "#20233a";
  ctx.setLineDash([8, 5]);
  ctx.strokeRect(...r);
  ctx.setLineDash([]);
}

function draw(canvas, data, scale, opacity) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width;
  const H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  for (const c of data.cells) {
    // Only cells past a threshold are painted: the rest of the image shows through.
    const colour = scale.colour(c.score.value, opacity);
    if (!colour) continue;
    ctx.fillStyle = colour;
    // Integer edges shared by neighbours: no seams, no double-painted strips.
    const x0 = Math.round(c.x * W);
    const y0 = Math.round(c.y * H);
    ctx.fillRect(x0, y0, Math.round((c.x + c.w) * W) - x0, Math.round((c.y + c.h) * H) - y0);
  }
  // The most suspicious area is outlined only when it is past the AI threshold: a box
  // around a patch the detector would not call AI would say more than the evidence.
  if (data.box && boxPastThreshold(data, scale)) outline(ctx, data.box, W, H);
}

function boxPastThreshold(data, scale) {
  return Boolean(data.boxScore && scale.verdictScale && scale.zone(data.boxScore.value) === "ai");
}

let controlCount = 0;

export function render(found, ctx, node = {}) {
  controlCount += 1;
  const data = found.data;
  const scores = data.cells.map((c) => c.score);
  const scale = evidenceScale(scores, cutsFor(data.block, ctx.reading, "patches"));
  const width = num(ctx.meta?.width) || 512;
  const height = num(ctx.meta?.height) || 512;
  const canvas = h("canvas", { class: "heatmap-canvas", width: String(Math.min(width, 1600)), height: String(Math.round((Math.min(width, 1600) * height) / width)), "aria-hidden": "true" });
  const stage = h("div", { class: "heatmap-stage", style: { aspectRatio: `${width} / ${height}` } });
  let opacity = 0.55;
  const redraw = () => draw(canvas, data, scale, opacity);
  const showable = ctx.mediaUrl && String(ctx.contentType || "").startsWith("image/");
  const note = h("span", {}, showable ? "" : " The image itself is not shown here.");
  if (showable) {
    const img = h("img", { src: ctx.mediaUrl, alt: "The uploaded image, under the heatmap", class: "heatmap-image" });
    img.addEventListener("load", () => {
      if (!img.naturalWidth) return;
      canvas.width = Math.min(img.naturalWidth, 1600);
      canvas.height = Math.round((canvas.width * img.naturalHeight) / img.naturalWidth);
      stage.style.aspectRatio = `${img.naturalWidth} / ${img.naturalHeight}`;
      redraw();
    });
    // Some formats (TIFF, HEIC) do not display in browsers: the heatmap stands alone then.
    img.addEventListener("error", () => { img.remove(); stage.classList.add("no-image"); note.textContent = " The image itself cannot be shown in the browser."; });
    stage.append(img);
  } else {
    stage.classList.add("no-image");
  }
  stage.append(canvas);
  redraw();

  const toggleId = `heatmap-toggle-${controlCount}`;
  const opacityId = `heatmap-opacity-${controlCount}`;
  const toggle = h("input", { type: "checkbox", id: toggleId, checked: true });
  toggle.addEventListener("change", () => { canvas.hidden = !toggle.checked; });
  const slider = h("input", { type: "range", id: opacityId, min: "0.1", max: "1", step: "0.05", value: String(opacity) });
  slider.addEventListener("input", () => { opacity = Number(slider.value); redraw(); });

  const values = scores.map((s) => s.value);
  const max = Math.max(...values);
  const min = Math.min(...values);
  const show = (v) => (scale.probability ? pct(v) : fmtNumber(v));
  const pastAi = scale.verdictScale ? scores.filter((x) => scale.zone(x.value) === "ai").length : 0;
  const pastHuman = scale.verdictScale ? scores.filter((x) => scale.zone(x.value) === "human").length : 0;
  const counts = scale.verdictScale ? ` ${pastAi} past the AI threshold, ${pastHuman} below the human threshold, the rest left plain.` : "";
  const boxText = boxPastThreshold(data, scale) ? ` The dashed box marks the most suspicious area (${show(data.boxScore.value)}).` : "";
  return h("figure", { class: "heatmap" },
    stage,
    h("div", { class: "heatmap-controls" },
      h("label", { for: toggleId, class: "inline-control" }, toggle, " Show heatmap"),
      h("label", { for: opacityId, class: "inline-control" }, "Opacity ", slider)),
    legend(scale, "patch"),
    h("figcaption", {}, `${data.cells.length} patches, from ${show(min)} to ${show(max)}.${counts}${boxText}`, note),
  );
}
