// Kiln runner worker: a module worker started by embed.js as `worker.js?lang=js|python|wasm`.
// It loads that language's kiln-worker build (wasm-bindgen `--target web` output in
// pkg/worker-<lang>/) and passes protocol messages (JSON text, see kiln_core::protocol) to it.
//
// The page first posts `{module}`: the runtime's compiled WebAssembly.Module, shared by every
// worker of the language so a respawn costs no download or compile. JSON messages that arrive
// before the runtime has started wait in order. Answers come back as JSON text.
//
// Python: the library index (pylib/index.json) is fetched while the runtime starts. For a run or
// a check the runtime names the precompiled library units the program's imports need (its
// analyzer's imports, closed over the index); they are fetched in parallel here and handed over.
// A run waits for them, so imports during the run make no request; a check does not (an edited
// cell is checked before it is run, so its units are usually in by then). Messages are handled
// one at a time, in order.
const lang = new URL(self.location.href).searchParams.get("lang");
const pylib = new URL("./pylib/", import.meta.url);
const waiting = [];
let runtime = null;
let queue = Promise.resolve();

const fail = (id, message) =>
  self.postMessage(JSON.stringify({ type: "failed", id, message }));

async function start(module) {
  try {
    if (!/^(js|python|wasm)$/.test(lang)) throw new Error(`unknown language ${lang}`);
    const dir = `./pkg/worker-${lang}/`;
    // Without the index (offline and never cached, say) the runtime fetches it on first import.
    const index =
      lang === "python"
        ? fetch(new URL("index.json", pylib)).then((r) => (r.ok ? r.text() : undefined), () => undefined)
        : undefined;
    const glue = await import(`${dir}kiln_worker.js`);
    await glue.default({
      module_or_path: module || new URL(`${dir}kiln_worker_bg.wasm`, import.meta.url),
    });
    runtime = new glue.KilnWorker((json) => self.postMessage(json), pylib.href, await index);
    for (const json of waiting.splice(0)) enqueue(json);
  } catch (err) {
    fail(null, `the ${lang} runtime could not start: ${err}`);
  }
}

// One library unit into the runtime; a failed fetch is left to the import (which retries it).
async function provide(path) {
  try {
    const response = await fetch(new URL(path, pylib));
    if (response.ok) runtime?.provide(path, new Uint8Array(await response.arrayBuffer()));
  } catch {}
}

// Units being fetched, so a run right after a check waits for the same requests.
const inflight = new Map();
function fetchUnits(paths) {
  return Promise.all(
    paths.map((path) => {
      if (!inflight.has(path)) inflight.set(path, provide(path).finally(() => inflight.delete(path)));
      return inflight.get(path);
    }),
  );
}

function enqueue(json) {
  queue = queue.then(() => dispatch(json));
}

async function dispatch(json) {
  if (!runtime) return;
  try {
    const units = runtime.prefetch(json);
    if (units.length) {
      const fetched = fetchUnits(units);
      if (JSON.parse(json).type === "run") await fetched;
    }
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
  else if (runtime) enqueue(event.data);
  else waiting.push(event.data);
};
