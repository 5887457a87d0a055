#!/usr/bin/env python3
"""Smoke test of dist/ in headless Chromium over WebDriver (standard library only).

Usage: serve dist/ (e.g. `PORT=8099 cargo xtask serve`), then
    python3 tests/browser/smoke.py http://127.0.0.1:8099/smoke.html
Needs Debian's `chromium` and `chromium-driver`. Prints smoke.html's JSON results and the
browser console; exits 1 unless every case passed.

Then the widget (embed-demo.html), served by this script itself from dist/ (DEMO_PORT, default
8098, with `Cache-Control: no-store` so only the service worker can answer once it is stopped):
the right blocks are upgraded and only those, upgrading keeps the height, a cell runs and
dispatches `kiln-run-complete`, a group shares its scope, an exercise passes (and fails), Stop
ends a runaway and the next run works; then, after that one visit, the server is stopped and the
page reloads and runs Python and JavaScript cells from the service worker's cache.
"""
import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/smoke.html"
PORT = 9515
DIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "dist")
DEMO_PORT = int(os.environ.get("DEMO_PORT", "8098"))


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read())["value"]


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript",
                      ".webmanifest": "application/manifest+json"}

    next_build = False  # serve sw.js as if a new build had been deployed

    def do_GET(self):
        if Handler.next_build and self.path.split("?")[0] == "/sw.js":
            with open(os.path.join(DIST, "sw.js"), encoding="utf-8") as f:
                body = f.read().replace('const BUILD = "', 'const BUILD = "next-', 1).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args):
        pass


def run_js(session, body):
    """Runs `body` (an async function body; `return` its answer) in the page."""
    script = ("const done = arguments[arguments.length - 1];"
              f"(async () => {{ {body} }})().then(done, (e) => done({{error: String(e && e.stack || e)}}));")
    try:
        return call("POST", f"/session/{session}/execute/async", {"script": script, "args": []}) or {}
    except urllib.error.HTTPError as err:
        return {"error": err.read().decode(errors="replace")[:2000]}


# In the page: waits for every cell's UI, runs one and returns its kiln-run-complete detail.
HELPERS = """
const mounted = async () => {
  for (let i = 0; i < 600; i++) {
    const cells = [...document.querySelectorAll('kiln-run')];
    if (cells.length && cells.every((c) => c.kilnCell)) return cells;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('cells not mounted');
};
const runCell = (el) => new Promise((resolve) => {
  el.addEventListener('kiln-run-complete', (e) => resolve({ event: true, detail: e.detail }), { once: true });
  el.run();
});
"""


def demo(session):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", DEMO_PORT), functools.partial(Handler, directory=os.path.abspath(DIST)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{DEMO_PORT}/"
    checks = {}

    def expect(name, ok, info):
        checks[name] = bool(ok)
        print(f"demo {'ok  ' if ok else 'FAIL'} {name}: {json.dumps(info)[:600]}")

    try:
        call("POST", f"/session/{session}/url", {"url": base + "embed-demo.html"})
        info = run_js(session, HELPERS + """
// Main-thread tasks over 50 ms, from page load on (reported, not judged: CI machines are noisy).
window.kilnLongTasks = [];
new PerformanceObserver((list) => kilnLongTasks.push(...list.getEntries().map((e) => Math.round(e.duration))))
  .observe({ type: 'longtask', buffered: true });
await mounted();
const cells = [...document.querySelectorAll('kiln-run')];
const plain = document.querySelector('#plain pre');
// Upgrading a fresh block keeps its height.
const box = document.createElement('div');
box.innerHTML = '<pre><code class="language-python">print(1)\\nprint(2)\\nprint(3)</code></pre>';
document.querySelector('main').append(box);
const before = box.querySelector('pre').getBoundingClientRect().height;
const [made] = Kiln.upgrade(box);
await mounted();
const after = made.getBoundingClientRect().height;
made.remove(); box.remove();
return {
  cells: cells.length,
  langs: cells.map((c) => c.getAttribute('lang')),
  plainStays: !!plain && !plain.closest('kiln-run') && !document.querySelector('#plain kiln-run'),
  inKiln: cells.filter((c) => c.closest('[data-kiln]')).length,
  before, after,
};""")
        expect("upgrades the right blocks only", info.get("cells") == 11 and info.get("inKiln") == 10
               and info.get("plainStays"), info)
        expect("upgrading keeps the height", abs(info.get("after", 0) - info.get("before", -9)) <= 1, info)

        info = run_js(session, HELPERS + """
const [el] = await mounted();
const r = await runCell(el);
return { event: r.event, stdout: r.detail.stdout, status: r.detail.status };""")
        expect("a cell runs and dispatches kiln-run-complete",
               info.get("event") and info.get("stdout") == "Hello, docs!\n", info)

        info = run_js(session, HELPERS + """
await mounted();
const js = document.querySelector('#basics kiln-run[lang=js]');
const wat = document.querySelector('#basics kiln-run[lang=wat]');
const a = (await runCell(js)).detail, b = (await runCell(wat)).detail;
const shown = js.shadowRoot.querySelector('.output');
return { js: [a.stdout, a.stderr], wat: b.stdout, stderrSpan: !!shown.querySelector('.stderr') };""")
        expect("JS and WAT cells, stdout and stderr apart",
               info.get("js") == ["squares: 1, 4, 9\n", "this line goes to stderr\n"]
               and info.get("wat") == "hello from wat\n" and info.get("stderrSpan"), info)

        info = run_js(session, HELPERS + """
await mounted();
const second = document.querySelectorAll('#group kiln-run')[1];
const d = (await runCell(second)).detail;
const link = second.shadowRoot.querySelector('.output button.line');
return { stdout: d.stdout, stderr: d.stderr, link: link && link.textContent };""")
        expect("a group shares its scope, lines are the cell's own",
               info.get("stdout") == "total is 55\n" and 'line 2' in (info.get("stderr") or "")
               and info.get("link") == "2", info)

        info = run_js(session, HELPERS + """
await mounted();
const ex = document.querySelector('#exercise kiln-run');
const good = (await runCell(ex)).detail;
const stored = Object.keys(localStorage).filter((k) => k.startsWith('kiln-pass:')).length;
const code = ex.code;
ex.code = 'def double(n):\\n    return n + 1';
const bad = (await runCell(ex)).detail;
ex.code = code;
const js = document.querySelector('#exercise-js kiln-run');
const jsBad = (await runCell(js)).detail;
return { good: good.check, bad: bad.check, stored, jsBad: jsBad.check,
         verdict: ex.shadowRoot.querySelector('.verdict').textContent };""")
        expect("an exercise passes, is remembered, and a wrong answer fails with the check's message",
               (info.get("good") or {}).get("passed") is True and info.get("stored", 0) >= 1
               and (info.get("bad") or {}).get("passed") is False
               and "double(2) should be 4" in (info.get("bad") or {}).get("message", "")
               and 'returned "hi", not "HI!"' in (info.get("jsBad") or {}).get("message", ""), info)

        info = run_js(session, HELPERS + """
await mounted();
const el = document.querySelector('#editing kiln-run');
el.code = 'import jsonn\\nprint(1)';
let items = [];
for (let i = 0; i < 100 && !items.length; i++) {
  await new Promise((r) => setTimeout(r, 50));
  items = [...el.shadowRoot.querySelectorAll('.warnings li')].map((li) => li.textContent);
}
el.shadowRoot.querySelector('button.reset').click();
return { items, reset: el.code.startsWith('numbers = [3, 1, 2]') };""")
        expect("the analyzer's diagnostics show before running (with line links), Reset restores",
               any("line 1" in i for i in info.get("items", [])) and info.get("reset"), info)

        info = run_js(session, HELPERS + """
await mounted();
const el = document.querySelector('#runaway kiln-run');
const t0 = performance.now();
const pending = runCell(el);
await new Promise((r) => setTimeout(r, 700));
el.shadowRoot.querySelector('button.stop').click();
const d = (await pending).detail;
const stoppedAfter = performance.now() - t0;
const t1 = performance.now();
const next = (await runCell(document.querySelector('kiln-run'))).detail;
return { stopped: d.stopped, status: d.status, stoppedAfter, next: next.stdout, nextMs: performance.now() - t1,
         line: el.shadowRoot.querySelector('.status').textContent };""")
        expect("Stop ends a runaway, and the next run works",
               info.get("stopped") is True and info.get("stoppedAfter", 9999) < 1900
               and info.get("next") == "Hello, docs!\n", info)

        info = run_js(session, HELPERS + """
const el = document.querySelector('#runaway kiln-run');
const d = (await runCell(el)).detail;
return { status: d.status, limit: d.limit, line: el.shadowRoot.querySelector('.status').textContent };""")
        expect("the runaway cell's own 2 s time limit", info.get("status") == "limit"
               and info.get("limit") == "time", info)

        info = run_js(session, """
await navigator.serviceWorker.ready;
for (let i = 0; i < 100 && !navigator.serviceWorker.controller; i++) await new Promise((r) => setTimeout(r, 50));
await new Promise((r) => setTimeout(r, 1500)); // the hand-over of what the page loaded first
return { controlled: !!navigator.serviceWorker.controller, caches: await caches.keys(),
         longTasksMs: kilnLongTasks };""")
        print("service worker:", json.dumps(info))
    finally:
        server.shutdown()
        server.server_close()

    try:
        urllib.request.urlopen(base + "embed-demo.html", timeout=2)
        print("the demo server still answers")
    except OSError:
        pass
    call("POST", f"/session/{session}/url", {"url": base + "embed-demo.html"})
    info = run_js(session, HELPERS + """
await mounted();
const py = (await runCell(document.querySelector('#basics kiln-run'))).detail;
const js = (await runCell(document.querySelector('#basics kiln-run[lang=js]'))).detail;
return { py: py.stdout, pyErr: py.stderr, js: js.stdout, controlled: !!navigator.serviceWorker.controller };""")
    expect("offline after one visit: the page reloads and runs code with the server stopped",
           info.get("py") == "Hello, docs!\n" and info.get("js", "").startswith("squares"), info)

    # A new deployment: it installs beside the running version, which the open page keeps using;
    # once no page uses the old one, the new one takes over and the old cache is gone.
    Handler.next_build = True
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", DEMO_PORT), functools.partial(Handler, directory=os.path.abspath(DIST)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        call("POST", f"/session/{session}/url", {"url": base + "embed-demo.html"})
        before = run_js(session, """
const reg = await navigator.serviceWorker.ready;
await reg.update();
for (let i = 0; i < 200 && !reg.waiting; i++) await new Promise((r) => setTimeout(r, 50));
return { waiting: !!reg.waiting, caches: await caches.keys() };""")
        call("POST", f"/session/{session}/url", {"url": "about:blank"})
        time.sleep(1)
        call("POST", f"/session/{session}/url", {"url": base + "embed-demo.html"})
        after = run_js(session, HELPERS + """
for (let i = 0; i < 100 && (await caches.keys()).length > 1; i++) await new Promise((r) => setTimeout(r, 50));
await mounted();
const d = (await runCell(document.querySelector('kiln-run[lang=js]'))).detail;
return { caches: await caches.keys(), stdout: d.stdout };""")
        old_caches = before.get("caches") or []
        expect("a new build installs beside the old one, then replaces it (old cache deleted)",
               before.get("waiting") and len(old_caches) == 2 and len(after.get("caches") or []) == 1
               and after["caches"][0].startswith("kiln-next-") and after.get("stdout", "").startswith("squares"),
               {"before": before, "after": after})
    finally:
        server.shutdown()
        server.server_close()
    return all(checks.values())


driver = subprocess.Popen(["chromedriver", f"--port={PORT}"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
try:
    for _ in range(50):
        try:
            call("GET", "/status")
            break
        except OSError:
            time.sleep(0.1)
    session = call("POST", "/session", {"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {"args": ["--headless=new", "--no-sandbox", "--disable-gpu"]},
        "goog:loggingPrefs": {"browser": "ALL"},
    }}})["sessionId"]
    try:
        call("POST", f"/session/{session}/timeouts", {"script": 120000})
        call("POST", f"/session/{session}/url", {"url": URL})
        done = None
        for _ in range(1200):
            done = call("POST", f"/session/{session}/execute/sync", {
                "script": "return document.getElementById('result').dataset.done || null", "args": []})
            if done:
                break
            time.sleep(0.1)
        text = call("POST", f"/session/{session}/execute/sync", {
            "script": "return document.getElementById('result').textContent", "args": []})
        print(text)
        try:
            for entry in call("POST", f"/session/{session}/se/log", {"type": "browser"}):
                print("console:", entry.get("level"), entry.get("message"))
        except Exception as err:  # the log endpoint is a Chromium extension
            print("(no console log:", err, ")")
        print("result:", done)
        demo_ok = demo(session)
        print("demo result:", "pass" if demo_ok else "fail")
        sys.exit(0 if done == "pass" and demo_ok else 1)
    finally:
        call("DELETE", f"/session/{session}")
finally:
    driver.terminate()
