// Turns the raw samples into medians, ratios to the peers measured in the same run, and the
// Markdown table with each target of issue 8 marked met or missed.

export const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const geomean = (values) => Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
const ms = (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + " ms" : "–");
const kib = (v) => (Number.isFinite(v) ? (v / 1024).toFixed(1) + " KiB" : "–");
const ratio = (v) => (Number.isFinite(v) ? v.toFixed(2) + "×" : "–");

export function report(r) {
  const cold = (engine, key) => median((r.cold[engine] ?? []).map((s) => s[key]));
  const imports = (engine, key) => median((r.imports[engine] ?? []).map((s) => s[key]));
  const speed = (program, engine) => median(r.throughput[program]?.[engine] ?? []);
  const suiteRatio = (programs, kiln, peer) => geomean(programs.map((p) => speed(p, kiln) / speed(p, peer)));
  const jsPrograms = Object.keys(r.throughput).filter((p) => r.throughput[p]["kiln-js"]);
  const wasmPrograms = Object.keys(r.throughput).filter((p) => r.throughput[p]["kiln-wasm"]);

  const kilnLoadTask = Math.max(...["kiln-js", "kiln-python", "kiln-wasm"].map((e) => cold(e, "longestTaskMs")));
  const runTasks = Object.values(r.responsiveness).flat().map((s) => s.longestTaskMs);
  const kilnRunTask = runTasks.length ? Math.max(...runTasks) : NaN;
  const recover = Object.fromEntries(
    Object.entries(r.stopRecover).map(([lang, s]) => [
      lang,
      {
        toStatus: median(s.map((x) => x.limitToStatusMs)),
        toNext: median(s.map((x) => x.statusToNextOutputMs)),
        total: median(s.map((x) => x.limitToStatusMs + x.statusToNextOutputMs)),
      },
    ]),
  );
  const worstRecover = Math.max(...Object.values(recover).map((x) => x.total));
  const worstAnalyzer = Math.max(...Object.values(r.analyzer));
  const wasmRatio = suiteRatio(wasmPrograms, "kiln-wasm", "native-wasm");

  // [measure, kiln, peer, value compared with the target, target, met]
  const rows = [
    ['Python: bytes a `print("hi")` transfers (brotli)', kib(cold("kiln-python", "brotli")), kib(cold("pyodide", "brotli")), cold("kiln-python", "brotli") / cold("pyodide", "brotli"), 0.45],
    ["Python: bytes for json, re, collections, math, itertools (brotli)", kib(imports("kiln-python", "fiveModulesBrotli")), kib(imports("pyodide", "fiveModulesBrotli")), imports("kiln-python", "fiveModulesBrotli") / imports("pyodide", "fiveModulesBrotli"), 0.6],
    ["Python: cold start to first output", ms(cold("kiln-python", "firstOutputMs")), ms(cold("pyodide", "firstOutputMs")), cold("kiln-python", "firstOutputMs") / cold("pyodide", "firstOutputMs"), 0.25],
    ["Python: `import json, re, collections`", ms(imports("kiln-python", "ms")), ms(imports("pyodide", "ms")), imports("kiln-python", "ms") / imports("pyodide", "ms"), 3],
    ["Python: throughput suite, geometric mean", "", "Pyodide", suiteRatio(jsPrograms, "kiln-python", "pyodide"), 3],
    ["JS: runtime bytes (brotli)", kib(cold("kiln-js", "brotli")), kib(cold("quickjs", "brotli")), cold("kiln-js", "brotli") / cold("quickjs", "brotli"), 2.5],
    ["JS: cold start to first output", ms(cold("kiln-js", "firstOutputMs")), ms(cold("quickjs", "firstOutputMs")), cold("kiln-js", "firstOutputMs") / cold("quickjs", "firstOutputMs"), 1],
    ["JS: throughput suite, geometric mean", "", "quickjs-emscripten", suiteRatio(jsPrograms, "kiln-js", "quickjs"), 4],
    ["WASM: throughput, no fuel (fuel metering is always on: the metered run)", "", "native", wasmRatio, 30],
    ["WASM: throughput, with fuel", "", "native", wasmRatio, 36],
    ["WASM: cold start", ms(cold("kiln-wasm", "firstOutputMs")), ms(cold("native-wasm", "firstOutputMs")), cold("kiln-wasm", "firstOutputMs") / cold("native-wasm", "firstOutputMs"), 2],
  ];
  const absolute = [
    ["`embed.js` (brotli)", kib(r.sizes.embedBrotli), r.sizes.embedBrotli, 5 * 1024, "≤ 5 KiB"],
    ["widget: embed.js + cell.js + cell.css + editor bundle (brotli)", kib(r.sizes.widgetBrotli), r.sizes.widgetBrotli, 200 * 1024, "≤ 200 KiB"],
    ["longest main-thread task while loading (Kiln)", ms(kilnLoadTask), kilnLoadTask, 50, "≤ 50 ms"],
    ["longest main-thread task while running (Kiln)", ms(kilnRunTask), kilnRunTask, 50, "≤ 50 ms"],
    ["limit reached → next run can start (worst language)", ms(worstRecover), worstRecover, 300, "≤ 300 ms"],
    ["analyzer, native (worst language, per 1,000 lines)", ms(worstAnalyzer), worstAnalyzer, 5, "≤ 5 ms"],
  ];

  const met = (value, limit) => (Number.isFinite(value) ? (value <= limit ? "met" : "**missed**") : "not measured");
  const summary = [];
  const lines = [
    `Kiln benchmark — ${r.date}, Chromium ${r.chromium}, median of ${r.samples} samples, one run.`,
    "Ratios are Kiln ÷ peer from this run (lower is better); absolute times are for reading the ratios only.",
    "",
    "| Measure | Kiln | Peer | Ratio | Target | |",
    "|---|---|---|---|---|---|",
  ];
  for (const [measure, kiln, peer, value, limit] of rows) {
    lines.push(`| ${measure} | ${kiln} | ${peer} | ${ratio(value)} | ≤ ${limit}× | ${met(value, limit)} |`);
    summary.push({ measure, ratio: value, target: limit, met: value <= limit });
  }
  for (const [measure, shown, value, limit, target] of absolute) {
    lines.push(`| ${measure} | ${shown} | | | ${target} | ${met(value, limit)} |`);
    summary.push({ measure, value, target: limit, met: value <= limit });
  }
  lines.push(`| Storage (IndexedDB, Chromium): 5,000-message session | ${r.storage} | | | no target | reported |`);

  lines.push("", "Throughput (each program's own time, loading excluded):", "");
  lines.push("| Program | Kiln JS | quickjs | browser JS | ÷ quickjs | ÷ browser | Kiln Python | Pyodide | ÷ Pyodide |");
  lines.push("|---|---|---|---|---|---|---|---|---|");
  for (const p of jsPrograms) {
    lines.push(
      `| ${p} | ${ms(speed(p, "kiln-js"))} | ${ms(speed(p, "quickjs"))} | ${ms(speed(p, "browser-js"))} | ` +
        `${ratio(speed(p, "kiln-js") / speed(p, "quickjs"))} | ${ratio(speed(p, "kiln-js") / speed(p, "browser-js"))} | ` +
        `${ms(speed(p, "kiln-python"))} | ${ms(speed(p, "pyodide"))} | ${ratio(speed(p, "kiln-python") / speed(p, "pyodide"))} |`,
    );
  }
  lines.push("", "| WASM program | Kiln (wasmi, fuel) | native | ratio |", "|---|---|---|---|");
  for (const p of wasmPrograms) {
    lines.push(`| ${p} | ${ms(speed(p, "kiln-wasm"))} | ${ms(speed(p, "native-wasm"))} | ${ratio(speed(p, "kiln-wasm") / speed(p, "native-wasm"))} |`);
  }

  lines.push("", "Cold start (navigation → first output of hello world, fresh context each):", "");
  lines.push("| Engine | first output | transferred | brotli | longest task while loading | largest timer gap |");
  lines.push("|---|---|---|---|---|---|");
  for (const engine of Object.keys(r.cold)) {
    lines.push(
      `| ${engine} | ${ms(cold(engine, "firstOutputMs"))} | ${kib(cold(engine, "bytes"))} | ${kib(cold(engine, "brotli"))} | ` +
        `${ms(cold(engine, "longestTaskMs"))} | ${ms(cold(engine, "maxTimerGapMs"))} |`,
    );
  }

  lines.push("", "Stop and recover (Kiln, 1 s time limit):", "");
  lines.push("| Language | limit → status | status → next run's output | total |", "|---|---|---|---|");
  for (const [lang, x] of Object.entries(recover)) {
    lines.push(`| ${lang} | ${ms(x.toStatus)} | ${ms(x.toNext)} | ${ms(x.total)} |`);
  }

  lines.push("", "Responsiveness while Kiln runs each program (worst over samples):", "");
  lines.push("| Engine | longest main-thread task | largest timer gap |", "|---|---|---|");
  for (const [engine, s] of Object.entries(r.responsiveness)) {
    lines.push(
      `| ${engine} | ${ms(Math.max(...s.map((x) => x.longestTaskMs)))} | ${ms(Math.max(...s.map((x) => x.maxTimerGapMs)))} |`,
    );
  }

  lines.push("", "Analyzer (native, processor time per 1,000 lines):", "");
  lines.push("| Language | time |", "|---|---|");
  for (const [lang, v] of Object.entries(r.analyzer)) lines.push(`| ${lang} | ${ms(v)} |`);
  if (r.failures?.length) {
    lines.push("", "Failed measures (left out of the medians above):", "");
    for (const f of r.failures) lines.push(`- ${f.measure}: ${f.error.replace(/\|/g, "\\|")}`);
  }
  return { markdown: lines.join("\n") + "\n", summary };
}
