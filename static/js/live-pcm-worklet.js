// Audio worklet: turns the microphone (already at 16 kHz: the AudioContext runs at that rate)
// into 100 ms chunks of signed 16-bit PCM, posted to the page as transferable buffers.
const CHUNK = 1600;

class Pcm16Chunker extends AudioWorkletProcessor {
  constructor() {
    super();
    this.buffer = new Int16Array(CHUNK);
    this.filled = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const frames = channels[0].length;
    for (let i = 0; i < frames; i += 1) {
      // Mix every channel down to mono.
      let sum = 0;
      for (const ch of channels) sum += ch[i];
      const s = Math.max(-1, Math.min(1, sum / channels.length));
      this.buffer[this.filled] = s < 0 ? s * 0x8000 : s * 0x7fff;
      this.filled += 1;
      if (this.filled === CHUNK) {
        this.port.postMessage(this.buffer.buffer, [this.buffer.buffer]);
        this.buffer = new Int16Array(CHUNK);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor("pcm16-chunker", Pcm16Chunker);
