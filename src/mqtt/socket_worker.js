// The test client's WebSocket, in a dedicated worker (see transport.rs).
// A dumb pipe: no MQTT here. Frames are passed on concatenated (MQTT is a
// byte stream; the page's framer does not care where frames ended), at most
// one batch per GAP_MS, so a flood costs the page one message per batch
// instead of one event per MQTT packet. The worker ends when its socket closes.
"use strict";
const GAP_MS = 16;
let ws = null;
let frames = [];
let size = 0;
let timer = 0;
let lastFlush = 0;

function flush() {
  clearTimeout(timer);
  timer = 0;
  lastFlush = performance.now();
  if (frames.length === 0) return;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const frame of frames) {
    bytes.set(frame, at);
    at += frame.length;
  }
  frames = [];
  size = 0;
  postMessage({ t: "data", bytes: bytes.buffer }, [bytes.buffer]);
}

onmessage = (e) => {
  const m = e.data;
  if (m.t === "open") {
    try {
      ws = new WebSocket(m.url, m.protocol);
    } catch (err) {
      postMessage({ t: "closed", code: 1006, reason: String((err && err.message) || err), clean: false });
      close();
      return;
    }
    ws.binaryType = "arraybuffer";
    ws.onopen = () => postMessage({ t: "open", protocol: ws.protocol });
    ws.onmessage = (ev) => {
      if (!(ev.data instanceof ArrayBuffer)) return;
      const frame = new Uint8Array(ev.data);
      frames.push(frame);
      size += frame.length;
      // Sparse traffic goes on at once; a burst waits for the next gap.
      if (!timer) timer = setTimeout(flush, Math.max(0, lastFlush + GAP_MS - performance.now()));
    };
    ws.onerror = () => {
      flush();
      postMessage({ t: "error" });
    };
    ws.onclose = (ev) => {
      flush();
      postMessage({ t: "closed", code: ev.code, reason: ev.reason, clean: ev.wasClean });
      close();
    };
  } else if (m.t === "send" && ws && ws.readyState === WebSocket.OPEN) {
    ws.send(m.bytes);
  } else if (m.t === "close") {
    if (ws) ws.close(m.code);
    else close();
  }
};
