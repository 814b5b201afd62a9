// The soak: the local stack under a steady load of MQTT clients and API
// calls, through faults (the broker killed, tillor-local killed in the
// middle of static creates, the data directory full), with what it costs
// and what is lost printed as figures. scripts/soak runs it; it starts and
// restarts tillor-local itself. It checks correctness (store and broker
// agree, no orphans, clear errors when the disk is full) and exits 1 when
// one fails; timings are printed, never asserted.
//
// Usage: TILLOR_TOOLS=<repo>/tools node soak.mjs BIN PLUGIN DATA_DIR
// Environment: SOAK_SECONDS (300), SOAK_CLIENTS (1000), SOAK_API_RATE (200),
// SOAK_SHORT=1 (the broker kill only), SOAK_DISK=1 (DATA_DIR is a small
// tmpfs the script may fill).
import { createRequire } from "node:module";
import { spawn, execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, rmSync, readdirSync } from "node:fs";
import net from "node:net";

const mqtt = createRequire(`${process.env.TILLOR_TOOLS}/`)("mqtt");
const [BIN, PLUGIN, DATA] = process.argv.slice(2);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 1000);
const API_RATE = Number(process.env.SOAK_API_RATE ?? 200);
const SHORT = process.env.SOAK_SHORT === "1";
const DISK = process.env.SOAK_DISK === "1";
// 20 clients per organisation: well inside its quotas (100 static, 60 JWTs a minute).
const ORGS = Math.max(1, Math.ceil(CLIENTS / 20));
const orgs = Array.from({ length: ORGS }, (_, i) => ({
  id: `soak-${String(i).padStart(3, "0")}`,
  key: `tk_soak-${String(i).padStart(3, "0")}-0123456789abcdef`,
}));
// Its own organisation for the full disk, so filling it never meets the
// static-credential quota of an organisation the load also uses.
const diskOrg = { id: "soak-disk", key: "tk_soak-disk-0123456789abcdef" };
const problems = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// --- the stack ---------------------------------------------------------------

const ports = { mqtt: await freePort(), ws: await freePort() };
let stack = null;
let base = "";

async function startStack() {
  const child = spawn(BIN, [], {
    env: {
      PATH: process.env.PATH,
      TILLOR_HTTP_ADDR: base ? base.replace("http://", "") : "127.0.0.1:0",
      TILLOR_DATA_DIR: DATA,
      TILLOR_MQTT_ADDR: `127.0.0.1:${ports.mqtt}`,
      TILLOR_MQTT_WS_ADDR: `127.0.0.1:${ports.ws}`,
      TILLOR_MOSQUITTO_JWT_PLUGIN: PLUGIN,
      TILLOR_SEED_ORGS: [...orgs, diskOrg].map((o) => `${o.id}:${o.key}`).join(","),
      TILLOR_CONSOLE_DIR: `${DATA}/no-console`,
      TILLOR_LOG: "warn",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let banner = "";
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      banner += d;
      if (banner.includes("API key:")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`tillor-local exited (${code}) at start`)));
  });
  base = banner.match(/console:\s+(\S+)/)[1].replace(/\/$/, "");
  stack = child;
}

/** Mosquitto, the supervised child of tillor-local. */
function brokerPid() {
  try {
    for (const task of readdirSync(`/proc/${stack.pid}/task`)) {
      const kids = readFileSync(`/proc/${stack.pid}/task/${task}/children`, "utf8").split(/\s+/).filter(Boolean);
      for (const pid of kids) {
        if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "mosquitto") return Number(pid);
      }
    }
  } catch {
    // Between a kill and the restart: no process to look at.
  }
  return null;
}

/** Peak resident memory so far (VmHWM), in MiB. */
function peakMiB(pid) {
  try {
    const kb = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmHWM:\s+(\d+)/)[1];
    return Math.round(Number(kb) / 1024);
  } catch {
    return null;
  }
}
const peaks = { server: 0, broker: 0 };
function notePeaks() {
  const s = stack && peakMiB(stack.pid);
  const b = stack && brokerPid() && peakMiB(brokerPid());
  if (s) peaks.server = Math.max(peaks.server, s);
  if (b) peaks.broker = Math.max(peaks.broker, b);
}

// --- the API -----------------------------------------------------------------

const latencies = {};
const statuses = {};
async function api(org, method, path, body, call) {
  const started = now();
  let status = 0;
  let json = null;
  try {
    const r = await fetch(`${base}/api/orgs/${org.id}/mqtt/${path}`, {
      method,
      headers: { "x-api-key": org.key, "X-Tillor-Org-Id": org.id, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30000),
    });
    status = r.status;
    json = r.status === 204 ? null : await r.json();
  } catch {
    status = 0; // no answer: the server is down or restarting
  }
  (latencies[call] ??= []).push(now() - started);
  statuses[call] ??= {};
  statuses[call][status] = (statuses[call][status] ?? 0) + 1;
  return { status, json };
}

// --- the clients ---------------------------------------------------------------

const kinds = ["jwt-tcp", "jwt-ws", "static-tcp", "static-ws"];
const counts = Object.fromEntries(kinds.map((k) => [k, { sent: 0, acked: 0, received: 0, connects: 0 }]));
const clients = [];

async function credentialsFor(org, i) {
  const kind = kinds[i % 4];
  if (kind.startsWith("jwt")) {
    const { status, json } = await api(org, "POST", "credentials", { expiresInSeconds: 86400 }, "jwt create");
    if (status !== 201) throw new Error(`JWT for ${org.id}: ${status}`);
    return { kind, clientId: json.clientId, username: "", password: json.token };
  }
  const { status, json } = await api(org, "POST", "static-credentials", { name: `soak ${i}` }, "static create");
  if (status !== 201) throw new Error(`static for ${org.id}: ${status}`);
  return { kind, clientId: json.clientId, username: json.userName, password: json.password };
}

function connectClient(org, cred, n) {
  const url = cred.kind.endsWith("ws") ? `ws://127.0.0.1:${ports.ws}` : `mqtt://127.0.0.1:${ports.mqtt}`;
  const topic = `tillor/local/${org.id}/integration/soak/${n}`;
  const c = mqtt.connect(url, {
    clientId: cred.clientId,
    username: cred.username,
    password: cred.password,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 10000,
  });
  const count = counts[cred.kind];
  const client = { c, topic, kind: cred.kind, connected: false };
  c.on("connect", () => {
    client.connected = true;
    count.connects++;
    c.subscribe(topic, { qos: 1 });
  });
  c.on("close", () => (client.connected = false));
  c.on("error", () => {});
  c.on("message", () => count.received++);
  clients.push(client);
}

/** Each client publishes QoS 1 to itself every 5 s (spread over the 5 s). */
function publishing(stopAt) {
  return Promise.all(clients.map(async (client, i) => {
    await sleep((i * 5000) / clients.length);
    while (now() < stopAt) {
      if (client.connected) {
        const count = counts[client.kind];
        count.sent++;
        client.c.publish(client.topic, `m${count.sent}`, { qos: 1 }, (e) => e || count.acked++);
      }
      await sleep(5000);
    }
  }));
}

// --- the API load --------------------------------------------------------------

const extra = new Map(); // org id -> ids of statics the load made
function apiLoad(stopAt) {
  let made = 0;
  const one = async () => {
    const org = orgs[Math.floor(Math.random() * orgs.length)];
    const pick = Math.random();
    if (pick < 0.25) {
      await api(org, "POST", "credentials", {}, "jwt create");
    } else if (pick < 0.75) {
      await api(org, "GET", "static-credentials", undefined, "static list");
    } else if (pick < 0.875) {
      const { status, json } = await api(org, "POST", "static-credentials", { name: "load" }, "static create");
      if (status === 201) (extra.get(org.id) ?? extra.set(org.id, []).get(org.id)).push(json.id);
    } else {
      const id = extra.get(org.id)?.shift();
      if (id) await api(org, "DELETE", `static-credentials/${id}`, undefined, "static delete");
    }
    made++;
  };
  return (async () => {
    const inFlight = new Set();
    while (now() < stopAt) {
      const p = one().finally(() => inFlight.delete(p));
      inFlight.add(p);
      await sleep(1000 / API_RATE);
    }
    await Promise.all(inFlight);
    return made;
  })();
}

// --- faults --------------------------------------------------------------------

const recoveries = {};
async function untilAllConnected(what, limitMs = 120000) {
  const started = now();
  while (now() - started < limitMs) {
    if (clients.every((c) => c.connected)) {
      recoveries[what] = Math.round(now() - started);
      return;
    }
    await sleep(100);
  }
  problems.push(`${what}: ${clients.filter((c) => !c.connected).length} clients still not connected after ${limitMs / 1000} s`);
}

/** Kills the broker; returns how many messages each kind had received once all were back. */
async function killBroker() {
  process.kill(brokerPid(), "SIGKILL");
  await sleep(500);
  await untilAllConnected("broker killed: every client back");
  return Object.fromEntries(kinds.map((k) => [k, counts[k].received]));
}

/** What the broker holds: its dynamic-security clients, by user name. */
function brokerClients() {
  const password = readFileSync(`${DATA}/mosquitto/admin-password`, "utf8").trim();
  const out = execFileSync("mosquitto_ctrl", ["-h", "127.0.0.1", "-p", String(ports.mqtt), "-u", "tillor-admin", "-P", password, "dynsec", "listClients"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return new Set(out.split(/\s+/).filter((u) => u && u !== "tillor-admin"));
}

/** The stored credentials listed as active, and how many as missing on the broker. */
async function storedUserNames() {
  const names = new Set();
  let missing = 0;
  for (const org of [...orgs, diskOrg]) {
    const { status, json } = await api(org, "GET", "static-credentials", undefined, "static list");
    if (status !== 200) throw new Error(`list of ${org.id}: ${status}`);
    for (const c of json) {
      if (c.brokerStatus === "active") names.add(c.userName);
      else missing++;
    }
  }
  return { names, missing };
}

async function killServerDuringCreates() {
  const creates = orgs.slice(0, 10).map((org) => api(org, "POST", "static-credentials", { name: "mid-kill" }, "static create"));
  await sleep(30);
  const killedAt = now();
  stack.kill("SIGKILL");
  await Promise.allSettled(creates);
  await sleep(200);
  await startStack();
  recoveries["tillor-local killed: API answering"] = Math.round(now() - killedAt);
  await untilAllConnected("tillor-local killed: every client back");
  const agreed = await storeAndBrokerAgree("after the kill");
  // The restart's reconciliation finishes every delete the kill cut short.
  if (agreed.listed_missing) problems.push(`after the kill: ${agreed.listed_missing} credentials listed as missing on the broker`);
  return agreed;
}

/** Every active stored credential is on the broker and nothing else is. */
async function storeAndBrokerAgree(when) {
  // The load may still run: a create or delete between its broker and its
  // store write differs for a moment. Only what differs twice, 3 s apart,
  // counts.
  const differences = async () => {
    const [{ names: stored, missing }, held] = [await storedUserNames(), brokerClients()];
    return {
      missing,
      stored,
      held,
      onBroker: [...held].filter((u) => !stored.has(u)),
      inStore: [...stored].filter((u) => !held.has(u)),
    };
  };
  const first = await differences();
  await sleep(3000);
  const { missing, stored, held, onBroker, inStore } = await differences();
  const orphansOnBroker = onBroker.filter((u) => first.onBroker.includes(u));
  const orphansInStore = inStore.filter((u) => first.inStore.includes(u));
  if (orphansOnBroker.length || orphansInStore.length) {
    problems.push(`${when}: ${orphansOnBroker.length} broker clients the store lacks (${orphansOnBroker.slice(0, 5)}), ${orphansInStore.length} stored credentials the broker lacks (${orphansInStore.slice(0, 5)})`);
  }
  // Missing ones are listed as such: a delete the store refused after the
  // broker (503 delete_unfinished), known and shown, not an orphan.
  return { stored: stored.size, held: held.size, listed_missing: missing };
}

async function fillTheDisk() {
  const filler = `${DATA}/filler`;
  try {
    execFileSync("dd", ["if=/dev/zero", `of=${filler}`, "bs=1M", "count=4096"], { stdio: "ignore" });
  } catch {
    // dd stops at "no space left": the disk is full, as meant.
  }
  // SQLite reuses its write-ahead log's space, so the first writes after
  // the disk filled may still fit: create until one does not.
  const org = diskOrg;
  let full = { status: 201 };
  for (let i = 0; i < 80 && full.status === 201; i++) {
    full = await api(org, "POST", "static-credentials", { name: "disk full" }, "static create (disk full)");
  }
  const error = full.json?.error?.code;
  if (full.status !== 503 || error !== "store_unavailable") {
    problems.push(`disk full: a static create answered ${full.status} ${error}, not 503 store_unavailable`);
  }
  rmSync(filler, { force: true });
  const started = now();
  for (;;) {
    const again = await api(org, "POST", "static-credentials", { name: "disk back" }, "static create");
    if (again.status === 201) break;
    if (now() - started > 30000) {
      problems.push(`disk writable again: creates still answer ${again.status} after 30 s`);
      break;
    }
    await sleep(250);
  }
  recoveries["disk full: creates work again"] = Math.round(now() - started);
  return { status: full.status, error };
}

// --- the run -----------------------------------------------------------------

const machine = execFileSync("sh", ["-c", "nproc; grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], { encoding: "utf8" }).trim().replace(/\n\s*/, " × ");
await startStack();
const setupStarted = now();
for (let i = 0; i < CLIENTS; i++) {
  const org = orgs[Math.floor(i / 20)];
  const cred = await credentialsFor(org, i);
  connectClient(org, cred, i);
}
await untilAllConnected("start: every client connected");
const connectSeconds = (now() - setupStarted) / 1000;

const stopAt = now() + SECONDS * 1000;
const peakTimer = setInterval(notePeaks, 1000);
const load = apiLoad(stopAt);
const pubs = publishing(stopAt);
const faults = {};
await sleep(SECONDS * 300);
const receivedWhenBack = await killBroker();
if (!SHORT) {
  await sleep(Math.max(0, SECONDS * 550 - (SECONDS * 300)));
  faults.serverKill = await killServerDuringCreates();
  if (DISK) {
    await sleep(Math.max(0, SECONDS * 200));
    faults.diskFull = await fillTheDisk();
  }
}
const apiCalls = await load;
await pubs;
await sleep(3000); // the last acks and deliveries
clearInterval(peakTimer);
notePeaks();

// A delete cut short (delete_unfinished) is finished within a minute: wait
// for that first, then compare once (each comparison records what differs).
for (const started = now(); (await storedUserNames()).missing && now() - started < 90000; ) {
  await sleep(5000);
}
faults.end = await storeAndBrokerAgree("at the end");
if (faults.end.listed_missing) problems.push(`at the end: ${faults.end.listed_missing} credentials still listed as missing after 90 s`);

// What must hold whatever the timings (the figures below are only printed).
for (const k of kinds) {
  if (counts[k].received <= receivedWhenBack[k]) {
    problems.push(`${k}: no message arrived after the broker came back (resubscribe?)`);
  }
  if (counts[k].acked > counts[k].sent) problems.push(`${k}: more acks than publishes`);
}
for (const [call, byStatus] of Object.entries(statuses)) {
  // 500 is a bug whatever happened; no answer at all is one unless the
  // server itself was killed.
  if (byStatus[500]) problems.push(`${call}: ${byStatus[500]} answers 500`);
  if (SHORT && byStatus[0]) problems.push(`${call}: ${byStatus[0]} calls got no answer within 30 s`);
}

const events = await api(orgs[0], "GET", "events?limit=1", undefined, "events");
const pct = (list, p) => {
  const s = [...list].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]) : null;
};
const report = {
  machine,
  seconds: SECONDS,
  clients: CLIENTS,
  organisations: ORGS,
  connects_per_second_at_start: Math.round(CLIENTS / connectSeconds),
  api_calls: apiCalls,
  api_ms: Object.fromEntries(Object.entries(latencies).map(([k, v]) => [k, { n: v.length, p50: pct(v, 50), p99: pct(v, 99) }])),
  api_statuses: statuses,
  qos1: counts,
  recovery_ms: recoveries,
  faults,
  dropped_events: events.json?.dropped ?? null,
  peak_memory_mib: peaks,
  problems,
};
console.log(JSON.stringify(report, null, 2));
// scripts/test keeps only this: what failed.
for (const p of problems) console.error(`soak: ${p}`);
for (const c of clients) c.c.end(true);
stack.kill("SIGTERM");
process.exit(problems.length ? 1 : 0);
