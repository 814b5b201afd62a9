// MQTT.js (npm `mqtt`), the client browser integrations use, as a test peer:
// connects over WebSocket (subprotocol mqtt) with the given credentials,
// subscribes, prints "ready", then prints the first message as "topic payload".
// Usage: TILLOR_TOOLS=<repo>/tools node mqttjs-receive.mjs URL CLIENT_ID USERNAME PASSWORD FILTER
import { createRequire } from "node:module";

// ES modules ignore NODE_PATH: load MQTT.js from tools/node_modules explicitly.
const mqtt = createRequire(`${process.env.TILLOR_TOOLS}/`)("mqtt");

const [url, clientId, username, password, filter] = process.argv.slice(2);
const client = mqtt.connect(url, {
  clientId,
  username, // "" is sent as an empty username, as the JWT rules require
  password,
  protocolVersion: 4,
  reconnectPeriod: 0,
  connectTimeout: 5000,
});
const fail = (why) => {
  console.error(why);
  process.exit(2);
};
setTimeout(() => fail("timeout"), 15000);
client.on("error", (e) => fail(`error: ${e.message}`));
client.on("connect", () => {
  client.subscribe(filter, { qos: 1 }, (err, granted) => {
    if (err) fail(`subscribe: ${err.message}`);
    if (granted[0].qos === 128) fail("subscribe refused (SUBACK 0x80)");
    console.log("ready");
  });
});
client.on("message", (topic, payload) => {
  console.log(`${topic} ${payload.toString()}`);
  client.end(false, () => process.exit(0));
});
