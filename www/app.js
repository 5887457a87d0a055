// The app's bootstrap (index.html; no inline scripts, the page runs under a strict CSP): the Kiln
// host (embed.js: runs and checks code in workers, registers the service worker), the editor
// interop (app-editor.js) and the app itself (kiln-app, built into pkg/app/), started in #app.
import Kiln from "./embed.js";
import * as editor from "./app-editor.js";
import init, { start } from "./pkg/app/kiln_app.js";

const root = document.getElementById("app");
try {
  await init();
  root.replaceChildren();
  // Resolves once the sessions are open (IndexedDB) and the app is drawn.
  await start(root, Kiln, editor);
} catch (err) {
  root.replaceChildren();
  const p = document.createElement("p");
  p.className = "boot";
  p.setAttribute("role", "alert");
  p.textContent = `Kiln could not start (${err?.message ?? err}). Reload the page; if that does not help, clear this site's data and reload.`;
  root.append(p);
}
