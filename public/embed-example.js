// How a host page embeds the console: load the module, then call
// mountTillorConsole(element, config). The host's config wins over
// /config.json; what it leaves out (here the API key) the console asks for.
// (A file, not an inline script: the console's Content-Security-Policy,
// which this page is served under, allows no inline scripts.)
import init, { mountTillorConsole } from "/tillor-console.js";
await init({ module_or_path: "/tillor-console_bg.wasm" });
mountTillorConsole(document.getElementById("host-slot"), {
  language: "en",
  apiBase: "",
});
document.body.dataset.mounted = "true";
