// Smoke test: every language through Kiln.run, a runaway stopped by its time limit, the next run.
import Kiln from "./embed.js";

const WAT = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 8) "wat ok\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 8))
    (i32.store (i32.const 4) (i32.const 7))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 40)))))`;

const cases = [
  ["js", { language: "js", code: "console.log('js', 1 + 1)" }, (o) => o.stdout === "js 2\n"],
  ["python", { language: "python", code: "import json; print(json.dumps([1,2]))" }, (o) => o.stdout === "[1, 2]\n"],
  ["wat", { language: "wat", code: WAT }, (o) => o.stdout === "wat ok\n"],
  ["js-syntax", { language: "js", code: "let = ;" }, (o) => o.status === "refused"],
  ["python-runaway", { language: "python", code: "while True: pass", timeoutMs: 1000 }, (o) => o.status === "limit" && o.limit === "time"],
  ["python-after-runaway", { language: "python", code: "print('again')" }, (o) => o.stdout === "again\n"],
  ["python-recursion", { language: "python", code: "def f(n): return 0 if n == 0 else 1 + f(n - 1)\nprint(f(900))" }, (o) => o.stdout === "900\n"],
  ["js-runaway", { language: "js", code: "for (;;) {}", timeoutMs: 1000 }, (o) => o.status === "limit"],
  ["js-after-runaway", { language: "js", code: "console.log('again')" }, (o) => o.stdout === "again\n"],
  ["python-deep-recursion", { language: "python", code: "import sys\nsys.setrecursionlimit(10**6)\ndef f(n): return 0 if n == 0 else 1 + f(n - 1)\nprint(f(100000))" }, (o) => o.status === "error" && o.stderr.includes("RecursionError")],
  ["python-after-recursion", { language: "python", code: "print('still here')" }, (o) => o.stdout === "still here\n"],
  ["js-deep-recursion", { language: "js", code: "function f(n) { return n ? 1 + f(n - 1) : 0 }\nconsole.log(f(1e6))" }, (o) => o.status === "limit" || o.status === "error"],
  ["js-print-loop", { language: "js", code: "for (;;) console.log('x')", timeoutMs: 500 }, (o) => o.status === "limit"],
  ["wasm-binary", { language: "wasm", code: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]) }, (o) => o.status !== "limit"],
  ["python-stdin", { language: "py", code: "print(input().upper())", stdin: "hi\n" }, (o) => o.stdout === "HI\n"],
];

async function main() {
  const results = {};
  const firstOutput = {};
  for (const lang of ["js", "python", "wasm"]) {
    const t0 = performance.now();
    let seen = null;
    await Kiln.ready(lang, (p) => (seen = p));
    const t1 = performance.now();
    let first = null;
    const code = { js: "console.log(1)", python: "print(1)", wasm: WAT }[lang];
    await Kiln.run({ language: lang, code, onOutput: () => (first ??= performance.now()) });
    firstOutput[lang] = { readyMs: Math.round(t1 - t0), firstOutputMs: Math.round((first ?? performance.now()) - t0), progress: seen };
  }
  for (const [name, request, ok] of cases) {
    const t0 = performance.now();
    try {
      const outcome = await Kiln.run(request);
      const wallMs = Math.round(performance.now() - t0);
      if (outcome.stdout.length > 200) outcome.stdout = outcome.stdout.slice(0, 200) + "…";
      results[name] = { pass: ok(outcome), wallMs, outcome };
    } catch (err) {
      results[name] = { pass: false, error: String(err) };
    }
  }
  results.check = await Kiln.check({ code: "import json\nprint(json.dumps(1))" }).catch((e) => String(e));
  const el = document.getElementById("result");
  el.textContent = JSON.stringify({ firstOutput, results }, null, 1);
  el.dataset.done = Object.values(results).every((r) => r.pass !== false) ? "pass" : "fail";
}
main();
