// Kiln's page-side loader (CONTRACTS.md, "JavaScript: embed.js"): window.Kiln.run / check / ready /
// upgrade / stop, the <kiln-run> element, auto-upgrade on load and the service worker (sw.js).
// No runtime lives here: each language runs in its own module worker (worker.js), created on
// first use, with a warm spare so a run stopped by its time limit is followed at once by the next.
// The cell UI (cell.js, with the editor bundle and CSS) is loaded only when the page has a cell.
// Messages follow kiln_core::protocol (JSON text, snake_case); the API returns camelCase.
const PROTOCOL_VERSION = 1;
const base = new URL("./", import.meta.url);
const NAMES = { js: "js", javascript: "js", python: "python", py: "python", wasm: "wasm", wat: "wasm" };
const TIME_NOTICE =
  "kiln: time limit reached: the program ran too long (an endless loop?); raise the timeout if it needs more time\n";
// The worker stops a program that writes past its deadline itself; a silent one is terminated
// this long after the deadline.
const GRACE_MS = 100;
const modules = {};
const pools = {};
const progress = {};
let nextId = 1;

function language(name) {
  const lang = NAMES[String(name ?? "").toLowerCase()];
  if (!lang) throw new Error(`unknown language \`${name}\`: use js, python or wasm`);
  return lang;
}

function report(lang, bytes, total) {
  progress[lang] = { bytes, total };
  for (const f of pools[lang]?.listeners ?? []) f({ language: lang, bytes, total });
  globalThis.dispatchEvent?.(new CustomEvent("kiln-progress", { detail: { language: lang, bytes, total } }));
}

// The runtime's module: downloaded once with progress, compiled once, shared by its workers.
function compile(lang) {
  return (modules[lang] ??= (async () => {
    const response = await fetch(new URL(`pkg/worker-${lang}/kiln_worker_bg.wasm`, base));
    if (!response.ok) throw new Error(`the ${lang} runtime could not be downloaded (${response.status})`);
    const total = Number(response.headers.get("content-length")) || null;
    const reader = response.body.getReader();
    const parts = [];
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      bytes += value.length;
      report(lang, bytes, total);
    }
    return WebAssembly.compile(await new Blob(parts).arrayBuffer());
  })());
}

function spawn(lang) {
  const worker = new Worker(new URL(`worker.js?lang=${lang}`, base), { type: "module" });
  const slot = { lang, worker, pending: new Map(), queue: Promise.resolve() };
  slot.ready = new Promise((resolve, reject) => {
    slot.resolve = resolve;
    slot.reject = reject;
  });
  slot.ready.catch(() => {
    // A runtime that cannot start: forget it, so a later call tries again.
    worker.terminate();
    slot.dead = true;
    if (pools[lang]?.current === slot) delete pools[lang];
    else if (pools[lang]?.spare === slot) pools[lang].spare = null;
    delete modules[lang];
  });
  worker.onmessage = (event) => receive(slot, JSON.parse(event.data));
  worker.onerror = (event) => slot.reject(new Error(`the ${lang} worker failed: ${event.message ?? "error"}`));
  worker.postMessage(JSON.stringify({ type: "load", version: PROTOCOL_VERSION }));
  compile(lang).then((module) => worker.postMessage({ module }), slot.reject);
  return slot;
}

function receive(slot, message) {
  const job = slot.pending.get(message.id);
  switch (message.type) {
    case "ready":
      return slot.resolve(message);
    case "progress":
      return report(slot.lang, message.bytes, message.total);
    case "output":
      if (!job || job.over) return;
      job[message.stream] += message.chunk;
      return job.onOutput?.(message.stream, message.chunk);
    case "done":
    case "checked":
      if (!job) return;
      slot.pending.delete(message.id);
      return job.finish(message);
    case "failed":
      if (!job) return slot.reject(new Error(message.message));
      slot.pending.delete(message.id);
      replace(slot);
      return job.finish({ outcome: stopped(job, "error", 1, null, `kiln: ${message.message}\n`) });
  }
}

function pool(lang) {
  const p = (pools[lang] ??= { current: spawn(lang), spare: null, listeners: new Set() });
  // Once the first worker is up, keep a second one warm.
  p.current.ready.then(() => (p.spare ??= spawn(lang)), () => {});
  return p;
}

// Terminates a worker (a runaway program, a trap) and promotes the warm spare in its place.
function replace(slot) {
  const p = pools[slot.lang];
  slot.dead = true;
  slot.worker.terminate();
  for (const job of slot.pending.values()) job.finish({ outcome: stopped(job, "error", 1, null, "kiln: the worker was restarted\n") });
  slot.pending.clear();
  if (p?.current !== slot) return;
  p.current = p.spare && !p.spare.dead ? p.spare : spawn(slot.lang);
  p.spare = null;
  p.current.ready.then(() => (p.spare ??= spawn(slot.lang)), () => {});
}

function stopped(job, status, exitCode, limit, notice) {
  return {
    status, exit_code: exitCode, stdout: job.stdout, stderr: job.stderr + notice,
    duration_ms: Math.round(performance.now() - job.started), limit, diagnostics: [],
  };
}

const camelDiagnostic = (d) => ({
  severity: d.severity, code: d.code, message: d.message, line: d.line ?? null,
  column: d.column ?? null, endLine: d.end_line ?? null, endColumn: d.end_column ?? null,
});

function camelOutcome(o) {
  const outcome = {
    status: o.status, exitCode: o.exit_code, stdout: o.stdout, stderr: o.stderr,
    durationMs: o.duration_ms, limit: o.limit ?? null, diagnostics: (o.diagnostics ?? []).map(camelDiagnostic),
  };
  if (o.stopped) outcome.stopped = true;
  if (o.files_written?.length) {
    outcome.filesWritten = o.files_written.map((f) => ({ path: f.path, contents: new Uint8Array(f.contents) }));
  }
  return outcome;
}

// Sends one message to the language's current worker, after the jobs before it (a worker runs one
// program at a time, and a run's clock starts when it is sent).
function send(lang, message, job, timeoutMs) {
  const slot = pool(lang).current;
  let done;
  const result = new Promise((resolve) => (job.finish = done = resolve));
  slot.queue = slot.queue.then(async () => {
    // The worker was replaced while this waited: go to its successor.
    if (slot.dead) return done(await send(lang, message, job, timeoutMs));
    await slot.ready;
    if (job.over) return; // stopped while it waited
    job.started = performance.now();
    job.slot = slot;
    job.id = message.id;
    slot.pending.set(message.id, job);
    slot.worker.postMessage(JSON.stringify(message));
    if (timeoutMs != null) {
      const timer = setTimeout(() => {
        if (!slot.pending.delete(message.id)) return;
        replace(slot);
        const outcome = stopped(job, "limit", 124, "time", TIME_NOTICE);
        outcome.duration_ms = timeoutMs;
        job.finish({ outcome });
      }, timeoutMs + GRACE_MS);
      result.then(() => clearTimeout(timer));
    }
    await result;
  });
  slot.queue.catch((err) => job.finish({ error: err }));
  return result;
}

const bytes = (value) => Array.from(typeof value === "string" ? new TextEncoder().encode(value) : value ?? []);

// Ends a job at once: a running one by terminating its worker (the warm spare takes over), a
// queued one by dropping it. Its outcome: status "error", exit code 130, `stopped: true`.
function abort(job) {
  if (job.over) return;
  job.over = true;
  const outcome = stopped(job, "error", 130, null, "kiln: stopped\n");
  outcome.stopped = true;
  if (!job.started) outcome.duration_ms = 0;
  if (job.slot?.pending.delete(job.id)) replace(job.slot);
  job.finish?.({ outcome });
}

/** Stops every run of `language` (or of every language) now; their promises resolve as stopped. */
export function stop(name) {
  for (const job of [...active]) if (name == null || job.lang === language(name)) abort(job);
}
const active = new Set();

/**
 * Runs a program: `{language, code, stdin?, timeoutMs?, files?, limits?, onOutput?, signal?}` →
 * the outcome, like `kiln run --json` in camelCase. `files` is `{path: text|Uint8Array}` or
 * `[{path, contents}]`; `limits` may lower the engine budgets (`{steps, memoryBytes,
 * outputBytes}`, each optional); `onOutput(stream, chunk)` sees output while the program runs;
 * aborting `signal` (an AbortSignal) stops the run like `Kiln.stop`.
 */
export async function run({ language: name, code, stdin = "", timeoutMs = 10000, files = [], fileName = null, limits = {}, onOutput, signal } = {}) {
  const lang = language(name);
  const list = Array.isArray(files) ? files : Object.entries(files).map(([path, contents]) => ({ path, contents }));
  const request = {
    language: lang,
    code: typeof code === "string" ? { kind: "text", value: code } : { kind: "binary", value: Array.from(code) },
    file_name: fileName,
    files: list.map((f) => ({ path: f.path, contents: bytes(f.contents) })),
    stdin: bytes(stdin),
    limits: {
      wall_time_ms: timeoutMs,
      steps: limits.steps ?? 1e9,
      memory_bytes: limits.memoryBytes ?? 512 * 1024 * 1024,
      output_bytes: limits.outputBytes ?? 1024 * 1024,
    },
    entry: null,
  };
  const job = { lang, stdout: "", stderr: "", onOutput };
  const answer = send(lang, { type: "run", id: nextId++, request }, job, timeoutMs);
  const onAbort = () => abort(job);
  active.add(job);
  signal?.addEventListener("abort", onAbort);
  if (signal?.aborted) onAbort();
  const settled = await answer.finally(() => {
    job.over = true;
    active.delete(job);
    signal?.removeEventListener("abort", onAbort);
  });
  if (settled.error) throw settled.error;
  return camelOutcome(settled.outcome);
}

/**
 * Analyses a program without running it: `{language?, code, fileName?, workspaceFiles?}` →
 * `{language, runner, diagnostics, imports}` (`workspaceFiles`: the paths of the other files, so
 * imports of them are not reported missing). Without a language the (small) WebAssembly worker
 * detects it, and the detected language's worker checks the syntax.
 */
export async function check({ language: name, code, fileName = null, workspaceFiles = [] } = {}) {
  const lang = name == null ? null : language(name);
  const ask = async (worker, hint) => {
    const message = {
      type: "check", id: nextId++, language: hint, file_name: fileName, workspace_files: workspaceFiles,
      code: typeof code === "string" ? { kind: "text", value: code } : { kind: "binary", value: Array.from(code) },
    };
    const answer = await send(worker, message, { stdout: "", stderr: "" });
    if (answer.error || answer.outcome) throw answer.error ?? new Error(answer.outcome.stderr);
    return { language: answer.language, runner: answer.runner, diagnostics: answer.diagnostics.map(camelDiagnostic), imports: answer.imports };
  };
  const first = await ask(lang ?? "wasm", lang);
  return !lang && first.language && first.language !== "wasm" ? ask(first.language, first.language) : first;
}

/**
 * Resolves with `{language, runner, modules}` once the language's runtime is loaded and started;
 * `onProgress({language, bytes, total})` (and `kiln-progress` events on window) report the download.
 */
export function ready(name, onProgress) {
  const lang = language(name);
  const p = pool(lang);
  if (onProgress) {
    p.listeners.add(onProgress);
    if (progress[lang]) onProgress({ language: lang, ...progress[lang] });
  }
  return p.current.ready.then(
    (m) => (p.listeners.delete(onProgress), { language: m.language, runner: m.runner, modules: m.modules }),
    (err) => (p.listeners.delete(onProgress), Promise.reject(err)),
  );
}

// ---- Cells: <kiln-run>, upgrade, auto-upgrade. The UI itself lives in cell.js (lazy).
const BLOCKS = ["python", "py", "javascript", "js", "wat"].map((l) => `pre > code.language-${l}`).join();
let cellModule;
const cells = () => (cellModule ??= import(new URL("cell.js", base).href));
const mount = (el) => cells().then((m) => m.mount(el, Kiln));

/**
 * Turns `pre > code.language-*` blocks under `root` into <kiln-run> cells. With `root` =
 * document only blocks inside `[data-kiln]` are upgraded, unless `options.all`; under any other
 * root, every block is. `options.editable|autorun|timeout|group|theme` set cells' defaults; a
 * block's `<pre data-editable data-autorun data-timeout="…" data-group="…" data-theme="…">`
 * overrides them, and a `<script type="text/x-kiln-check">` right after the <pre> becomes the
 * cell's check. Returns the new cells.
 */
export function upgrade(root = document, options = {}) {
  const all = options.all ?? root !== document;
  const made = [];
  for (const code of root.querySelectorAll(BLOCKS)) {
    const pre = code.parentElement;
    if ((!all && !pre.closest("[data-kiln]")) || pre.closest("kiln-run")) continue;
    const cell = document.createElement("kiln-run");
    cell.setAttribute("lang", /language-(\w+)/.exec(code.className)[1]);
    for (const a of ["editable", "autorun", "timeout", "group", "theme"]) {
      const v = pre.dataset[a] ?? options[a];
      if (v != null && v !== false) cell.setAttribute(a, v === true ? "" : v);
    }
    // The <pre> stays inside, unchanged, until the cell's UI replaces it at the same height.
    cell.style.setProperty("--kiln-height", `${pre.getBoundingClientRect().height}px`);
    const check = pre.nextElementSibling;
    pre.replaceWith(cell);
    cell.append(pre);
    if (check?.matches('script[type="text/x-kiln-check"]')) cell.append(check);
    made.push(cell);
  }
  return made;
}

// The code a cell was written with: its text without the check script.
const source = (el) =>
  [...el.childNodes].filter((n) => n.nodeName !== "SCRIPT").map((n) => n.textContent).join("").replace(/^\n|\s+$/g, "");

if (globalThis.customElements && !customElements.get("kiln-run")) {
  customElements.define("kiln-run", class extends HTMLElement {
    connectedCallback() {
      this.style.display ||= "block";
      mount(this);
    }
    /** Runs the cell: the same promise (and outcome) as Kiln.run. */
    run() {
      return mount(this).then((cell) => cell.run());
    }
    get code() {
      return this.kilnCell ? this.kilnCell.code : this.kilnCode ?? source(this);
    }
    set code(text) {
      if (this.kilnCell) this.kilnCell.code = text;
      else this.kilnCode = String(text);
    }
  });
}

const Kiln = { run, check, ready, upgrade, stop, version: PROTOCOL_VERSION, source };
globalThis.Kiln = Object.assign(globalThis.Kiln ?? {}, Kiln);
export default Kiln;

// ---- On load: auto-upgrade, and the service worker (offline use). Opt out with
// data-kiln-offline="off" on the script tag or <meta name="kiln-offline" content="off">.
if (globalThis.document) {
  const tag = [...document.querySelectorAll("script[src]")].find((s) => s.src === import.meta.url);
  const start = () => upgrade(document, { all: tag?.hasAttribute("data-kiln-auto") });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  const sw = navigator.serviceWorker;
  const off = tag?.dataset.kilnOffline === "off" || document.querySelector('meta[name="kiln-offline"][content="off"]');
  if (sw && !off && location.protocol !== "file:") {
    // Once sw.js controls the page, hand it what this page loaded before that, so a runtime
    // used on the first visit also works offline.
    const handOver = () =>
      sw.controller?.postMessage({
        type: "cache",
        urls: performance.getEntriesByType("resource").map((e) => e.name).filter((u) => u.startsWith(base.href)),
      });
    sw.addEventListener("controllerchange", handOver);
    sw.register(new URL("sw.js", base).href, { type: "classic" }).catch(() => {});
  }
}
