// Sends text or a file to the API with the session's CSRF token, showing upload progress,
// then opens the result page, which follows the job live over its WebSocket.
const form = document.getElementById("upload-form");
const errorBox = document.getElementById("upload-error");
const bar = document.getElementById("upload-progress");
const fileInput = document.getElementById("file-input");
const dropzone = document.getElementById("dropzone");

dropzone.addEventListener("dragover", (e) => { e.preventDefault(); dropzone.classList.add("over"); });
dropzone.addEventListener("dragleave", () => dropzone.classList.remove("over"));
dropzone.addEventListener("drop", (e) => {
  e.preventDefault();
  dropzone.classList.remove("over");
  fileInput.files = e.dataTransfer.files;
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  errorBox.textContent = "";
  const body = new FormData();
  if (fileInput.files.length) body.append("file", fileInput.files[0]);
  else body.append("text", document.getElementById("text-input").value);
  const xhr = new XMLHttpRequest();
  xhr.open("POST", form.dataset.api);
  xhr.setRequestHeader("X-CSRFToken", form.querySelector("[name=csrfmiddlewaretoken]").value);
  xhr.upload.addEventListener("progress", (e) => {
    if (e.lengthComputable) { bar.hidden = false; bar.value = (100 * e.loaded) / e.total; }
  });
  xhr.addEventListener("load", () => {
    const data = JSON.parse(xhr.responseText || "{}");
    if (xhr.status === 202) window.location.href = `/detections/${data.id}/`;
    else errorBox.textContent = data.error ? data.error.message : `Error ${xhr.status}`;
  });
  xhr.addEventListener("error", () => { errorBox.textContent = "Network error; try again."; });
  xhr.send(body);
});
