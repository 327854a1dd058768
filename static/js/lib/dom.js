// Small DOM helpers shared by the pages: build elements without innerHTML (every string
// from a result is untrusted), and format numbers the same way everywhere.

const SVG_NS = "http://www.w3.org/2000/svg";

function apply(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") el.textContent = String(value);
    else if (key === "class") el.setAttribute("class", value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** h("p", {class: "x"}, "text", otherNode) -> <p class="x">text…</p> */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** The same for SVG elements. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** A finite number, or null for anything else (strings, NaN, objects). */
export function num(value) {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return null;
}

export function clamp01(x) {
  return Math.min(1, Math.max(0, x));
}

export function pct(p, digits = 0) {
  const x = num(p);
  return x === null ? "—" : `${(100 * x).toFixed(digits)} %`;
}

export function fmtNumber(x, digits = 3) {
  const v = num(x);
  if (v === null) return "—";
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(digits);
}

export function fmtSeconds(t) {
  const v = num(t);
  if (v === null) return "—";
  if (v < 60) return `${v.toFixed(v < 10 ? 1 : 0)} s`;
  const m = Math.floor(v / 60);
  const rest = Math.round(v - 60 * m);
  return `${m}:${String(rest).padStart(2, "0")}`;
}

export function fmtBytes(n) {
  const v = num(n);
  if (v === null) return "—";
  const units = ["bytes", "KB", "MB", "GB"];
  let x = v;
  let i = 0;
  while (x >= 1024 && i < units.length - 1) { x /= 1024; i += 1; }
  return `${x.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** "image.provenance" -> "Image provenance"; "c2pa.created" stays readable too. */
export function humanize(name) {
  const text = String(name ?? "").replace(/[._-]+/g, " ").trim();
  return text ? text[0].toUpperCase() + text.slice(1) : "";
}
