// `cargo xtask bench`'s harness: Kiln measured against Pyodide, quickjs-emscripten and the
// browser's own engines, in one run of headless Chromium, interleaved, medians of several samples
// (every cold sample in a fresh browser context). See ../BENCHMARKS.md for the method.
//
//   node bench/run.mjs [--dist DIR] [--out DIR] [--samples N]
//
// Writes DIR/results.json and DIR/results.md (DIR defaults to $CARGO_TARGET_DIR/bench) and prints
// the table. Chromium: /usr/bin/chromium unless KILN_BENCH_CHROMIUM says otherwise.

import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { build as esbuild } from "esbuild";
import { chromium } from "playwright-core";
import wabtInit from "wabt";

import * as programs from "./programs.mjs";
import { report } from "./report.mjs";
import { serve, brotliSize } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const { values: args } = parseArgs({
  options: {
    dist: { type: "string", default: join(root, "dist") },
    out: { type: "string" },
    samples: { type: "string", default: process.env.KILN_BENCH_SAMPLES ?? "5" },
  },
});
const targetDir = process.env.CARGO_TARGET_DIR ?? join(homedir(), ".cache/kiln/target");
const out = resolve(args.out ?? join(targetDir, "bench"));
const builtDist = resolve(args.dist);
const SAMPLES = Math.max(1, Number(args.samples) || 5);
const say = (text) => console.log(`bench: ${text}`);

if (!existsSync(join(builtDist, "embed.js"))) {
  throw new Error(`${builtDist} has no embed.js: build the site first (cargo xtask build), or pass --dist`);
}
const startedAt = Date.now();
const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(0)}s`;

// ---- Served files: the peers' bundles and the wasm programs, under OUT/serve, and a snapshot of
// dist/ (another build, such as the e2e tests' light one, may rewrite dist/ while this runs).
const serveDir = join(out, "serve");
const dist = join(serveDir, "dist");
say(`copying ${builtDist} to ${dist} (the build measured, kept still during the run)`);
rmSync(dist, { recursive: true, force: true });
cpSync(builtDist, dist, { recursive: true });
mkdirSync(join(serveDir, "quickjs"), { recursive: true });
mkdirSync(join(serveDir, "programs"), { recursive: true });

say("bundling quickjs-emscripten for the browser (esbuild, minified, like a site would ship it)");
await esbuild({
  entryPoints: [join(here, "pages/quickjs-entry.mjs")],
  bundle: true,
  splitting: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: "es2020",
  outdir: join(serveDir, "quickjs"),
  entryNames: "quickjs",
  logLevel: "warning",
});
const quickjsWasm = join(here, "node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm");
copyFileSync(quickjsWasm, join(serveDir, "quickjs/emscripten-module.wasm"));

say("compiling the WebAssembly programs from WAT (wabt)");
const wabt = await wabtInit();
for (const [name, source] of [["hello", programs.HELLO_WAT], ...programs.WASM_SUITE]) {
  const module = wabt.parseWat(`${name}.wat`, source);
  module.validate();
  writeFileSync(join(serveDir, "programs", `${fileName(name)}.wasm`), module.toBinary({}).buffer);
  module.destroy();
}

function fileName(name) {
  return name === "hello" ? "hello" : name.replace(/[^a-z0-9]+/gi, "-").replace(/-$/, "");
}

const server = await serve({
  "/bench/": join(here, "pages"),
  "/kiln/": dist,
  "/peers/pyodide/": join(here, "node_modules/pyodide"),
  "/peers/quickjs/": join(serveDir, "quickjs"),
  "/programs/": join(serveDir, "programs"),
});
say(`serving on ${server.url} (dist: ${dist})`);

const executablePath = process.env.KILN_BENCH_CHROMIUM ?? "/usr/bin/chromium";
say(`launching ${executablePath} (headless, through playwright-core)`);
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
say(`Chromium ${browser.version()}; ${SAMPLES} samples per measure`);

const results = {
  date: new Date().toISOString(),
  chromium: browser.version(),
  samples: SAMPLES,
  cold: {},
  throughput: {},
  imports: {},
  responsiveness: {},
  stopRecover: {},
  analyzer: {},
  sizes: {},
  storage: null,
};
const push = (object, key, value) => (object[key] ??= []).push(value);

// Bytes a cold page load transferred for the engine itself (not the benchmark's own page).
function engineBytes(log) {
  const counted = log.filter((r) => r.path.startsWith("/kiln/") || r.path.startsWith("/peers/"));
  return {
    raw: counted.reduce((n, r) => n + r.bytes, 0),
    brotli: counted.reduce((n, r) => n + r.brotli, 0),
    files: counted.map((r) => r.path),
  };
}

async function open(engine) {
  // No service worker: it would precache the app shell and blur what a first run transfers.
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  page.on("pageerror", (error) => say(`page error (${engine}): ${error.message}`));
  server.take();
  await page.goto(`${server.url}/bench/run.html?engine=${engine}`);
  const ready = await page.evaluate(() => window.benchReady);
  if (ready.error) throw new Error(`${engine} did not start: ${ready.error}`);
  const expected = "hi\n";
  if (ready.output !== expected) throw new Error(`${engine} printed ${JSON.stringify(ready.output)} instead of "hi"`);
  return { context, page, ready, bytes: engineBytes(server.take()) };
}

// A measure that fails (an engine crashes, refuses a program or prints a wrong answer) is recorded
// with its error and left out of the medians; the run goes on, the table lists the failures and
// the harness exits with an error at the end.
results.failures = [];
async function attempt(label, measure) {
  try {
    return await measure();
  } catch (error) {
    const message = String(error?.message ?? error).split("\n").slice(0, 4).join(" ");
    say(`FAILED: ${label}: ${message}`);
    results.failures.push({ measure: label, error: message });
    return null;
  }
}

// ---- Cold start, bytes, imports and load-time responsiveness: a fresh context per sample.
const COLD = ["kiln-js", "quickjs", "kiln-python", "pyodide", "kiln-wasm", "native-wasm"];
for (let sample = 0; sample < SAMPLES; sample++) {
  // Interleaved, and the order rotates so no engine always goes first.
  const order = COLD.map((_, i) => COLD[(i + sample) % COLD.length]);
  say(`[${elapsed()}] cold start, sample ${sample + 1}/${SAMPLES}: ${order.join(", ")}`);
  for (const engine of order) {
    const opened = await attempt(`cold start of ${engine}`, () => open(engine));
    if (!opened) continue;
    const { context, page, ready, bytes } = opened;
    push(results.cold, engine, {
      firstOutputMs: ready.firstOutputMs,
      bytes: bytes.raw,
      brotli: bytes.brotli,
      longestTaskMs: ready.longestTaskMs,
      maxTimerGapMs: ready.maxTimerGapMs,
    });
    if (sample === 0) results.sizes[engine] = { files: bytes.files };
    if (engine === "kiln-python" || engine === "pyodide") {
      await attempt(`imports on ${engine}`, async () => {
        const imported = await page.evaluate((code) => window.bench.run(code), programs.IMPORTS);
        const more = await page.evaluate((code) => window.bench.run(code), programs.IMPORTS_FIVE);
        const extra = engineBytes(server.take());
        push(results.imports, engine, {
          ms: imported.ms,
          fiveModulesBytes: bytes.raw + extra.raw,
          fiveModulesBrotli: bytes.brotli + extra.brotli,
          output: more.output,
        });
      });
    }
    await context.close();
  }
}

// ---- Throughput: one warm page per engine, programs interleaved across engines and samples.
const FAMILIES = [
  { language: "js", engines: ["kiln-js", "quickjs", "browser-js"], suite: programs.SUITE.map(([n, js]) => [n, js]) },
  { language: "python", engines: ["kiln-python", "pyodide"], suite: programs.SUITE.map(([n, , py]) => [n, py]) },
  { language: "wasm", engines: ["kiln-wasm", "native-wasm"], suite: programs.WASM_SUITE.map(([n]) => [n, fileName(n)]) },
];
for (const family of FAMILIES) {
  const pages = {};
  for (const engine of family.engines) {
    const opened = await attempt(`warm page of ${engine}`, () => open(engine));
    if (opened) pages[engine] = opened;
  }
  for (let sample = 0; sample < SAMPLES; sample++) {
    say(`[${elapsed()}] throughput (${family.language}), sample ${sample + 1}/${SAMPLES}`);
    for (const [name, code] of family.suite) {
      const runs = {};
      const order = family.engines.map((_, i) => family.engines[(i + sample) % family.engines.length]);
      for (const engine of order.filter((e) => pages[e])) {
        const kiln = engine.startsWith("kiln-");
        const run = await attempt(`${name} on ${engine}`, () =>
          pages[engine].page.evaluate(([program, monitor]) => window.bench.run(program, { monitor }), [code, kiln]),
        );
        if (run) runs[engine] = run;
      }
      // The answer most engines agree on (the browser's own engine or the peer breaks a tie).
      const votes = {};
      for (const run of Object.values(runs)) votes[run.output] = (votes[run.output] ?? 0) + 1;
      const reference = runs[family.engines.at(-1)]?.output;
      const answer = Object.keys(votes).sort((a, b) => votes[b] - votes[a] || (b === reference) - (a === reference))[0];
      for (const [engine, run] of Object.entries(runs)) {
        if (run.output !== answer) {
          const message = `printed ${JSON.stringify(run.output)}, expected ${JSON.stringify(answer)}`;
          say(`FAILED: ${name} on ${engine}: ${message}`);
          results.failures.push({ measure: `${name} on ${engine}`, error: message });
          continue;
        }
        push((results.throughput[name] ??= {}), engine, run.ms);
        if (engine.startsWith("kiln-")) {
          push(results.responsiveness, engine, { program: name, longestTaskMs: run.longestTaskMs, maxTimerGapMs: run.maxTimerGapMs });
        }
      }
    }
  }
  // ---- Stop and recover, on the warm Kiln page of this language.
  const kiln = pages[`kiln-${family.language}`];
  for (let sample = 0; kiln && sample < SAMPLES; sample++) {
    await attempt(`stop and recover (${family.language})`, async () => {
      const measured = await kiln.page.evaluate(
        ([runaway, timeoutMs]) => window.bench.stopAndRecover(runaway, timeoutMs),
        [programs.RUNAWAY[family.language], 1000],
      );
      if (measured.status !== "limit") {
        throw new Error(`a runaway ${family.language} program ended with ${measured.status}, not a limit`);
      }
      push(results.stopRecover, family.language, measured);
    });
  }
  for (const { context } of Object.values(pages)) await context.close();
}
await browser.close();
await server.close();

// ---- The analyzer (native): processor time per 1,000 lines.
say(`[${elapsed()}] analyzer: cargo run --release -p kiln-analyzer --example cpu_time`);
await attempt("analyzer (cargo run --example cpu_time)", () => {
  const analyzer = spawnSync(
    "cargo",
    ["run", "--release", "--quiet", "--ignore-rust-version", "-p", "kiln-analyzer", "--example", "cpu_time"],
    { cwd: root, encoding: "utf8", env: { ...process.env, CARGO_TARGET_DIR: targetDir } },
  );
  if (analyzer.status !== 0) throw new Error(`exit ${analyzer.status}: ${analyzer.stderr}`);
  for (const line of analyzer.stdout.split("\n")) {
    const match = /^(\S+)\s+([\d.]+) ms of processor time per 1,000 lines/.exec(line.trim());
    if (match) results.analyzer[match[1]] = Number(match[2]);
  }
  if (Object.keys(results.analyzer).length === 0) throw new Error(`unexpected output: ${analyzer.stdout}`);
});

// ---- Static sizes of the widget (deterministic; `cargo xtask test` checks them as budgets).
const weigh = (files) =>
  files.reduce((n, f) => n + brotliSize(f, readFileSync(f)), 0);
const editorFiles = readdirSync(join(dist, "editor")).map((f) => join(dist, "editor", f));
results.sizes.embedBrotli = weigh([join(dist, "embed.js")]);
results.sizes.widgetBrotli = weigh([join(dist, "embed.js"), join(dist, "cell.js"), join(dist, "cell.css"), ...editorFiles]);

// ---- Storage: kiln-web's IndexedDB benchmark (a wasm-bindgen test in Chromium), which
// `cargo xtask bench` runs first and leaves in storage.txt beside the results.
const storageFile = join(out, "storage.txt");
results.storage = existsSync(storageFile)
  ? readFileSync(storageFile, "utf8").trim()
  : "not measured (run through `cargo xtask bench`, which runs kiln-web's IndexedDB benchmark first)";

const { markdown, summary } = report(results);
results.summary = summary;
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "results.json"), JSON.stringify(results, null, 2) + "\n");
writeFileSync(join(out, "results.md"), markdown);
console.log(`\n${markdown}`);
say(`results: ${join(out, "results.json")} and ${join(out, "results.md")}`);
if (results.failures.length > 0) {
  say(`${results.failures.length} measure(s) failed (listed under the table); their rows are not measured`);
  process.exitCode = 1;
}
