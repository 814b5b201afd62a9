// Starts the standalone console: the glue module, then its wasm, whose main()
// mounts the console (a host page embeds it with mountTillorConsole instead,
// see embed-example.html). Out of line so that a Content-Security-Policy needs
// no hash for an inline script. scripts/build-wasm makes both files.
import init from "./tillor-console.js";

try {
  await init({ module_or_path: new URL("./tillor-console_bg.wasm", import.meta.url) });
} catch (error) {
  // Nothing of the console runs yet, so this is the only text it can show.
  const root = document.getElementById("tillor-console");
  if (root) {
    root.setAttribute("role", "alert");
    root.dataset.bootFailed = "true";
    root.textContent = document.documentElement.lang === "en"
      ? "The console could not load. Check the connection and reload the page."
      : "De console kon niet laden. Controleer de verbinding en laad de pagina opnieuw.";
  }
  throw error;
}
