// The benchmark page (bench/run.mjs drives it). `?engine=` picks one of:
//   kiln-js, kiln-python, kiln-wasm   Kiln through embed.js's Kiln.run (each in its own worker)
//   quickjs                           quickjs-emscripten (release-sync variant), on this thread
//   pyodide                           Pyodide, on this thread
//   browser-js                        the browser's own JS engine, on this thread
//   native-wasm                       WebAssembly.instantiate with a minimal WASI fd_write
// On load it starts the engine and prints a hello world; `window.benchReady` resolves with the
// time of the first output (ms since navigation started). Then `window.bench.run(code)` runs one
// program and reports its own duration, measured here so loading is excluded.

const engine = new URLSearchParams(location.search).get("engine");

// ---- Responsiveness: the longest main-thread task and the largest gap between timer ticks.
const TICK_MS = 5;
const tasks = [];
new PerformanceObserver((list) => tasks.push(...list.getEntries())).observe({ type: "longtask", buffered: true });
let lastTick = performance.now();
let maxGap = 0;
setInterval(() => {
  const now = performance.now();
  maxGap = Math.max(maxGap, now - lastTick);
  lastTick = now;
}, TICK_MS);
let windowStart = 0;
function resetMonitor() {
  windowStart = performance.now();
  lastTick = windowStart;
  maxGap = 0;
}
// Read after a pause, so a gap that ended with the run and the observer's entries are counted.
async function readMonitor() {
  await new Promise((resolve) => setTimeout(resolve, 60));
  const longest = tasks
    .filter((t) => t.startTime + t.duration >= windowStart)
    .reduce((max, t) => Math.max(max, t.duration), 0);
  return { longestTaskMs: longest, maxTimerGapMs: maxGap };
}

// ---- Engines: each is {hello(onFirstOutput) → output, run(code) → {ms, output}}.
const KILN_LANGUAGE = { "kiln-js": "js", "kiln-python": "python", "kiln-wasm": "wasm" };

async function programBytes(name) {
  const response = await fetch(`../programs/${name}.wasm`);
  return new Uint8Array(await response.arrayBuffer());
}

function wasi(memory, write) {
  return {
    wasi_snapshot_preview1: {
      fd_write(fd, iovs, count, written) {
        const view = new DataView(memory().buffer);
        let total = 0;
        for (let i = 0; i < count; i++) {
          const ptr = view.getUint32(iovs + 8 * i, true);
          const len = view.getUint32(iovs + 8 * i + 4, true);
          write(new TextDecoder().decode(new Uint8Array(memory().buffer, ptr, len)));
          total += len;
        }
        view.setUint32(written, total, true);
        return 0;
      },
    },
  };
}

const engines = {
  async kiln(lang) {
    const { default: Kiln } = await import("../kiln/embed.js");
    const run = async (code, onOutput) => {
      const outcome = await Kiln.run({ language: lang, code, timeoutMs: 600000, onOutput });
      if (outcome.status !== "ok") throw new Error(`Kiln ${lang}: ${outcome.status} ${outcome.stderr}`);
      return outcome;
    };
    return {
      Kiln,
      async hello(first, code) {
        return (await run(code, first)).stdout;
      },
      async run(code) {
        const outcome = await run(code);
        return { ms: outcome.durationMs, output: outcome.stdout };
      },
    };
  },
  async quickjs() {
    const { load } = await import("../peers/quickjs/quickjs.js");
    const QuickJS = await load();
    const evaluate = (code, write) => {
      const vm = QuickJS.newContext();
      try {
        const log = vm.newFunction("log", (...args) => {
          write(args.map((a) => vm.getString(a)).join(" ") + "\n");
        });
        const console = vm.newObject();
        vm.setProp(console, "log", log);
        vm.setProp(vm.global, "console", console);
        log.dispose();
        console.dispose();
        const result = vm.evalCode(code);
        if (result.error) {
          const error = vm.dump(result.error);
          result.error.dispose();
          throw new Error(`quickjs: ${JSON.stringify(error)}`);
        }
        result.value.dispose();
      } finally {
        vm.dispose();
      }
    };
    return {
      async hello(first, code) {
        let out = "";
        evaluate(code, (text) => (first(), (out += text)));
        return out;
      },
      async run(code) {
        let out = "";
        const started = performance.now();
        evaluate(code, (text) => (out += text));
        return { ms: performance.now() - started, output: out };
      },
    };
  },
  async pyodide() {
    const { loadPyodide } = await import("../peers/pyodide/pyodide.mjs");
    let write = () => {};
    const pyodide = await loadPyodide({
      indexURL: new URL("../peers/pyodide/", location.href).href,
      stdout: (line) => write(line + "\n"),
      stderr: (line) => write(line + "\n"),
    });
    const run = (code) => {
      // A fresh namespace per program, as each Kiln run gets.
      const globals = pyodide.globals.get("dict")();
      try {
        pyodide.runPython(code, { globals });
      } finally {
        globals.destroy();
      }
    };
    return {
      async hello(first, code) {
        let out = "";
        write = (text) => (first(), (out += text));
        run(code);
        return out;
      },
      async run(code) {
        let out = "";
        write = (text) => (out += text);
        const started = performance.now();
        run(code);
        return { ms: performance.now() - started, output: out };
      },
    };
  },
  async "browser-js"() {
    const evaluate = (code, write) => {
      const console = { log: (...args) => write(args.join(" ") + "\n") };
      new Function("console", code)(console);
    };
    return {
      async hello(first, code) {
        let out = "";
        evaluate(code, (text) => (first(), (out += text)));
        return out;
      },
      async run(code) {
        let out = "";
        const started = performance.now();
        evaluate(code, (text) => (out += text));
        return { ms: performance.now() - started, output: out };
      },
    };
  },
  async "native-wasm"() {
    const start = async (bytes, write) => {
      let memory;
      const { instance } = await WebAssembly.instantiate(bytes, wasi(() => memory, write));
      memory = instance.exports.memory;
      return instance;
    };
    return {
      async hello(first, bytes) {
        let out = "";
        (await start(bytes, (text) => (first(), (out += text)))).exports._start();
        return out;
      },
      // Like Kiln's durationMs, the program's own time: instantiated first, then timed.
      async run(bytes) {
        let out = "";
        const instance = await start(bytes, (text) => (out += text));
        const started = performance.now();
        instance.exports._start();
        return { ms: performance.now() - started, output: out };
      },
    };
  },
};

const HELLO = { js: 'console.log("hi")', python: 'print("hi")' };

async function start() {
  resetMonitor();
  const lang = KILN_LANGUAGE[engine];
  const adapter = lang ? await engines.kiln(lang) : await engines[engine]();
  const wasmLike = engine === "kiln-wasm" || engine === "native-wasm";
  const pythonLike = engine === "kiln-python" || engine === "pyodide";
  const hello = wasmLike ? await programBytes("hello") : HELLO[pythonLike ? "python" : "js"];
  let firstOutputMs = null;
  const output = await adapter.hello(() => (firstOutputMs ??= performance.now()), hello);
  const load = await readMonitor();
  window.bench = {
    /** Runs a program (source text, or the name of a compiled one for the wasm engines). */
    async run(code, { monitor = false } = {}) {
      const program = wasmLike ? await programBytes(code) : code;
      resetMonitor();
      const result = await adapter.run(program);
      return monitor ? { ...result, ...(await readMonitor()) } : result;
    },
    /** Kiln only: a runaway stopped by its time limit, then the next run's first output. */
    async stopAndRecover(runaway, timeoutMs) {
      const started = performance.now();
      const stopped = await adapter.Kiln.run({ language: lang, code: runaway, timeoutMs });
      const status = performance.now();
      let next = null;
      await adapter.Kiln.run({ language: lang, code: hello, onOutput: () => (next ??= performance.now()) });
      return {
        status: stopped.status,
        limit: stopped.limit,
        limitToStatusMs: status - (started + timeoutMs),
        statusToNextOutputMs: next - status,
      };
    },
  };
  return { firstOutputMs, output, ...load };
}

window.benchReady = start().catch((error) => ({ error: String(error?.stack ?? error) }));
