#!/usr/bin/env python3
"""Smoke test of dist/ in headless Chromium over WebDriver (standard library only).

Usage: serve dist/ (e.g. `PORT=8099 cargo xtask serve`), then
    python3 tests/browser/smoke.py http://127.0.0.1:8099/smoke.html
Needs Debian's `chromium` and `chromium-driver`. Prints smoke.html's JSON results and the
browser console; exits 1 unless every case passed.
"""
import json
import subprocess
import sys
import time
import urllib.request

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/smoke.html"
PORT = 9515


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read())["value"]


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
        sys.exit(0 if done == "pass" else 1)
    finally:
        call("DELETE", f"/session/{session}")
finally:
    driver.terminate()
