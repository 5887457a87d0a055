//! `cargo xtask e2e` (also the last step of `cargo xtask test`): the end-to-end tests of
//! `tests/e2e` against `dist/` in Chromium, Firefox ESR and WebKitGTK.
//!
//! 1. Installs what is missing: Debian's `chromium chromium-driver firefox-esr webkit2gtk-driver
//!    xvfb` (apt-get, with sudo when not root) and geckodriver (`cargo install --locked` into
//!    `$HOME/.cache/kiln/tools`).
//! 2. Builds `dist/` with the light wasm-opt level (`KILN_WASM_OPT=test` unless set).
//! 3. Serves `dist/` on a free 127.0.0.1 port, sending the strict Content-Security-Policy header
//!    with `e2e.html`, every response with `Connection: close` (so "server stopped" really means
//!    refused connections), and a control endpoint on a second port: `/requests` (paths served
//!    since `/clear`), `/offline` (closes the site's listening socket), `/online` (opens it again
//!    on the same port).
//! 4. Per browser: starts its driver (WebKitWebDriver under `xvfb-run -a`: WebKitGTK has no
//!    headless mode), runs `kiln-e2e`, stops the driver, and reports.
//!
//! `KILN_E2E_BROWSERS=chromium,firefox` picks browsers (`none` skips the step, loudly; not in
//! CI), `KILN_E2E_ONLY=case,case` picks cases (names as `kiln-e2e` prints them). A browser that
//! cannot be installed or started fails the step when `CI` is set; locally it is skipped with a
//! loud notice.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::{IGNORE_RUST_VERSION, cargo, root, step, target_dir};

/// geckodriver from crates.io; 0.37.1 builds with `--locked` on Rust 1.95.
const GECKODRIVER_VERSION: &str = "0.37.1";

/// The policy `e2e.html` is served with (CONTRACTS.md: strict CSP works).
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'";

/// Debian packages the browsers come from.
const APT_PACKAGES: &[&str] = &[
    "chromium",
    "chromium-driver",
    "firefox-esr",
    "webkit2gtk-driver",
    "xvfb",
];

/// One browser: how its driver starts and which binary it drives.
pub(crate) struct Browser {
    name: &'static str,
    pub(crate) driver: PathBuf,
    binary: PathBuf,
    /// WebKitGTK needs an X display.
    xvfb: bool,
}

/// What happened in one browser.
struct Report {
    name: String,
    outcome: String,
    seconds: f64,
    ok: bool,
}

pub(crate) fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn found(program: &Path, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    })
}

fn tools_dir() -> PathBuf {
    let target = target_dir();
    target
        .parent()
        .map_or_else(|| target.join("tools"), |p| p.join("tools"))
}

/// `cargo xtask e2e`.
pub(crate) fn e2e() -> Result<(), String> {
    let started = Instant::now();
    let wanted: Vec<String> = std::env::var("KILN_E2E_BROWSERS")
        .unwrap_or_else(|_| "chromium,firefox,webkit".to_owned())
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    let ci = in_ci();
    if wanted.is_empty() || wanted.iter().any(|b| b == "none") {
        return unavailable("every browser", "KILN_E2E_BROWSERS=none", ci).map(drop);
    }

    step("browsers and WebDriver drivers for the end-to-end tests");
    let mut reports = Vec::new();
    let mut browsers = Vec::new();
    ensure_apt_packages();
    for name in &wanted {
        match find_browser(name) {
            Ok(browser) => browsers.push(browser),
            Err(message) => reports.push(unavailable(name, &message, ci)?),
        }
    }

    step("dist/ for the end-to-end tests (KILN_WASM_OPT=test unless set)");
    let exe = std::env::current_exe().map_err(|e| format!("cannot find xtask itself: {e}"))?;
    let mut build = Command::new(exe);
    build.arg("build");
    if std::env::var_os("KILN_WASM_OPT").is_none() {
        build.env("KILN_WASM_OPT", "test");
    }
    let status = build
        .status()
        .map_err(|e| format!("cannot run xtask build: {e}"))?;
    if !status.success() {
        return Err("building dist/ for the end-to-end tests failed".to_owned());
    }

    step("the end-to-end test binary (tests/e2e)");
    cargo(&["build", "-p", "kiln-e2e", IGNORE_RUST_VERSION])?;
    let runner = target_dir().join("debug/kiln-e2e");

    let site = Site::start(root().join("dist"))?;
    println!(
        "serving dist/ on http://127.0.0.1:{}/ (control on {})",
        site.port,
        site.control_url()
    );

    for browser in &browsers {
        step(&format!("end-to-end tests in {}", browser.name));
        let t0 = Instant::now();
        site.reset();
        let result = run_browser(browser, &runner, &site);
        let seconds = t0.elapsed().as_secs_f64();
        match result {
            Ok(summary) => reports.push(Report {
                name: browser.name.to_owned(),
                ok: summary.1,
                outcome: summary.0,
                seconds,
            }),
            Err(message) if message.starts_with("driver:") => {
                let mut report = unavailable(browser.name, &message, ci)?;
                report.seconds = seconds;
                reports.push(report);
            }
            Err(message) => reports.push(Report {
                name: browser.name.to_owned(),
                ok: false,
                outcome: format!("FAILED: {message}"),
                seconds,
            }),
        }
    }

    println!(
        "\nend-to-end results ({:.0}s in all):",
        started.elapsed().as_secs_f64()
    );
    for report in &reports {
        println!(
            "  {:<9} {:>6.1}s  {}",
            report.name, report.seconds, report.outcome
        );
    }
    if reports.iter().all(|r| r.ok) {
        Ok(())
    } else {
        Err("end-to-end tests failed (see above)".to_owned())
    }
}

/// A browser that cannot run here: an error in CI, a loud skip locally.
fn unavailable(name: &str, message: &str, ci: bool) -> Result<Report, String> {
    if ci {
        return Err(format!(
            "{name} cannot run the end-to-end tests: {message} (CI is set, so this fails)"
        ));
    }
    let banner = "!".repeat(78);
    println!(
        "\n{banner}\n!! SKIPPING the {name} end-to-end tests: {message}\n!! (in CI this fails)\n{banner}"
    );
    Ok(Report {
        name: name.to_owned(),
        outcome: format!("SKIPPED: {message}"),
        seconds: 0.0,
        ok: true,
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// apt-get installs the Debian packages that are missing (after `apt-get update` if the first
/// attempt fails); failures are reported per browser afterwards.
pub(crate) fn ensure_apt_packages() {
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .copied()
        .filter(|p| {
            !Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", p])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        println!("apt packages: {} installed", APT_PACKAGES.join(" "));
        return;
    }
    let sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut command = if sudo {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        } else {
            Command::new("apt-get")
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        println!("$ {command:?}");
        command.status().is_ok_and(|s| s.success())
    };
    println!(
        "installing the missing Debian packages {} (apt-get install -y{})",
        missing.join(" "),
        if sudo { ", with sudo" } else { "" }
    );
    let mut args = vec!["install", "-y"];
    args.extend(&missing);
    if !apt(&args) {
        println!("apt-get install failed; running apt-get update and trying again");
        if !(apt(&["update"]) && apt(&args)) {
            println!("apt-get could not install {}", missing.join(" "));
        }
    }
}

/// The driver and browser binary for `name`, installing geckodriver when missing.
pub(crate) fn find_browser(name: &str) -> Result<Browser, String> {
    let need = |program: &str| {
        which(program).ok_or_else(|| format!("`{program}` is not installed (apt-get failed?)"))
    };
    match name {
        "chromium" => Ok(Browser {
            name: "chromium",
            driver: need("chromedriver")?,
            binary: need("chromium")?,
            xvfb: false,
        }),
        "firefox" => {
            let binary = need("firefox-esr")?;
            let driver = ensure_geckodriver()?;
            Ok(Browser {
                name: "firefox",
                driver,
                binary,
                xvfb: false,
            })
        }
        "webkit" => {
            need("xvfb-run")?;
            let driver = need("WebKitWebDriver")?;
            let binary = minibrowser().ok_or(
                "WebKitGTK's MiniBrowser was not found under /usr/lib/*/webkit2gtk-*/ \
                 (package libwebkit2gtk-4.1-0)",
            )?;
            Ok(Browser {
                name: "webkit",
                driver,
                binary,
                xvfb: true,
            })
        }
        other => Err(format!(
            "unknown browser `{other}` in KILN_E2E_BROWSERS (chromium, firefox, webkit)"
        )),
    }
}

/// `/usr/lib/<triple>/webkit2gtk-4.1/MiniBrowser` (or another WebKitGTK API version).
fn minibrowser() -> Option<PathBuf> {
    let lib = Path::new("/usr/lib");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(lib)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.push(lib.to_path_buf());
    for dir in dirs {
        for api in ["webkit2gtk-4.1", "webkit2gtk-4.0", "webkitgtk-6.0"] {
            let candidate = dir.join(api).join("MiniBrowser");
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

fn ensure_geckodriver() -> Result<PathBuf, String> {
    let tools = tools_dir();
    let binary = tools.join("bin/geckodriver");
    if found(&binary, "--version") {
        println!("geckodriver: installed ({})", binary.display());
        return Ok(binary);
    }
    if let Some(path) = which("geckodriver").filter(|p| found(p, "--version")) {
        println!("geckodriver: installed ({})", path.display());
        return Ok(path);
    }
    println!(
        "installing geckodriver {GECKODRIVER_VERSION} into {} (cargo install --locked; about 5 minutes on 2 cores)",
        tools.display()
    );
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args([
            "install",
            "--locked",
            "geckodriver",
            "--version",
            GECKODRIVER_VERSION,
            "--root",
        ])
        .arg(&tools)
        .status()
        .map_err(|e| format!("could not run cargo install: {e}"))?;
    if status.success() && found(&binary, "--version") {
        Ok(binary)
    } else {
        Err(format!(
            "cargo install --locked geckodriver {GECKODRIVER_VERSION} failed"
        ))
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// A started driver; stopped (with its process group: xvfb-run, Xvfb, the browser) on drop.
struct Driver {
    child: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-TERM", "--", &group])
            .stderr(Stdio::null())
            .status();
        std::thread::sleep(Duration::from_millis(300));
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

fn start_driver(browser: &Browser, port: u16) -> Result<Driver, String> {
    use std::os::unix::process::CommandExt;
    let mut command = if browser.xvfb {
        let mut c = Command::new("xvfb-run");
        c.args(["-a", "-s", "-screen 0 1280x1024x24"])
            .arg(&browser.driver);
        c
    } else {
        Command::new(&browser.driver)
    };
    let log = std::env::temp_dir().join(format!("kiln-e2e-{}-driver.log", browser.name));
    let log_file =
        std::fs::File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let log_err = log_file
        .try_clone()
        .map_err(|e| format!("cannot log the driver: {e}"))?;
    command
        .arg(format!("--port={port}"))
        .stdout(log_file)
        .stderr(log_err)
        .process_group(0);
    if browser.name == "firefox" {
        command.arg("--host=127.0.0.1");
    }
    println!("$ {command:?}  (log: {})", log.display());
    let child = command
        .spawn()
        .map_err(|e| format!("driver: cannot start {}: {e}", browser.driver.display()))?;
    let driver = Driver { child };
    let status_url = format!("127.0.0.1:{port}");
    for _ in 0..200 {
        if http_status(&status_url, "/status").is_ok_and(|s| s == 200) {
            return Ok(driver);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let tail = std::fs::read_to_string(&log).unwrap_or_default();
    Err(format!(
        "driver: {} did not answer on port {port} within 20 s; its log:\n{tail}",
        browser.driver.display()
    ))
}

/// The status code of a GET to `host` + `path`.
fn http_status(host: &str, path: &str) -> Result<u16, String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(host).map_err(|e| e.to_string())?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut head = [0u8; 16];
    let n = stream.read(&mut head).map_err(|e| e.to_string())?;
    String::from_utf8_lossy(&head[..n])
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| "not HTTP".to_owned())
}

/// Runs `kiln-e2e` in one browser; returns the summary line and whether every case passed.
fn run_browser(browser: &Browser, runner: &Path, site: &Site) -> Result<(String, bool), String> {
    let port = free_port()?;
    let driver = start_driver(browser, port)?;
    let summary = std::env::temp_dir().join(format!("kiln-e2e-{}.json", browser.name));
    let _ = std::fs::remove_file(&summary);
    let mut command = Command::new(runner);
    command
        .args(["--browser", browser.name])
        .arg("--driver")
        .arg(format!("http://127.0.0.1:{port}"))
        .arg("--site")
        .arg(format!("http://127.0.0.1:{}/", site.port))
        .arg("--control")
        .arg(site.control_url())
        .arg("--binary")
        .arg(&browser.binary)
        .arg("--summary")
        .arg(&summary);
    if let Ok(only) = std::env::var("KILN_E2E_ONLY") {
        command.args(["--only", &only]);
    }
    println!("$ {command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {}: {e}", runner.display()))?;
    drop(driver);
    let text = std::fs::read_to_string(&summary).ok();
    let parsed: Option<serde_json::Value> = text.and_then(|t| serde_json::from_str(&t).ok());
    match parsed {
        Some(s) => Ok((
            format!(
                "{} passed, {} failed, {} skipped (session start {} ms, cases {:.1}s)",
                s["passed"],
                s["failed"],
                s["skipped"],
                s["sessionMs"],
                s["ms"].as_f64().unwrap_or(0.0) / 1000.0
            ),
            status.success(),
        )),
        None if status.success() => Ok(("no summary written".to_owned(), true)),
        None => {
            let log = std::env::temp_dir().join(format!("kiln-e2e-{}-driver.log", browser.name));
            Err(format!(
                "driver: no {} session could be run ({status}); driver log: {}",
                browser.name,
                log.display()
            ))
        }
    }
}

/// State shared by the site and control threads.
struct Shared {
    /// Whether the site should be listening.
    want_online: AtomicBool,
    /// Whether it is.
    listening: AtomicBool,
    /// Paths served since the last `/clear`.
    log: Mutex<Vec<String>>,
}

/// `dist/` served for the tests, with its control endpoint.
struct Site {
    port: u16,
    control_port: u16,
    shared: Arc<Shared>,
}

impl Site {
    fn start(dist: PathBuf) -> Result<Site, String> {
        let server = tiny_http::Server::http(("127.0.0.1", 0))
            .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or("the site server has no IP address")?;
        let control = tiny_http::Server::http(("127.0.0.1", 0))
            .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
        let control_port = control
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or("the control server has no IP address")?;
        let shared = Arc::new(Shared {
            want_online: AtomicBool::new(true),
            listening: AtomicBool::new(true),
            log: Mutex::new(Vec::new()),
        });
        let site_shared = Arc::clone(&shared);
        std::thread::spawn(move || serve_site(server, port, &dist, &site_shared));
        let control_shared = Arc::clone(&shared);
        std::thread::spawn(move || serve_control(&control, &control_shared));
        Ok(Site {
            port,
            control_port,
            shared,
        })
    }

    fn control_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.control_port)
    }

    /// Online again (a case that timed out may have left it offline) with an empty request log.
    fn reset(&self) {
        self.shared.want_online.store(true, Ordering::SeqCst);
        for _ in 0..100 {
            if self.shared.listening.load(Ordering::SeqCst) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if let Ok(mut log) = self.shared.log.lock() {
            log.clear();
        }
    }
}

fn serve_site(first: tiny_http::Server, port: u16, dist: &Path, shared: &Shared) {
    let mut server = Some(first);
    loop {
        let Some(current) = server.take() else {
            // Offline: wait to be wanted again, then listen on the same port.
            if shared.want_online.load(Ordering::SeqCst) {
                match tiny_http::Server::http(("127.0.0.1", port)) {
                    Ok(s) => {
                        shared.listening.store(true, Ordering::SeqCst);
                        server = Some(s);
                    }
                    Err(err) => eprintln!("e2e site: cannot listen on {port} again: {err}"),
                }
            }
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        match current.recv_timeout(Duration::from_millis(50)) {
            Ok(Some(request)) => {
                let url = request.url().to_owned();
                let mut response = crate::build::respond(dist, &url);
                let path = url.split(['?', '#']).next().unwrap_or("/");
                let mut headers = vec![("Connection", "close")];
                if path.ends_with("/e2e.html") {
                    headers.push(("Content-Security-Policy", CSP));
                }
                for (name, value) in headers {
                    if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
                    {
                        response.add_header(h);
                    }
                }
                if let Ok(mut log) = shared.log.lock() {
                    log.push(format!("{} {path}", response.status_code().0));
                }
                let _ = request.respond(response);
            }
            Ok(None) => {}
            Err(err) => eprintln!("e2e site: {err}"),
        }
        if shared.want_online.load(Ordering::SeqCst) {
            server = Some(current);
        } else {
            // Dropping the server closes the listening socket: connections are refused.
            drop(current);
            shared.listening.store(false, Ordering::SeqCst);
        }
    }
}

fn serve_control(control: &tiny_http::Server, shared: &Shared) {
    for request in control.incoming_requests() {
        let path = request.url().trim_start_matches('/').to_owned();
        let wait_for = |listening: bool| {
            for _ in 0..100 {
                if shared.listening.load(Ordering::SeqCst) == listening {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            false
        };
        let (code, body) = match path.as_str() {
            "requests" => (
                200,
                shared.log.lock().map(|l| l.join("\n")).unwrap_or_default(),
            ),
            "clear" => {
                if let Ok(mut log) = shared.log.lock() {
                    log.clear();
                }
                (200, "cleared".to_owned())
            }
            "offline" => {
                shared.want_online.store(false, Ordering::SeqCst);
                if wait_for(false) {
                    (200, "offline".to_owned())
                } else {
                    (500, "the site did not stop listening".to_owned())
                }
            }
            "online" => {
                shared.want_online.store(true, Ordering::SeqCst);
                if wait_for(true) {
                    (200, "online".to_owned())
                } else {
                    (500, "the site did not listen again".to_owned())
                }
            }
            _ => (404, "requests | clear | offline | online".to_owned()),
        };
        let _ = request.respond(tiny_http::Response::from_string(body).with_status_code(code));
    }
}
