// One run of the broker bench against a running local stack: how many
// connections, refusals and publishes Mosquitto with our plugin handles per
// second. scripts/bench broker runs it with the broker's events on and off
// and compares. Clients: MQTT.js (connections, refusals) and mosquitto_pub
// (publishes). Prints one JSON line; asserts nothing.
// Usage: TILLOR_TOOLS=<repo>/tools node broker.mjs BASE ORG KEY MQTT_PORT
import { createRequire } from "node:module";
import { spawn } from "node:child_process";

const mqtt = createRequire(`${process.env.TILLOR_TOOLS}/`)("mqtt");
const [base, org, key, mqttPort] = process.argv.slice(2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 16);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50000);
const PREFIX = `tillor/local/${org}/integration`;
const URL = `mqtt://127.0.0.1:${mqttPort}`;

async function api(path, body) {
  const r = await fetch(`${base}/api/orgs/${org}/mqtt/${path}`, {
    method: "POST",
    headers: { "x-api-key": key, "X-Tillor-Org-Id": org, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

/** One connection attempt; resolves "connected" or "refused". */
function attempt(opts) {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(URL, { ...opts, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000 });
    c.once("connect", () => c.end(false, () => resolve("connected")));
    c.once("error", (e) => {
      c.end(true);
      if (e.code === 5 || e.code === 4) resolve("refused");
      else reject(e);
    });
  });
}

/** `WORKERS` loops of `once(worker)` for `SECONDS`: completions per second. */
async function rate(once) {
  const until = Date.now() + SECONDS * 1000;
  let done = 0;
  const started = Date.now();
  await Promise.all(Array.from({ length: WORKERS }, async (_, w) => {
    while (Date.now() < until) {
      await once(w);
      done++;
    }
  }));
  return done / ((Date.now() - started) / 1000);
}

/** `MESSAGES` QoS 1 publishes to `topic` from one mosquitto_pub: per second. */
function publishRate(cred, topic) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const p = spawn("mosquitto_pub", ["-h", "127.0.0.1", "-p", mqttPort, "-u", cred.userName, "-P", cred.password,
      "-i", cred.clientId, "-t", topic, "-q", "1", "-l"], { stdio: ["pipe", "ignore", "inherit"] });
    p.on("exit", (code) => code === 0
      ? resolve(MESSAGES / ((Date.now() - started) / 1000))
      : reject(new Error(`mosquitto_pub exited ${code}`)));
    p.stdin.end(`${"x".repeat(63)}\n`.repeat(MESSAGES));
  });
}

const tokens = await Promise.all(Array.from({ length: WORKERS }, (_, w) =>
  api("credentials", { clientId: `bench-w${w}`, expiresInSeconds: 3600 })));
const statics = await api("static-credentials", { name: "bench" });

const result = {
  jwtConnects: await rate(async (w) => {
    if (await attempt({ username: "", password: tokens[w].token, clientId: tokens[w].clientId }) !== "connected") {
      throw new Error("a JWT connection was refused");
    }
  }),
  staticRefusals: await rate(async () => {
    if (await attempt({ username: statics.userName, password: "wrong", clientId: statics.clientId }) !== "refused") {
      throw new Error("a wrong password was accepted");
    }
  }),
  publishes: await publishRate(statics, `${PREFIX}/bench`),
  refusedPublishes: await publishRate(statics, `tillor/local/not-${org}/integration/bench`),
};
console.log(JSON.stringify(result));
