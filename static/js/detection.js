// The result page: draws the stored state at once, then follows the job live.
import { DetectionView } from "./lib/view.js";

function readJson(id) {
  const el = document.getElementById(id);
  if (!el) return null;
  try { return JSON.parse(el.textContent); } catch { return null; }
}

const root = document.getElementById("detection-view");
if (root) {
  const view = new DetectionView(root, {
    id: root.dataset.id,
    api: root.dataset.api,
    context: {
      text: readJson("detection-text"),
      mediaUrl: root.dataset.mediaUrl || "",
      contentType: root.dataset.contentType || "",
    },
  });
  view.start(readJson("detection-initial"));
}
