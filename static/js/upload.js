// The upload page: pick or drop a file, or paste text; send it to the API with the
// session's CSRF token while a bar shows the upload; then follow the job live on this
// same page (queued -> running -> result) without a reload.
import { fmtBytes } from "./lib/dom.js";
import { DetectionView } from "./lib/view.js";
import { countChars, cutToChars } from "./lib/textlength.js";

const form = document.getElementById("upload-form");
const fileInput = document.getElementById("file-input");
const textInput = document.getElementById("text-input");
const dropzone = document.getElementById("dropzone");
const chosen = document.getElementById("file-chosen");
const chosenName = document.getElementById("file-name");
const clearButton = document.getElementById("file-clear");
const counter = document.getElementById("text-count");
const errorBox = document.getElementById("upload-error");
const progressBox = document.getElementById("upload-progress-box");
const progressLabel = document.getElementById("upload-progress-label");
const bar = document.getElementById("upload-progress");
const submit = document.getElementById("submit-button");
const job = document.getElementById("job");
const jobHeading = document.getElementById("job-heading");
const jobName = document.getElementById("job-name");
const jobVerb = document.getElementById("job-verb");
const jobLink = document.getElementById("job-link");
const again = document.getElementById("check-again");
const maxBytes = Number(form.dataset.maxBytes);
const maxChars = Number(form.dataset.maxChars);
let view = null;
let sentText = null;

function showChosen() {
  const file = fileInput.files[0];
  chosen.hidden = !file;
  chosenName.textContent = file ? `${file.name} (${fmtBytes(file.size)})` : "";
  dropzone.classList.toggle("has-file", Boolean(file));
  errorBox.textContent = "";
}

function fail(message) {
  errorBox.textContent = message;
  submit.disabled = false;
  progressBox.hidden = true;
}

fileInput.addEventListener("change", showChosen);
clearButton.addEventListener("click", () => {
  fileInput.value = "";
  showChosen();
  fileInput.focus();
});
document.getElementById("text-max").textContent = maxChars.toLocaleString();
// Long text: never cut silently. A paste that would pass the limit is held back and the
// page asks first; text over the limit by other means (typing, dropping) is flagged.
const limitBox = document.getElementById("text-limit-warning");
const limitMessage = document.getElementById("text-limit-message");
let heldPaste = null;

function updateCounter() {
  const n = countChars(textInput.value);
  counter.textContent = n.toLocaleString();
  counter.classList.toggle("over-limit", n > maxChars);
  if (!heldPaste) {
    limitBox.hidden = n <= maxChars;
    limitMessage.textContent = n > maxChars
      ? `The text is ${n.toLocaleString()} characters, ${(n - maxChars).toLocaleString()} over the limit of ${maxChars.toLocaleString()}: shorten it, or keep only the first ${maxChars.toLocaleString()}.`
      : "";
  }
}

document.getElementById("text-limit-cut").textContent = `Keep the first ${maxChars.toLocaleString()} characters`;
textInput.addEventListener("input", updateCounter);
textInput.addEventListener("paste", (event) => {
  const pasted = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
  const value = textInput.value;
  const next = value.slice(0, textInput.selectionStart) + pasted + value.slice(textInput.selectionEnd);
  const n = countChars(next);
  if (n <= maxChars) return;
  event.preventDefault();
  heldPaste = next;
  limitBox.hidden = false;
  limitMessage.textContent = `This paste would make the text ${n.toLocaleString()} characters; the limit is ${maxChars.toLocaleString()}. Nothing has been cut: keep only the first ${maxChars.toLocaleString()} characters, or cancel and paste a shorter part.`;
});
document.getElementById("text-limit-cut").addEventListener("click", () => {
  textInput.value = cutToChars(heldPaste ?? textInput.value, maxChars);
  heldPaste = null;
  updateCounter();
  textInput.focus();
});
document.getElementById("text-limit-cancel").addEventListener("click", () => {
  heldPaste = null;
  updateCounter();
  textInput.focus();
});

for (const type of ["dragenter", "dragover"]) {
  dropzone.addEventListener(type, (event) => {
    event.preventDefault();
    dropzone.classList.add("over");
  });
}
for (const type of ["dragleave", "dragend"]) dropzone.addEventListener(type, () => dropzone.classList.remove("over"));
dropzone.addEventListener("drop", (event) => {
  event.preventDefault();
  dropzone.classList.remove("over");
  if (!event.dataTransfer || !event.dataTransfer.files.length) return;
  if (event.dataTransfer.files.length > 1) {
    errorBox.textContent = "Drop one file at a time.";
    return;
  }
  fileInput.files = event.dataTransfer.files;
  showChosen();
});

function csrfToken() {
  return form.querySelector("[name=csrfmiddlewaretoken]").value;
}

// The server stores text normalised (detection/engine/text/limits.py: NFC, Unix line
// endings, no control characters, trimmed) and evidence offsets point into that form.
function normalise(text) {
  // eslint-disable-next-line no-control-regex
  return text.normalize("NFC").replace(/\r\n?/g, "\n").replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, "").trim();
}

function payload() {
  const file = fileInput.files[0];
  const text = textInput.value;
  if (file && text.trim()) return { error: "Send a file or text, not both: remove the file or clear the text." };
  if (file) {
    if (file.size === 0) return { error: "That file is empty." };
    if (file.size > maxBytes) return { error: `That file is ${fmtBytes(file.size)}; the limit is ${fmtBytes(maxBytes)}.` };
    const body = new FormData();
    body.append("file", file);
    return { body, name: file.name };
  }
  if (!text.trim()) return { error: "Choose a file or paste some text first." };
  if (countChars(text) > maxChars) return { error: `The text is ${countChars(text).toLocaleString()} characters; the limit is ${maxChars.toLocaleString()}.` };
  const body = new FormData();
  body.append("text", text);
  return { body, name: "your text", text: normalise(text) };
}

function follow(detection, name, text) {
  form.hidden = true;
  job.hidden = false;
  jobName.textContent = name;
  jobVerb.textContent = "Checking";
  jobLink.href = `${form.dataset.resultUrl}${detection.id}/`;
  const mediaUrl = detection.content_type && !detection.content_type.startsWith("text/")
    ? `${form.dataset.resultUrl}${detection.id}/media` : "";
  view = new DetectionView(document.getElementById("job-view"), {
    id: detection.id,
    api: detection.url,
    context: { text: text ?? null, mediaUrl, contentType: detection.content_type || "" },
    onFinished: (d) => { jobVerb.textContent = d.status === "completed" ? "Result for" : "Could not check"; },
  }).start(detection);
  jobHeading.focus();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  errorBox.textContent = "";
  const item = payload();
  if (item.error) {
    fail(item.error);
    return;
  }
  submit.disabled = true;
  progressBox.hidden = false;
  bar.value = 0;
  progressLabel.textContent = "Uploading…";
  sentText = item.text ?? null;

  const xhr = new XMLHttpRequest();
  xhr.open("POST", form.dataset.api);
  xhr.setRequestHeader("X-CSRFToken", csrfToken());
  xhr.setRequestHeader("Accept", "application/json");
  xhr.upload.addEventListener("progress", (e) => {
    if (!e.lengthComputable) return;
    bar.value = (100 * e.loaded) / e.total;
    progressLabel.textContent = `Uploading… ${Math.round(bar.value)} %`;
  });
  xhr.upload.addEventListener("load", () => { progressLabel.textContent = "Uploaded; checking the file…"; });
  xhr.addEventListener("load", () => {
    let data = {};
    try { data = JSON.parse(xhr.responseText || "{}"); } catch { /* not JSON: a proxy's error page */ }
    if (xhr.status === 202 && data.id) {
      progressBox.hidden = true;
      submit.disabled = false;
      follow(data, item.name, sentText);
    } else if (xhr.status === 403) {
      fail("You were signed out, or the page is too old: reload it and try again.");
    } else {
      fail(data.error?.message ? `Not accepted: ${data.error.message}` : `The server answered ${xhr.status}; try again.`);
    }
  });
  xhr.addEventListener("error", () => fail("Network error: the upload did not reach the server. Try again."));
  xhr.send(item.body);
});

again.addEventListener("click", () => {
  if (view) view.stop();
  view = null;
  job.hidden = true;
  form.hidden = false;
  form.reset();
  showChosen();
  counter.textContent = "0";
  heldPaste = null;
  limitBox.hidden = true;
  bar.value = 0;
  (fileInput.disabled ? textInput : fileInput).focus();
});
