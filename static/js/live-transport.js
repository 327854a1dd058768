// The two ways the live check sends media: a WebRTC peer connection to the server, or
// (when that cannot connect) JPEG frames and 16 kHz PCM chunks over the WebSocket.

export const KIND_JPEG = 1;
export const KIND_PCM = 2;

function waitForGathering(pc, timeoutMs) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      pc.removeEventListener("icegatheringstatechange", check);
      clearTimeout(timer);
      resolve();
    };
    const check = () => { if (pc.iceGatheringState === "complete") done(); };
    // Send what was gathered so far if gathering drags on (e.g. an unreachable STUN server).
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener("icegatheringstatechange", check);
  });
}

// Offer -> answer over the socket, then wait for the connection. Rejects with a reason
// (which the page shows) when WebRTC is missing, refused or does not connect in time.
export async function connectWebRtc({ stream, socket, config, onState }) {
  if (typeof RTCPeerConnection === "undefined") throw new Error("this browser has no WebRTC");
  const pc = new RTCPeerConnection({ iceServers: config.ice_servers || [] });
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  const timeoutMs = 1000 * (config.rtc_connect_timeout_s || 8);
  let settled = false;
  const connected = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no connection after ${timeoutMs / 1000} s`)), timeoutMs,
    );
    pc.addEventListener("connectionstatechange", () => {
      if (settled && pc.connectionState === "closed") return; // our own close after a failure
      onState(pc.connectionState);
      if (pc.connectionState === "connected") { clearTimeout(timer); resolve(); }
      if (pc.connectionState === "failed") { clearTimeout(timer); reject(new Error("ICE failed")); }
    });
  });
  try {
    await pc.setLocalDescription(await pc.createOffer());
    await waitForGathering(pc, 3000);
    const answer = await socket.request({ type: "offer", sdp: pc.localDescription.sdp }, "live.answer", timeoutMs);
    await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
    await connected;
  } catch (err) {
    settled = true;
    pc.close();
    throw err;
  }
  settled = true;
  return pc;
}

// Fallback sender: frames at the server's rate as JPEG, microphone as PCM chunks.
export class SocketMediaSender {
  constructor({ stream, socket, config, workletUrl }) {
    this.stream = stream;
    this.socket = socket;
    this.fps = config.frame_fps || 2;
    this.workletUrl = workletUrl;
    this.timer = null;
    this.audioContext = null;
    this.busy = false;
  }

  async start() {
    const video = this.stream.getVideoTracks()[0];
    if (video) this.startFrames(video);
    if (this.stream.getAudioTracks().length) await this.startAudio();
  }

  startFrames(track) {
    const source = document.createElement("video");
    source.muted = true;
    source.playsInline = true;
    source.srcObject = new MediaStream([track]);
    source.play().catch(() => {});
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d");
    this.timer = setInterval(() => {
      // Skip a frame rather than queue: the socket is still busy with earlier data.
      if (this.busy || !source.videoWidth || this.socket.bufferedAmount > 1_000_000) return;
      const scale = Math.min(1, 640 / source.videoWidth);
      canvas.width = Math.round(source.videoWidth * scale);
      canvas.height = Math.round(source.videoHeight * scale);
      context.drawImage(source, 0, 0, canvas.width, canvas.height);
      this.busy = true;
      canvas.toBlob(async (blob) => {
        try {
          if (blob) this.socket.sendBinary(KIND_JPEG, await blob.arrayBuffer());
        } finally { this.busy = false; }
      }, "image/jpeg", 0.85);
    }, 1000 / this.fps);
  }

  async startAudio() {
    this.audioContext = new AudioContext({ sampleRate: 16000 });
    await this.audioContext.audioWorklet.addModule(this.workletUrl);
    const input = this.audioContext.createMediaStreamSource(this.stream);
    const node = new AudioWorkletNode(this.audioContext, "pcm16-chunker");
    node.port.onmessage = (event) => this.socket.sendBinary(KIND_PCM, event.data);
    // A muted path to the output keeps the graph (and so the worklet) running.
    const mute = this.audioContext.createGain();
    mute.gain.value = 0;
    input.connect(node).connect(mute).connect(this.audioContext.destination);
    await this.audioContext.resume();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.audioContext) this.audioContext.close().catch(() => {});
    this.audioContext = null;
  }
}
