//! Kiln's end-to-end tests: the built site (`dist/`), served on 127.0.0.1, driven over WebDriver
//! with `thirtyfour` in one browser per invocation (Chromium, Firefox ESR or WebKitGTK).
//!
//! `cargo xtask e2e` (part of `cargo xtask test`) installs the browsers and drivers, builds
//! `dist/`, serves it, starts each driver and runs this binary once per browser:
//!
//! ```text
//! kiln-e2e --browser chromium|firefox|webkit --driver URL --site URL --control URL
//!          [--binary PATH] [--summary FILE] [--only NAME,NAME]
//! ```
//!
//! `--site` is the served `dist/` (ending in `/`), `--control` the test server's control endpoint
//! (request log, going offline and back; see `xtask/src/e2e.rs`). Tests of the `<kiln-run>` cells
//! and the demo page run when `embed-demo.html` is served, the offline test when `sw.js` is; they
//! are skipped with a notice otherwise. Each case prints one line; `--summary` also writes the
//! results as JSON. The exit status is 1 when a case failed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use thirtyfour::prelude::*;

// The app (index.html, kiln-app): run after the page cases.
mod app;
mod cases;

/// A case's result when it did not fail.
enum Verdict {
    /// It passed; the note says what was measured.
    Pass(String),
    /// It could not run here; the note says why.
    Skip(String),
}

/// Command-line options.
struct Options {
    browser: String,
    driver: String,
    site: String,
    control: String,
    binary: Option<String>,
    summary: Option<String>,
    only: Option<Vec<String>>,
}

/// What every case gets: the session and where things are.
struct Ctx {
    driver: WebDriver,
    site: String,
    control: String,
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1).collect()) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("kiln-e2e: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("kiln-e2e: cannot start tokio: {err}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(options)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("kiln-e2e: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: Vec<String>) -> Result<Options, String> {
    let mut options = Options {
        browser: String::new(),
        driver: String::new(),
        site: String::new(),
        control: String::new(),
        binary: None,
        summary: None,
        only: None,
    };
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--browser" => options.browser = value,
            "--driver" => options.driver = value,
            "--site" => options.site = value,
            "--control" => options.control = value,
            "--binary" => options.binary = Some(value),
            "--summary" => options.summary = Some(value),
            "--only" => options.only = Some(value.split(',').map(str::to_owned).collect()),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if options.browser.is_empty() || options.driver.is_empty() || options.site.is_empty() {
        return Err(
            "usage: kiln-e2e --browser chromium|firefox|webkit --driver URL --site URL \
             --control URL [--binary PATH] [--summary FILE] [--only NAME,…]"
                .to_owned(),
        );
    }
    if !options.site.ends_with('/') {
        options.site.push('/');
    }
    Ok(options)
}

/// The WebDriver capabilities for each browser.
fn capabilities(browser: &str, binary: Option<&str>) -> Result<Capabilities, String> {
    let caps = match browser {
        "chromium" => json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": binary.unwrap_or("/usr/bin/chromium"),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            },
        }),
        "firefox" => json!({
            "browserName": "firefox",
            "moz:firefoxOptions": {
                "binary": binary.unwrap_or("/usr/bin/firefox-esr"),
                "args": ["-headless"],
            },
        }),
        "webkit" => json!({
            "webkitgtk:browserOptions": {
                "binary": binary
                    .unwrap_or("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"),
                "args": ["--automation"],
            },
        }),
        other => {
            return Err(format!(
                "unknown browser `{other}` (chromium, firefox, webkit)"
            ));
        }
    };
    match caps {
        Value::Object(map) => Ok(Capabilities::from(map)),
        _ => Err("capabilities must be an object".to_owned()),
    }
}

async fn run(options: Options) -> Result<bool, String> {
    let started = Instant::now();
    let caps = capabilities(&options.browser, options.binary.as_deref())?;
    let driver = WebDriver::builder(options.driver.as_str(), caps)
        .request_timeout(Duration::from_secs(300))
        .await
        .map_err(|e| {
            format!(
                "cannot start a {} session at {}: {e}",
                options.browser, options.driver
            )
        })?;
    let session_ms = started.elapsed().as_millis();
    println!("{}: session started in {session_ms} ms", options.browser);
    let ctx = Ctx {
        driver,
        site: options.site.clone(),
        control: options.control.clone(),
    };
    let mut results = Vec::new();
    let prepared = ctx.prepare().await;
    for case in cases::ALL.iter().chain(app::ALL) {
        if options
            .only
            .as_ref()
            .is_some_and(|only| !only.iter().any(|n| n == case.name))
        {
            continue;
        }
        let t0 = Instant::now();
        let outcome = match &prepared {
            Err(message) => Err(format!("the test page did not load: {message}")),
            Ok(()) => {
                match tokio::time::timeout(Duration::from_secs(240), (case.run)(&ctx)).await {
                    Ok(outcome) => outcome,
                    Err(_) => Err("timed out after 240 s".to_owned()),
                }
            }
        };
        let ms = t0.elapsed().as_millis();
        let (status, note) = match &outcome {
            Ok(Verdict::Pass(note)) => ("pass", note.clone()),
            Ok(Verdict::Skip(note)) => ("skip", note.clone()),
            Err(message) => ("FAIL", message.clone()),
        };
        println!(
            "  {:<5} {:<28} {:>6} ms  {note}",
            status.to_uppercase(),
            case.name,
            ms
        );
        results.push(
            json!({"case": case.name, "status": status.to_lowercase(), "ms": ms, "note": note}),
        );
    }
    if let Err(err) = ctx.driver.quit().await {
        eprintln!("kiln-e2e: closing the session failed: {err}");
    }
    let failed = results.iter().filter(|r| r["status"] == "fail").count();
    let passed = results.iter().filter(|r| r["status"] == "pass").count();
    let skipped = results.iter().filter(|r| r["status"] == "skip").count();
    let total_ms = started.elapsed().as_millis();
    println!(
        "{}: {passed} passed, {failed} failed, {skipped} skipped in {:.1} s",
        options.browser,
        total_ms as f64 / 1000.0
    );
    if let Some(path) = &options.summary {
        let summary = json!({
            "browser": options.browser, "passed": passed, "failed": failed, "skipped": skipped,
            "ms": total_ms, "sessionMs": session_ms, "cases": results,
        });
        std::fs::write(path, summary.to_string())
            .map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    Ok(failed == 0)
}

impl Ctx {
    /// Sets generous script timeouts and opens the test page.
    async fn prepare(&self) -> Result<(), String> {
        self.driver
            .set_script_timeout(Duration::from_secs(200))
            .await
            .map_err(|e| e.to_string())?;
        self.driver
            .set_page_load_timeout(Duration::from_secs(60))
            .await
            .map_err(|e| e.to_string())?;
        self.open("e2e.html", "window.kilnE2E").await
    }

    /// Navigates to `page` (relative to the site) and waits until `global` exists there.
    async fn open(&self, page: &str, global: &str) -> Result<(), String> {
        let url = format!("{}{page}", self.site);
        self.driver
            .goto(url.as_str())
            .await
            .map_err(|e| format!("cannot open {url}: {e}"))?;
        let probe = format!("return typeof {global} !== 'undefined' && {global} != null;");
        for _ in 0..300 {
            let ready = self
                .driver
                .execute(probe.as_str(), Vec::new())
                .await
                .map_err(|e| format!("{url}: {e}"))?;
            if ready.json().as_bool() == Some(true) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("{url}: `{global}` never appeared"))
    }

    /// Runs `body` (an async function body that may `await`) in the page and returns its value;
    /// a thrown error becomes `Err`.
    async fn eval(&self, body: &str, args: Vec<Value>) -> Result<Value, String> {
        let script = format!(
            "const done = arguments[arguments.length - 1];\n\
             const args = Array.prototype.slice.call(arguments, 0, -1);\n\
             (async (args) => {{ {body} }})(args).then(\n\
               (value) => done({{ ok: value === undefined ? null : value }}),\n\
               (err) => done({{ error: String(err && err.stack ? err + '\\n' + err.stack : err) }}));"
        );
        let ret = self
            .driver
            .execute_async(script.as_str(), args)
            .await
            .map_err(|e| format!("WebDriver: {e}"))?;
        let value = ret.json();
        if let Some(error) = value.get("error") {
            return Err(format!("the page threw: {}", error.as_str().unwrap_or("?")));
        }
        Ok(value.get("ok").cloned().unwrap_or(Value::Null))
    }

    /// Calls `window.kilnE2E[helper](...args)` on the test page.
    async fn helper(&self, helper: &str, args: Vec<Value>) -> Result<Value, String> {
        self.eval(
            &format!("return await window.kilnE2E.{helper}(...args);"),
            args,
        )
        .await
    }

    /// Whether the site serves `path` (cells and the service worker land separately).
    fn serves(&self, path: &str) -> bool {
        http_get(&format!("{}{path}", self.site)).is_ok_and(|r| r.status == 200)
    }

    /// A request to the test server's control endpoint (`offline`, `online`, `requests`,
    /// `clear`).
    fn control(&self, what: &str) -> Result<String, String> {
        let response = http_get(&format!("{}{what}", self.control))?;
        if response.status == 200 {
            Ok(response.body)
        } else {
            Err(format!(
                "control `{what}` answered {}: {}",
                response.status, response.body
            ))
        }
    }
}

/// A response read by [`http_get`].
struct HttpResponse {
    status: u16,
    headers: String,
    body: String,
}

/// A minimal blocking HTTP/1.1 GET (`Connection: close`) for `http://127.0.0.1:PORT/path` URLs (the local servers).
fn http_get(url: &str) -> Result<HttpResponse, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("not an http URL: {url}"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream =
        TcpStream::connect(host).map_err(|e| format!("cannot connect to {host}: {e}"))?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| format!("{url}: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("{url}: {e}"))?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("{url}: not an HTTP response"))?;
    Ok(HttpResponse {
        status,
        headers: head.to_owned(),
        body: body.to_owned(),
    })
}
