// The console's MQTT log against MQTT.js, in the same headless Chromium, against
// the same local broker, with the same stream from a native publisher
// (mosquitto_pub). Prints figures; asserts nothing (see scripts/bench).
import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import zlib, { brotliCompressSync } from "node:zlib";
import os from "node:os";

const require = createRequire(`${process.env.TILLOR_TOOLS}/`);
const { chromium } = require("playwright-core");

const [base, org, key, mqttPort, wsUrl, dist] = process.argv.slice(2);
const N0 = Number(process.env.BENCH_QOS0 ?? 100000);
const N1 = Number(process.env.BENCH_QOS1 ?? 20000);
const TOTAL = N0 + N1;
const PREFIX = `tillor/local/${org}/integration`;
const PAYLOAD = "x".repeat(56);

async function createStatic(name) {
  const r = await fetch(`${base}/api/orgs/${org}/mqtt/static-credentials`, {
    method: "POST",
    headers: { "x-api-key": key, "X-Tillor-Org-Id": org, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${await r.text()}`);
  return r.json();
}

// BENCH_NICE=<n> runs the publisher (and scripts/bench the broker) at a lower
// CPU priority, as if they were on other machines as in production. Tried
// with 10 on two cores: the page's stalls did not change (Chromium's own
// browser, GPU and worker threads take the other core), so the default is 0.
const NICE = process.env.BENCH_NICE ?? "0";

function publish(cred, qos, count) {
  return new Promise((resolve, reject) => {
    const p = spawn("nice", ["-n", NICE, "mosquitto_pub", "-h", "127.0.0.1", "-p", mqttPort, "-u", cred.userName, "-P", cred.password,
      "-i", cred.clientId, "-t", `${PREFIX}/bench`, "-q", String(qos), "-l"], { stdio: ["pipe", "ignore", "inherit"] });
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`mosquitto_pub exited ${code}`))));
    // 64-byte payloads: 8-digit sequence number + 56 bytes.
    let chunk = "";
    for (let i = 0; i < count; i++) {
      chunk += String(i).padStart(8, "0") + PAYLOAD + "\n";
      if (chunk.length > 1 << 20) { p.stdin.write(chunk); chunk = ""; }
    }
    p.stdin.end(chunk);
  });
}

// Main-thread stalls: the Long Tasks API, and how late a 10 ms timer fires.
const PROBE = `(() => {
  window.__bench = { longest: 0, lateness: 0 };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__bench.longest = Math.max(window.__bench.longest, e.duration); })
    .observe({ type: "longtask", buffered: false });
  // The longest animation frame, taken apart: script (and whose), style and
  // layout, so a stall says where it comes from.
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) {
      if (window.__bench.frame && e.duration <= window.__bench.frame.duration) continue;
      const end = e.startTime + e.duration;
      window.__bench.frame = {
        duration: e.duration,
        layout: e.styleAndLayoutStart ? end - e.styleAndLayoutStart : 0,
        scripts: e.scripts.map((s) => s.invoker + " " + s.duration.toFixed(0) + " ms").slice(0, 3).join("; "),
      };
    }
  }).observe({ type: "long-animation-frame", buffered: false });
  let last = performance.now();
  setInterval(() => { const now = performance.now(); window.__bench.lateness = Math.max(window.__bench.lateness, now - last - 10); last = now; }, 10);
})()`;

async function waitFor(page, fn, what, timeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? 300000)) {
  const start = Date.now();
  while (!(await page.evaluate(fn))) {
    if (Date.now() - start > timeoutMs) {
      const seen = await page.evaluate(() => JSON.stringify({ count: window.__count, received: document.getElementById("tc-received")?.dataset.value }));
      throw new Error(`timed out: ${what}; seen ${seen}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/// Waits until `countFn` reaches TOTAL or stops growing for 3 s (QoS 0 may be
/// dropped under load: at most once is its contract), and returns the count.
async function settle(page, countFn) {
  let last = -1, since = Date.now();
  for (;;) {
    const n = await page.evaluate(countFn);
    if (n >= TOTAL) return n;
    if (n !== last) { last = n; since = Date.now(); }
    else if (Date.now() - since > 3000) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runConsole(browser, cred, pub, protocol, tracePath = process.env.BENCH_TRACE) {
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  await page.fill("#org-id", org);
  await page.fill("#api-key", key);
  await page.click(".organisation-picker button[type=submit]");
  // Since issue 14 the test client is fetched when opened; older builds show it.
  await page.waitForSelector("[data-open-part=test-client], #tc-user");
  if (await page.$("[data-open-part=test-client]")) await page.click("[data-open-part=test-client]");
  await page.fill("#tc-user", cred.userName);
  await page.fill("#tc-client-id", cred.clientId);
  await page.fill("#tc-password", cred.password);
  await page.click(".manual-credential button[type=submit]");
  // A console from before MQTT 5 (BENCH_DIST) has no choice: it speaks 3.1.1.
  if (await page.$("#tc-protocol")) await page.selectOption("#tc-protocol", protocol);
  await page.click("#tc-connect");
  await page.waitForSelector("#tc-subscribe:not([disabled])");
  await page.click("#tc-subscribe");
  await waitFor(page, () => document.querySelector(".subscriptions li .sub-state")?.textContent === "QoS 1", "SUBACK");
  await page.evaluate(`(() => {
    window.__count = { first: 0, last: 0 };
    const el = document.getElementById("tc-received");
    new MutationObserver(() => { const t = performance.now(); if (!window.__count.first) window.__count.first = t; window.__count.last = t; })
      .observe(el, { childList: true, characterData: true, subtree: true });
  })()`);
  await page.evaluate(PROBE);
  // The control: an idle page in a renderer of its own (an opaque origin),
  // probed the same way during the same stream. What it measures is the
  // machine's share of a stall (a thread waiting for a core), not the console's.
  const beside = await browser.newPage();
  await beside.goto("data:text/html,<title>idle</title>");
  await beside.evaluate(PROBE);
  // A Chromium trace of the stream (BENCH_TRACE=<file> keeps one), to see
  // what a long task was made of; BENCH_TRACE_CATEGORIES=a,b,... for more
  // than the timeline (e.g. disabled-by-default-v8.gc).
  if (tracePath) await browser.startTracing(page, { path: tracePath, categories: (process.env.BENCH_TRACE_CATEGORIES ?? "devtools.timeline").split(",") });
  await publish(pub, 0, N0);
  await publish(pub, 1, N1);
  const n = await settle(page, () => Number(document.getElementById("tc-received").dataset.value));
  if (tracePath) await browser.stopTracing();
  const r = await page.evaluate(() => ({ ...window.__count, ...window.__bench }));
  const idle = await beside.evaluate(() => window.__bench);
  await beside.close();
  await page.close();
  return { n, rate: n / ((r.last - r.first) / 1000), stall: Math.max(r.longest, r.lateness), longest: r.longest, lateness: r.lateness, frame: r.frame, idle: Math.max(idle.longest, idle.lateness) };
}

async function runMqttJs(browser, cred, pub) {
  const page = await browser.newPage();
  await page.goto(`${base}/healthz`);
  await page.setContent("<ol id='log'></ol>");
  await page.addScriptTag({ path: `${process.env.TILLOR_TOOLS}/node_modules/mqtt/dist/mqtt.min.js` });
  await page.evaluate(({ url, cred, filter, cap }) => new Promise((resolve, reject) => {
    window.__count = { n: 0, first: 0, last: 0 };
    const log = document.getElementById("log");
    const client = mqtt.connect(url, { username: cred.userName, password: cred.password, clientId: cred.clientId, protocolVersion: 4, reconnectPeriod: 0 });
    client.on("error", reject);
    client.on("connect", () => client.subscribe(filter, { qos: 1 }, (err) => (err ? reject(err) : resolve())));
    client.on("message", (topic, payload) => {
      const t = performance.now();
      if (!window.__count.first) window.__count.first = t;
      window.__count.last = t;
      window.__count.n++;
      const li = document.createElement("li");
      li.textContent = topic + " " + payload.toString();
      log.prepend(li);
      if (log.childElementCount > cap) log.lastElementChild.remove();
    });
  }), { url: wsUrl, cred, filter: `${PREFIX}/#`, cap: 10000 });
  await page.evaluate(PROBE);
  await publish(pub, 0, N0);
  await publish(pub, 1, N1);
  const n = await settle(page, () => window.__count.n);
  const r = await page.evaluate(() => ({ ...window.__count, ...window.__bench }));
  await page.close();
  return { n, rate: n / ((r.last - r.first) / 1000), stall: Math.max(r.longest, r.lateness) };
}

// The ceiling: a bare WebSocket in a worker that only splits the stream into
// MQTT packets (fixed header and remaining length), counts PUBLISHes and
// answers QoS 1 with PUBACK (else the broker stops after its in-flight
// window). No log, no screen: what the browser itself can take in.
const BARE_WORKER = `
  let buf = new Uint8Array(0), n = 0, first = 0, last = 0, pending = false;
  onmessage = (e) => {
    const { url, cred, filter } = e.data;
    const ws = new WebSocket(url, "mqtt");
    ws.binaryType = "arraybuffer";
    const enc = new TextEncoder();
    const str = (s) => { const b = enc.encode(s); return [b.length >> 8, b.length & 255, ...b]; };
    const len = (n) => { const out = []; do { let d = n % 128; n = Math.floor(n / 128); if (n) d |= 128; out.push(d); } while (n); return out; };
    const packet = (first, body) => new Uint8Array([first, ...len(body.length), ...body]);
    ws.onopen = () => {
      // CONNECT 3.1.1: "MQTT", level 4, flags user+password+clean, keep alive 60.
      ws.send(packet(0x10, [...str("MQTT"), 4, 0xc2, 0, 60, ...str(cred.clientId), ...str(cred.userName), ...str(cred.password)]));
      // SUBSCRIBE packet id 1, the filter at QoS 1.
      ws.send(packet(0x82, [0, 1, ...str(filter), 1]));
    };
    ws.onmessage = (m) => {
      const chunk = new Uint8Array(m.data);
      const all = new Uint8Array(buf.length + chunk.length); all.set(buf); all.set(chunk, buf.length);
      let i = 0; const acks = [];
      for (;;) {
        if (all.length - i < 2) break;
        let rem = 0, mul = 1, j = i + 1, b;
        do { if (j >= all.length) { j = -1; break; } b = all[j++]; rem += (b & 127) * mul; mul *= 128; } while (b & 128);
        if (j < 0 || all.length - j < rem) break;
        const type = all[i] >> 4;
        if (type === 9) postMessage({ subscribed: true });
        if (type === 3) {
          const t = performance.now(); if (!first) first = t; last = t; n++;
          if (((all[i] >> 1) & 3) === 1) { const tl = (all[j] << 8) | all[j + 1]; acks.push(0x40, 2, all[j + 2 + tl], all[j + 3 + tl]); }
        }
        i = j + rem;
      }
      buf = all.slice(i);
      if (acks.length) ws.send(new Uint8Array(acks));
      // The page hears the counts at most every 50 ms: the ceiling is the
      // socket's, not the messaging between worker and page.
      if (!pending) { pending = true; setTimeout(() => { pending = false; postMessage({ n, first, last }); }, 50); }
    };
  };`;

async function runBare(browser, cred, pub) {
  const page = await browser.newPage();
  await page.goto(`${base}/healthz`);
  await page.evaluate(({ url, cred, filter, src }) => new Promise((resolve) => {
    window.__count = { n: 0, first: 0, last: 0 };
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: "text/javascript" })));
    w.onmessage = (e) => { if (e.data.subscribed) resolve(); else window.__count = e.data; };
    w.postMessage({ url, cred, filter });
  }), { url: wsUrl, cred, filter: `${PREFIX}/#`, src: BARE_WORKER });
  await publish(pub, 0, N0);
  await publish(pub, 1, N1);
  const n = await settle(page, () => window.__count.n);
  const r = await page.evaluate(() => window.__count);
  await page.close();
  return { n, rate: n / ((r.last - r.first) / 1000) };
}

// First paint on a slow profile: ~1.6 Mbps down, 150 ms RTT, 4× CPU
// slowdown, no cache. Times from navigation until the sign-in form is usable,
// and until the credentials screen is (the JWT form enabled after signing
// in); counts the bytes on the wire (encoded, with headers) for each. Then
// opens the parts fetched on first open (test client, support view) and
// counts the whole console.
async function runFirstPaint(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; });
  const t0 = Date.now();
  await page.goto(`${base}/`);
  await page.waitForSelector("#org-id:not([disabled])", { timeout: 120000 });
  const signIn = { ms: Date.now() - t0, bytes };
  await page.fill("#org-id", org);
  await page.fill("#api-key", key);
  await page.click(".organisation-picker button[type=submit]");
  await page.waitForSelector(".jwt-form button[type=submit]:not([disabled])", { timeout: 120000 });
  const credentials = { ms: Date.now() - t0, bytes };
  // An older build (BENCH_DIST) shows everything at once: no buttons, no wait.
  const ready = { "test-client": ".manual-credential", support: ".events[data-loaded=true]" };
  for (const [part, selector] of Object.entries(ready)) {
    const button = await page.$(`[data-open-part=${part}]`);
    if (!button) continue;
    await button.click();
    await page.waitForSelector(selector, { timeout: 120000 });
  }
  const whole = { ms: Date.now() - t0, bytes };
  await context.close();
  return { signIn, credentials, whole };
}

// What Chromium fetches, as tillor-local serves it (brotli, the .br beside
// each file; an older build without them is compressed here alike). The
// first screen is the page, its module and wasm, and the stylesheet; the
// parts fetched on first open come on top.
function sizes() {
  const FIRST = ["index.html", "start.js", "tillor-console.js", "tillor-console_bg.wasm", "main.css"];
  const files = readdirSync(dist)
    .filter((f) => /\.(wasm|js|css|html)$/.test(f) && !f.startsWith("embed-example"))
    .sort((a, b) => FIRST.indexOf(b) - FIRST.indexOf(a) || a.localeCompare(b));
  const rows = [];
  const total = { first: [0, 0], whole: [0, 0] };
  for (const f of files) {
    const b = readFileSync(`${dist}/${f}`);
    const br = existsSync(`${dist}/${f}.br`)
      ? statSync(`${dist}/${f}.br`).size
      : brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    const first = FIRST.includes(f);
    for (const key of first ? ["first", "whole"] : ["whole"]) {
      total[key][0] += b.length; total[key][1] += br;
    }
    rows.push(`  ${f.padEnd(26)} ${(b.length / 1024).toFixed(1).padStart(7)} KB  ${(br / 1024).toFixed(1).padStart(6)} KB brotli${first ? "  (first screen)" : ""}`);
  }
  const kb = (n) => (n / 1024).toFixed(1);
  rows.push(`  ${"first screen".padEnd(26)} ${kb(total.first[0]).padStart(7)} KB  ${kb(total.first[1]).padStart(6)} KB brotli (goal ≤ 150 KB)`);
  rows.push(`  ${"whole console".padEnd(26)} ${kb(total.whole[0]).padStart(7)} KB  ${kb(total.whole[1]).padStart(6)} KB brotli (goal ≤ 250 KB)`);
  return rows.join("\n");
}

// From a trace: the page's main thread, its longest event by wall time and
// by CPU time (the trace's thread duration). Far apart, the page was waiting
// for a core rather than working.
function mainThreadTasks(tracePath) {
  const { traceEvents } = JSON.parse(readFileSync(tracePath, "utf8"));
  const main = traceEvents.find((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain");
  let wall = { dur: 0, tdur: 0 }, cpu = { dur: 0, tdur: 0 };
  for (const e of traceEvents) {
    if (e.ph !== "X" || e.pid !== main.pid || e.tid !== main.tid || e.dur === undefined) continue;
    if (e.dur > wall.dur) wall = e;
    if ((e.tdur ?? 0) > cpu.tdur) cpu = e;
  }
  const ms = (us) => (us / 1000).toFixed(0);
  return `longest event ${ms(wall.dur)} ms wall (${ms(wall.tdur ?? 0)} ms CPU, ${wall.name}); most CPU in one event ${ms(cpu.tdur)} ms (${cpu.name})`;
}

function machine() {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return `Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`;
}

function printFirstPaint(first) {
  console.log(`Slow profile (1.6 Mbps, 150 ms RTT, 4× CPU, no cache), from navigation:`);
  console.log(`  sign-in form usable:       ${(first.signIn.ms / 1000).toFixed(2)} s, ${(first.signIn.bytes / 1024).toFixed(1)} KB on the wire`);
  console.log(`  credentials screen usable: ${(first.credentials.ms / 1000).toFixed(2)} s, ${(first.credentials.bytes / 1024).toFixed(1)} KB on the wire (goal ≤ 150 KB)`);
  console.log(`  whole console (test client and support view opened): ${(first.whole.ms / 1000).toFixed(2)} s, ${(first.whole.bytes / 1024).toFixed(1)} KB on the wire (goal ≤ 250 KB)`);
  console.log(`Console files:\n${sizes()}`);
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run", ...(process.env.BENCH_TRACE_GC ? ["--js-flags=--trace-gc"] : [])],
});
try {
  if (process.env.BENCH_FIRST_PAINT_ONLY) {
    console.log(machine());
    printFirstPaint(await runFirstPaint(browser));
    process.exit(0);
  }
  const [c1, c2, c3, pub] = [await createStatic("bench console"), await createStatic("bench mqtt.js"), await createStatic("bench ceiling"), await createStatic("bench publisher")];
  // Both protocols take turns, so a drift of the machine hits both alike;
  // each figure is the median of BENCH_RUNS runs (by throughput).
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  // BENCH_PROTOCOLS=3.1.1 (or 5) runs one only; BENCH_CONSOLE_ONLY=1 skips
  // MQTT.js, the ceiling and first paint (a quick A/B of two builds).
  const protocols = (process.env.BENCH_PROTOCOLS ?? "3.1.1,5").split(",");
  const byProtocol = Object.fromEntries(protocols.map((p) => [p, []]));
  for (let i = 0; i < runs; i++) {
    for (const protocol of Object.keys(byProtocol)) {
      const r = await runConsole(browser, c1, pub, protocol);
      // A long task is the console's own work (plus any preemption inside
      // it); a late timer with no long task is the page not getting a core.
      console.log(`  run ${i + 1}, MQTT ${protocol.padEnd(5)} ${r.rate.toFixed(0).padStart(8)} msgs/s, stall ${r.stall.toFixed(0)} ms (longest task ${r.longest.toFixed(0)} ms, timer late ${r.lateness.toFixed(0)} ms; an idle page beside ${r.idle.toFixed(0)} ms), ${r.n} delivered`);
      if (r.frame) console.log(`    longest frame ${r.frame.duration.toFixed(0)} ms: style and layout ${r.frame.layout.toFixed(0)} ms; ${r.frame.scripts || "no script"}`);
      byProtocol[protocol].push(r);
    }
  }
  const median = (list) => [...list].sort((a, b) => a.rate - b.rate)[Math.floor(list.length / 2)];
  const v311 = median(byProtocol["3.1.1"] ?? byProtocol["5"]);
  const v5 = median(byProtocol["5"] ?? byProtocol["3.1.1"]);
  if (process.env.BENCH_CONSOLE_ONLY) {
    const all = Object.values(byProtocol).flat().map((r) => r.stall).sort((a, b) => a - b);
    console.log(`Console only: median ${v311.rate.toFixed(0)} msgs/s; stalls ${all.map((x) => x.toFixed(0)).join(", ")} ms`);
  } else {
    const ours = v311;
    const theirs = await runMqttJs(browser, c2, pub);
    const ceilings = [];
    for (let i = 0; i < runs; i++) ceilings.push(await runBare(browser, c3, pub));
    const ceiling = median(ceilings);
    const first = await runFirstPaint(browser);
    console.log(machine());
    console.log(`Stream: ${N0} QoS 0 + ${N1} QoS 1 messages of 64 bytes, mosquitto_pub → Mosquitto → WebSocket → Chromium (publisher and broker at nice ${NICE})`);
    console.log(`Console, MQTT 3.1.1 (median of ${runs}): ${v311.rate.toFixed(0).padStart(8)} msgs/s, longest stall ${v311.stall.toFixed(0)} ms, ${v311.n} of ${TOTAL} delivered`);
    console.log(`Console, MQTT 5     (median of ${runs}): ${v5.rate.toFixed(0).padStart(8)} msgs/s, longest stall ${v5.stall.toFixed(0)} ms, ${v5.n} of ${TOTAL} delivered`);
    console.log(`MQTT 5 / 3.1.1 throughput: ${(v5.rate / v311.rate).toFixed(3)} (target ≥ 0.90)`);
    console.log(`MQTT.js (10,000-row DOM): ${theirs.rate.toFixed(0).padStart(8)} msgs/s, longest stall ${theirs.stall.toFixed(0)} ms, ${theirs.n} of ${TOTAL} delivered`);
    console.log(`Ceiling (bare WebSocket in a worker, counts only; median of ${runs}): ${ceiling.rate.toFixed(0).padStart(8)} msgs/s, ${ceiling.n} of ${TOTAL} delivered`);
    console.log(`Console / ceiling: MQTT 3.1.1 ${(v311.rate / ceiling.rate * 100).toFixed(0)} %, MQTT 5 ${(v5.rate / ceiling.rate * 100).toFixed(0)} % (goal ≥ 50 %)`);
    console.log(`Ratio console (3.1.1) / MQTT.js: throughput ${(ours.rate / theirs.rate).toFixed(2)}×, longest stall ${(ours.stall / theirs.stall).toFixed(2)}×`);
    for (const [protocol, list] of Object.entries(byProtocol)) {
      const stalls = list.map((r) => r.stall).sort((a, b) => a - b);
      console.log(`Longest main-thread stall per run, MQTT ${protocol}: ${stalls.map((x) => x.toFixed(0)).join(", ")} ms; median ${stalls[Math.floor(stalls.length / 2)].toFixed(0)} ms, worst ${stalls[stalls.length - 1].toFixed(0)} ms (goal ≤ 50 ms, aim ≤ 35 ms)`);
      const idle = list.map((r) => r.idle).sort((a, b) => a - b);
      console.log(`  an idle page beside it, same runs: ${idle.map((x) => x.toFixed(0)).join(", ")} ms; median ${idle[Math.floor(idle.length / 2)].toFixed(0)} ms, worst ${idle[idle.length - 1].toFixed(0)} ms`);
    }
    const tracePath = `${os.tmpdir()}/tillor-bench-trace.json`;
    await runConsole(browser, c1, pub, "3.1.1", tracePath);
    console.log(`Page main thread in one traced run (MQTT 3.1.1): ${mainThreadTasks(tracePath)}`);
    console.log(`Targets: throughput ≥ MQTT.js's; console stall ≤ 50 ms`);
    printFirstPaint(first);
  }
} finally {
  await browser.close();
}
