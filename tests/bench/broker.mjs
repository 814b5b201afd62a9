// One run of the broker bench against a running local stack: how many
// connections, refusals and publishes Mosquitto with our plugin handles per
// second. scripts/bench broker runs it with the broker's events on and off
// and compares. The client is MQTT.js. Prints one JSON line; asserts nothing.
// Usage: TILLOR_TOOLS=<repo>/tools node broker.mjs BASE ORG KEY MQTT_PORT
import { createRequire } from "node:module";

const mqtt = createRequire(`${process.env.TILLOR_TOOLS}/`)("mqtt");
const [base, org, key, mqttPort] = process.argv.slice(2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 16);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200000);
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

/**
 * `MESSAGES` QoS 0 publishes to `topic` from one MQTT.js client, then one
 * QoS 1 publish inside the namespace: the broker handles a connection's
 * packets in order, so its PUBACK says every publish before it was handled.
 * Per second, as the broker handled them.
 */
function publishRate(cred, topic) {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(URL, { username: cred.userName, password: cred.password, clientId: cred.clientId,
      protocolVersion: 4, reconnectPeriod: 0 });
    c.once("error", reject);
    c.once("connect", () => {
      const payload = Buffer.alloc(64, "x");
      const started = Date.now();
      for (let i = 0; i < MESSAGES; i++) c.publish(topic, payload, { qos: 0 });
      c.publish(`${PREFIX}/bench/done`, "done", { qos: 1 }, (err) => {
        if (err) return reject(err);
        const rate = MESSAGES / ((Date.now() - started) / 1000);
        c.end(false, () => resolve(rate));
      });
    });
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
