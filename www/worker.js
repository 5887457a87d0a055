// Kiln runner worker: a module worker started by embed.js as `worker.js?lang=js|python|wasm`.
// It loads that language's kiln-worker build (wasm-bindgen `--target web` output in
// pkg/worker-<lang>/) and passes protocol messages (JSON text, see kiln_core::protocol) to it.
//
// The page first posts `{module}`: the runtime's compiled WebAssembly.Module, shared by every
// worker of the language so a respawn costs no download or compile. JSON messages that arrive
// before the runtime has started wait in order. Answers come back as JSON text.
const lang = new URL(self.location.href).searchParams.get("lang");
const waiting = [];
let runtime = null;

const fail = (id, message) =>
  self.postMessage(JSON.stringify({ type: "failed", id, message }));

async function start(module) {
  try {
    if (!/^(js|python|wasm)$/.test(lang)) throw new Error(`unknown language ${lang}`);
    const dir = `./pkg/worker-${lang}/`;
    const glue = await import(`${dir}kiln_worker.js`);
    await glue.default({
      module_or_path: module || new URL(`${dir}kiln_worker_bg.wasm`, import.meta.url),
    });
    runtime = new glue.KilnWorker(
      (json) => self.postMessage(json),
      new URL("./pylib/", import.meta.url).href,
    );
    for (const json of waiting.splice(0)) dispatch(json);
  } catch (err) {
    fail(null, `the ${lang} runtime could not start: ${err}`);
  }
}

function dispatch(json) {
  try {
    runtime.handle(json);
  } catch (err) {
    // A trap (a bug, or the native stack exhausted): this instance is done; the page replaces
    // the worker when it sees `failed` for a run.
    let id = null;
    try {
      id = JSON.parse(json).id ?? null;
    } catch {}
    runtime = null;
    fail(id, `the ${lang} runtime stopped: ${err}`);
  }
}

self.onmessage = (event) => {
  if (typeof event.data !== "string") start(event.data && event.data.module);
  else if (runtime) dispatch(event.data);
  else waiting.push(event.data);
};
