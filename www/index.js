// The placeholder page's script: a textarea, a language menu and Kiln.run.
import Kiln from "./embed.js";

const $ = (id) => document.getElementById(id);
const samples = {
  python: 'print("hello from Python")',
  js: 'console.log("hello from JavaScript")',
  wat: '(module\n  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))\n  (memory (export "memory") 1)\n  (data (i32.const 8) "hello from WebAssembly\\n")\n  (func (export "_start")\n    (i32.store (i32.const 0) (i32.const 8))\n    (i32.store (i32.const 4) (i32.const 23))\n    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 40)))))',
};
$("language").addEventListener("change", () => ($("code").value = samples[$("language").value]));

async function runCode() {
  const language = $("language").value;
  $("output").textContent = "";
  $("status").textContent = "loading the runtime…";
  await Kiln.ready(language, ({ bytes, total }) => {
    $("status").textContent = `loading the runtime… ${Math.round(bytes / 1024)} KiB${total ? ` of ${Math.round(total / 1024)} KiB` : ""}`;
  }).catch(() => {});
  $("status").textContent = "running…";
  try {
    const outcome = await Kiln.run({
      language,
      code: $("code").value,
      timeoutMs: Number($("timeout").value) || 5000,
      onOutput: (_stream, chunk) => ($("output").textContent += chunk),
    });
    $("output").textContent = outcome.stdout + outcome.stderr;
    $("status").textContent = `${outcome.status}${outcome.limit ? ` (${outcome.limit} limit)` : ""} in ${outcome.durationMs} ms`;
  } catch (err) {
    $("status").textContent = String(err);
  }
}
$("run").addEventListener("click", runCode);
$("code").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) runCode();
});
