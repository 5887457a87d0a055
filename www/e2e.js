// Helpers for the end-to-end tests (tests/e2e), reached over WebDriver as `window.kilnE2E`.
// Every helper returns a promise of plain JSON, so the driver can carry it back.
import Kiln from "./embed.js";

// Proof that the Content-Security-Policy is enforced here: eval and inline scripts must fail.
const csp = { violations: [], evalBlocked: null, inlineRan: false };
document.addEventListener("securitypolicyviolation", (e) => csp.violations.push(e.effectiveDirective || e.violatedDirective));
try {
  (0, globalThis.eval)("1");
  csp.evalBlocked = false;
} catch {
  csp.evalBlocked = true;
}
const probe = document.createElement("script");
probe.textContent = "document.documentElement.dataset.inlineRan = 'yes'";
document.head.append(probe);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// `wasmBytes: [..]` in a request stands for a Uint8Array (JSON cannot carry one).
function request(r) {
  const out = { ...r };
  if (Array.isArray(out.wasmBytes)) out.code = new Uint8Array(out.wasmBytes);
  delete out.wasmBytes;
  return out;
}

// Runs a program while a 10 ms page timer ticks; reports the largest gap between ticks.
async function responsive(r) {
  await Kiln.ready(r.language);
  let last = performance.now();
  let maxGapMs = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    ticks += 1;
  }, 10);
  const t0 = performance.now();
  const outcome = await Kiln.run(request(r));
  const wallMs = performance.now() - t0;
  clearInterval(timer);
  maxGapMs = Math.max(maxGapMs, performance.now() - last);
  return { outcome, maxGapMs: Math.round(maxGapMs), ticks, wallMs: Math.round(wallMs) };
}

async function waitFor(test, ms) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (test()) return true;
    await sleep(50);
  }
  return test();
}

// A `<kiln-run>` cell made from markup, run through `el.run()`; also records its event.
async function cell(lang, code) {
  const defined = await Promise.race([customElements.whenDefined("kiln-run").then(() => true), sleep(10000).then(() => false)]);
  if (!defined) throw new Error("<kiln-run> is not defined on this page");
  const host = document.createElement("div");
  const el = document.createElement("kiln-run");
  el.setAttribute("lang", lang);
  el.textContent = code;
  host.append(el);
  document.body.append(host);
  const events = [];
  el.addEventListener("kiln-run-complete", (e) => events.push(e.detail));
  const outcome = await el.run();
  await waitFor(() => events.length > 0, 2000);
  host.remove();
  return { outcome, event: events[0] ?? null, code: el.code ?? null };
}

// Which supported code blocks are still plain `pre > code` (not inside a cell, where the
// original block stays until the cell UI replaces it), inside and outside `[data-kiln]`.
const BLOCKS = ["python", "py", "javascript", "js", "wat"].map((l) => `pre > code.language-${l}`).join(", ");
async function upgraded(waitMs = 5000) {
  const state = () => {
    const plain = [...document.querySelectorAll(BLOCKS)].filter((c) => !c.closest("kiln-run"));
    return {
      plainInside: plain.filter((c) => c.closest("[data-kiln]")).length,
      plainOutside: plain.filter((c) => !c.closest("[data-kiln]")).length,
      cells: document.querySelectorAll("kiln-run").length,
      cellsOutside: [...document.querySelectorAll("kiln-run")].filter((c) => !c.closest("[data-kiln]")).length,
    };
  };
  await waitFor(() => state().plainInside === 0, waitMs);
  return state();
}

// Runs the first cell of the page (the demo page's), through `el.run()`.
async function firstCell() {
  const el = document.querySelector("kiln-run");
  if (!el) throw new Error("no <kiln-run> on this page");
  const outcome = await el.run();
  return { outcome, lang: el.getAttribute("lang") };
}

// Waits until a service worker controls this page (or `ms` pass).
async function serviceWorker(ms = 15000) {
  if (!("serviceWorker" in navigator)) return { supported: false, controlled: false };
  await Promise.race([navigator.serviceWorker.ready, sleep(ms)]);
  await waitFor(() => navigator.serviceWorker.controller != null, ms);
  return { supported: true, controlled: navigator.serviceWorker.controller != null };
}

function cspState() {
  return Promise.resolve({ ...csp, inlineRan: document.documentElement.dataset.inlineRan === "yes" });
}

globalThis.kilnE2E = {
  run: (r) => Kiln.run(request(r)),
  check: (r) => Kiln.check(r),
  ready: (lang) => Kiln.ready(lang),
  responsive,
  cell,
  upgraded,
  firstCell,
  serviceWorker,
  csp: cspState,
};
