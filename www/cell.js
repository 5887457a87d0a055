// The <kiln-run> cell's UI, loaded by embed.js only when a page has a cell (CONTRACTS.md).
// A cell: the code in CodeMirror 6 (editor/editor.js, loaded from here), Run / Stop / Reset / Copy,
// a status line, the analyzer's diagnostics before running (Kiln.check), the output with stdout
// and stderr told apart and error lines linked to the code, and for exercises the check's verdict.
//
// Groups and checks are done here, at the widget level, because each run gets a fresh interpreter
// scope (Python: a fresh __main__; JS: a fresh context):
// - a cell in a `group` runs the code of the group's earlier cells (in page order) before its own,
//   so what they defined exists; their output is hidden and line numbers are the cell's own;
// - an exercise's `<script type="text/x-kiln-check">` is appended after the user's code in the same
//   program; its failure (an exception, e.g. a failed assert) is shown as the verdict.
// A marker line written to stdout and stderr between the parts tells their output apart.
// Python and JavaScript only: a WAT cell is always one module on its own.

const MARK = "\u001ekiln\u001e\n";
const LANGS = { python: "python", py: "python", javascript: "js", js: "js", wat: "wasm", wasm: "wasm" };
const NAMES = { python: "Python", js: "JavaScript", wasm: "WebAssembly" };
const FILES = { python: "main.py", js: "main.js" };
const MARK_LINE = {
  python: `import sys as _k; _k.stdout.write(${JSON.stringify(MARK)}); _k.stderr.write(${JSON.stringify(MARK)}); del _k`,
  js: `;console.log(${JSON.stringify(MARK.trim())}); console.error(${JSON.stringify(MARK.trim())});`,
};
// Where output names a line of the program: a Python traceback frame, a JS stack frame, a
// diagnostic ("2:9: error[…]") or plain words ("line 3").
const LINE_REFS = /(File "main\.py", line |main\.js:|^(?=\d+:\d+: )|\bline )(\d+)/gm;
const LIMITS = { time: "time limit", steps: "step limit", memory: "memory limit", output: "output limit" };
const base = new URL("./", import.meta.url);
const cells = new WeakMap();
const loaded = new Set(); // languages whose runtime is up on this page
let sheet;
let editorModule;

const styles = () =>
  (sheet ??= fetch(new URL("cell.css", base)).then((r) => r.text()).then((css) => {
    const s = new CSSStyleSheet();
    s.replaceSync(css);
    return s;
  }));
const editor = () => (editorModule ??= import(new URL("editor/editor.js", base).href));

/** Mounts the UI of a <kiln-run> element once; resolves with its controller. */
export function mount(el, Kiln) {
  if (!cells.has(el)) cells.set(el, create(el, Kiln));
  return cells.get(el);
}

function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k in node && typeof v !== "string") node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

const lineCount = (text) => text.split("\n").length;
const ms = (n) => (n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(n < 10000 ? 2 : 1)} s`);
const size = (n) => (n < 1 << 20 ? `${Math.round(n / 1024)} KB` : `${(n / (1 << 20)).toFixed(1)} MB`);

async function create(el, Kiln) {
  const lang = LANGS[(el.getAttribute("lang") ?? "python").toLowerCase()] ?? "python";
  const original = Kiln.source(el);
  const initial = el.kilnCode ?? original;
  const checkScript = lang === "wasm" ? null : el.querySelector('script[type="text/x-kiln-check"]');
  const check = checkScript ? dedent(checkScript.textContent) : null;
  const pre = el.querySelector("pre");
  const [css, ed] = await Promise.all([styles(), editor()]);
  const grammar = await ed.grammar(lang);
  // One cell per task: a page with many cells never blocks the main thread for long.
  await new Promise((resolve) => setTimeout(resolve, 0));

  // Match the plain block's type metrics so the cell takes the same room.
  if (pre) {
    const cs = getComputedStyle(pre);
    el.style.setProperty("--kiln-code-size", cs.fontSize);
    if (cs.lineHeight !== "normal") el.style.setProperty("--kiln-code-line", cs.lineHeight);
    el.style.setProperty("--kiln-code-pad", cs.paddingTop);
    el.style.setProperty("--kiln-margin", `${cs.marginTop} 0 ${cs.marginBottom}`);
  }
  const editable = el.hasAttribute("editable");
  const label = `${NAMES[lang]} code${editable ? " (editable; Ctrl+Enter or Cmd+Enter runs)" : ""}`;
  const shadow = el.shadowRoot ?? el.attachShadow({ mode: "open" });
  shadow.adoptedStyleSheets = [css];

  const codeBox = h("div", { class: "code" });
  const button = (text, cls, title, action) => h("button", { type: "button", class: cls, title, "aria-label": title, onclick: action }, text);
  const runButton = button("Run", "run", `Run the ${NAMES[lang]} code (Ctrl+Enter)`, () => cell.run());
  const stopButton = button("Stop", "stop", "Stop the running program", () => controller?.abort());
  stopButton.disabled = true;
  const resetButton = button("Reset", "reset", "Reset the code and clear the output", () => cell.reset());
  const copyButton = button("Copy", "copy", "Copy the code", () => copy());
  const bar = h("div", { class: "bar", role: "toolbar", "aria-label": `${NAMES[lang]} cell` }, runButton, stopButton);
  if (editable) bar.append(resetButton);
  bar.append(copyButton);
  const statusText = h("span", { class: "text" });
  const progress = h("progress", { max: 1, hidden: true, "aria-label": "Runtime download" });
  const status = h("div", { class: "status", role: "status", hidden: true }, statusText, progress);
  const warnings = h("ul", { class: "warnings", hidden: true, "aria-label": "Analyzer diagnostics" });
  const output = h("pre", { class: "output", role: "log", "aria-live": "polite", "aria-label": "Output", tabindex: "0", hidden: true });
  const verdict = h("div", { class: "verdict", role: "status", hidden: true });
  const root = h("div", { class: "cell" }, codeBox, status, warnings, output, verdict);

  let controller = null;
  let checkTimer = null;
  const view = ed.createEditor(codeBox, {
    root: shadow, doc: initial, grammar, language: lang, editable, label,
    onRun: () => cell.run(),
    onChange: () => {
      clearTimeout(checkTimer);
      checkTimer = setTimeout(() => analyse(), 600);
    },
  });
  codeBox.append(bar); // after the editor: focus goes code → Run → Stop → Reset → Copy
  shadow.replaceChildren(root);

  const storageKey = check && `kiln-pass:${location.pathname}:${el.id || hash(check + original)}`;
  const passedBefore = () => {
    try {
      return storageKey && localStorage.getItem(storageKey) === "1";
    } catch {
      return false;
    }
  };
  if (passedBefore()) show(verdict, "pass", "✓ Passed (solved before on this device)");

  function show(node, cls, text) {
    node.hidden = false;
    node.className = `${node.classList[0]} ${cls}`.trim();
    node.textContent = text;
  }
  function setStatus(text, cls = "") {
    status.hidden = false;
    status.className = `status ${cls}`.trim();
    statusText.textContent = text;
  }

  // The program actually run: the group's earlier cells, a marker, the cell's code, a marker, the check.
  function program() {
    const own = view.code;
    const parts = [];
    const group = el.getAttribute("group");
    if (group && lang !== "wasm") {
      for (const other of document.querySelectorAll("kiln-run[group]")) {
        if (other === el) break;
        if (other.getAttribute("group") === group && LANGS[(other.getAttribute("lang") ?? "").toLowerCase()] === lang) parts.push(other.code);
      }
    }
    let text = "";
    let offset = 0;
    let sections = 1;
    let userSection = 0;
    if (parts.length) {
      text = `${parts.join("\n")}\n${MARK_LINE[lang]}\n`;
      offset = lineCount(text) - 1;
      sections = 2;
      userSection = 1;
    }
    text += own;
    let checkStart = null;
    if (check != null) {
      text += `\n${MARK_LINE[lang]}\n${check}`;
      checkStart = offset + lineCount(own) + 2;
      sections += 1;
    }
    return { text, offset, ownLines: lineCount(own), userSection, checkStart, sections };
  }

  // Line n of the program → a line of the cell (or null when it is not in the cell's own code).
  const mapLine = (p, n) => (n > p.offset && n <= p.offset + p.ownLines ? n - p.offset : null);
  const mapText = (p, text) =>
    lang === "wasm" || !p.offset ? text
      : text.replace(LINE_REFS, (all, before, n) => {
        const line = mapLine(p, Number(n));
        return line == null ? all : `${before}${line}`;
      });

  // Output text with line references made into buttons that show the line in the editor.
  function append(stream, text, cls = stream) {
    if (!text) return;
    output.hidden = false;
    const span = h("span", { class: cls });
    if (stream === "stderr" && lang !== "wasm") {
      const re = new RegExp(LINE_REFS.source, "gm");
      let at = 0;
      for (let m; (m = re.exec(text)); ) {
        span.append(text.slice(at, m.index + m[1].length));
        const n = Number(m[2]);
        span.append(h("button", { type: "button", class: "line", title: `Show line ${n} in the code`, onclick: () => view.showLine(n) }, m[2]));
        at = m.index + m[0].length;
      }
      span.append(text.slice(at));
    } else span.append(text);
    output.append(span);
    output.scrollTop = output.scrollHeight;
  }

  // Splits one stream's text at the markers: sections[i] is what part i wrote.
  const split = (text) => text.split(MARK);

  function showDiagnostics(p, diagnostics) {
    warnings.replaceChildren();
    const mine = diagnostics.filter((d) => d.line == null || mapLine(p, d.line) != null);
    for (const d of mine) {
      const line = d.line == null ? null : mapLine(p, d.line);
      const item = h("li", { class: d.severity }, `${d.severity}: ${d.message}`);
      if (line != null) {
        item.append(" (", h("button", { type: "button", class: "line", title: `Show line ${line} in the code`, onclick: () => view.showLine(line) }, `line ${line}`), ")");
      }
      warnings.append(item);
    }
    warnings.hidden = !mine.length;
  }

  // The analyzer's view before running: only once the runtime is up (a check loads it).
  async function analyse() {
    if (!loaded.has(lang) || lang === "wasm" || running) return;
    const p = program();
    try {
      const result = await Kiln.check({ language: lang, code: p.text, fileName: FILES[lang] });
      if (!running) showDiagnostics(p, result.diagnostics);
    } catch {}
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(view.code);
      setStatus("Code copied");
    } catch {
      setStatus("Copying is not allowed here: select the code and copy it", "error");
    }
  }

  let running = null;
  async function execute() {
    const p = program();
    const timeout = Number(el.getAttribute("timeout")) || 10000;
    controller = new AbortController();
    runButton.disabled = true;
    stopButton.disabled = false;
    output.replaceChildren();
    output.hidden = true;
    verdict.hidden = true;
    el.setAttribute("aria-busy", "true");

    if (!loaded.has(lang)) {
      setStatus(`Loading the ${NAMES[lang]} runtime…`);
      progress.hidden = false;
      progress.removeAttribute("value");
      try {
        await Kiln.ready(lang, ({ bytes, total }) => {
          if (total) {
            progress.max = total;
            progress.value = bytes;
            statusText.textContent = `Loading the ${NAMES[lang]} runtime… ${size(bytes)} of ${size(total)}`;
          }
        });
        loaded.add(lang);
      } catch {}
      progress.hidden = true;
    }

    // Streamed output: only the cell's own section, held back while a marker may be incomplete.
    const streams = { stdout: { seen: "", shown: 0 }, stderr: { seen: "", shown: 0 } };
    const flush = (stream, final) => {
      const s = streams[stream];
      const sections = split(s.seen);
      if (sections.length - 1 < p.userSection) return;
      let own = sections[p.userSection];
      // A marker may be arriving in pieces: keep back a tail that could be its start.
      if (sections.length - 1 === p.userSection && !final) {
        for (let k = Math.min(MARK.length - 1, own.length); k > 0; k--) {
          if (MARK.startsWith(own.slice(-k))) {
            own = own.slice(0, -k);
            break;
          }
        }
      }
      if (own.length > s.shown) {
        append(stream, mapText(p, own.slice(s.shown)));
        s.shown = own.length;
      }
    };

    const started = performance.now();
    setStatus("Running… 0.0 s");
    const tick = setInterval(() => setStatus(`Running… ${((performance.now() - started) / 1000).toFixed(1)} s`), 100);
    let outcome;
    try {
      outcome = await Kiln.run({
        language: lang, code: p.text, timeoutMs: timeout, fileName: FILES[lang] ?? null, signal: controller.signal,
        onOutput: (stream, chunk) => {
          streams[stream].seen += chunk;
          flush(stream, false);
        },
      });
    } catch (err) {
      outcome = { status: "error", exitCode: 1, stdout: "", stderr: `kiln: ${err.message ?? err}\n`, durationMs: 0, limit: null, diagnostics: [] };
    } finally {
      clearInterval(tick);
    }

    // The final text is authoritative (it includes notices the host adds): show what streaming missed.
    for (const stream of ["stdout", "stderr"]) {
      streams[stream].seen = outcome[stream];
      flush(stream, true);
    }
    const out = split(outcome.stdout);
    const err = split(outcome.stderr);
    const reached = Math.max(out.length, err.length) - 1; // the last section that ran
    const result = {
      ...outcome,
      stdout: mapText(p, out[p.userSection] ?? ""),
      stderr: mapText(p, err[p.userSection] ?? ""),
      diagnostics: outcome.diagnostics.filter((d) => d.line == null || mapLine(p, d.line) != null)
        .map((d) => ({ ...d, line: d.line == null ? null : mapLine(p, d.line), endLine: d.endLine == null ? null : mapLine(p, d.endLine) })),
    };
    if (reached < p.userSection) {
      // An earlier cell of the group did not get through: say so, with what it wrote.
      append("stderr", `An earlier cell of group "${el.getAttribute("group")}" failed before this one ran:\n`, "note");
      append("stdout", out[0]);
      append("stderr", err[0], "stderr note");
      result.stderr = err[0];
    }
    showDiagnostics(p, outcome.diagnostics);

    const limit = LIMITS[outcome.limit] ?? outcome.limit;
    const took = ms(outcome.durationMs);
    if (outcome.stopped) setStatus(`Stopped by you after ${ms(performance.now() - started)}`, "error");
    else if (outcome.status === "ok") setStatus(`Finished in ${took}`);
    else if (outcome.status === "exit") setStatus(`Exited with code ${outcome.exitCode} after ${took}`, outcome.exitCode ? "error" : "");
    else if (outcome.status === "limit") setStatus(`Stopped by the ${limit}${outcome.limit === "time" ? ` (${ms(timeout)})` : ""} after ${took}`, "error");
    else if (outcome.status === "refused") setStatus("Not run: the code has an error (see above)", "error");
    else setStatus(`Error after ${took}`, "error");

    if (p.checkStart != null && !outcome.stopped) {
      const passed = outcome.status === "ok";
      let message;
      if (passed) message = "✓ Passed";
      else if (reached >= p.userSection + 1) {
        // The check itself failed: its error is the message (e.g. "AssertionError: …").
        const found = outcome.diagnostics.find((d) => d.severity === "error" && d.line >= p.checkStart);
        const lines = (err[p.userSection + 1] ?? "").trim().split("\n");
        const text = found?.message ?? (lang === "js" ? lines[0] : lines[lines.length - 1]);
        message = `✗ Not yet: ${(text ?? "").replace(/^(Uncaught )?(AssertionError|Error)\b:?\s*/, "") || "the check failed"}`;
      } else message = "✗ Not yet: your code stopped with an error before it could be checked";
      show(verdict, passed ? "pass" : "fail", message);
      result.check = { passed, message };
      if (passed) {
        try {
          localStorage.setItem(storageKey, "1");
        } catch {}
      }
    }

    runButton.disabled = false;
    stopButton.disabled = true;
    controller = null;
    el.removeAttribute("aria-busy");
    el.dispatchEvent(new CustomEvent("kiln-run-complete", { detail: result, bubbles: true, composed: true }));
    return result;
  }

  const cell = {
    get code() {
      return view.code;
    },
    set code(text) {
      view.code = text;
    },
    /** Runs the cell; while it runs, the same promise again. */
    run() {
      return (running ??= execute().finally(() => (running = null)));
    },
    stop: () => controller?.abort(),
    reset() {
      controller?.abort();
      view.code = original;
      output.replaceChildren();
      output.hidden = warnings.hidden = status.hidden = true;
      if (!passedBefore()) verdict.hidden = true;
    },
    showLine: (n) => view.showLine(n),
  };
  el.kilnCell = cell;
  delete el.kilnCode;

  if (loaded.has(lang)) analyse();
  if (el.hasAttribute("autorun")) {
    // Runs when it first comes into view (no runtime download for cells nobody looks at).
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        seen.disconnect();
        cell.run();
      }
    });
    seen.observe(el);
  }
  return cell;
}

// The check's text without the indentation it has inside the page's HTML.
function dedent(text) {
  const lines = text.replace(/^\s*\n|\s+$/g, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)[0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join("\n");
}

function hash(text) {
  let h = 5381;
  for (let i = 0; i < text.length; i++) h = (h * 33 + text.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}
