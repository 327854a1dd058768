// Follows one detection over its WebSocket (ws/detections/<id>/): the server sends the
// current state on connect, then "detection.update" and "detection.progress" messages.
// A dropped socket is reopened with backoff, and the API is read once at each drop, so
// the page never stays stale; once the job is finished the socket is closed.

const FINISHED = new Set(["completed", "failed"]);
const CLOSE_UNAUTHENTICATED = 4401;
const CLOSE_NOT_FOUND = 4404;

export function followDetection({ id, api, onUpdate, onProgress, onConnection }) {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${window.location.host}/ws/detections/${id}/`;
  let socket = null;
  let stopped = false;
  let attempts = 0;
  let timer = null;

  const say = (state) => { if (onConnection) onConnection(state); };

  function handle(detection) {
    if (stopped) return;
    onUpdate(detection);
    if (FINISHED.has(detection.status)) {
      stop();
      say("finished");
    }
  }

  async function refresh() {
    try {
      const response = await fetch(api, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) handle(await response.json());
    } catch {
      // Offline for a moment: the next reconnect reads again.
    }
  }

  function connect() {
    if (stopped) return;
    socket = new WebSocket(url);
    socket.addEventListener("open", () => { attempts = 0; say("live"); });
    socket.addEventListener("message", (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      if (message.type === "detection.update" && message.detection) handle(message.detection);
      else if (message.type === "detection.progress" && onProgress) onProgress(message);
    });
    socket.addEventListener("close", (event) => {
      if (stopped) return;
      refresh();
      if (event.code === CLOSE_UNAUTHENTICATED || event.code === CLOSE_NOT_FOUND) {
        say("refused");
        return;
      }
      attempts += 1;
      say("reconnecting");
      timer = window.setTimeout(connect, Math.min(15000, 500 * 2 ** Math.min(attempts, 5)));
    });
  }

  function stop() {
    stopped = true;
    if (timer) window.clearTimeout(timer);
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
  }

  connect();
  return { stop, refresh };
}
