//! `cargo xtask webtest` (also a step of `cargo xtask test`): the browser tests of the browser
//! crates (`crates/kiln-web/tests/web.rs`, `wasm-bindgen-test`) in Chromium, Firefox ESR and
//! WebKitGTK.
//!
//! Each browser is one `cargo test -p kiln-web --target wasm32-unknown-unknown` with
//! `wasm-bindgen-test-runner` (installed with wasm-bindgen-cli at the workspace's pinned
//! version) as the target's runner and exactly one driver variable set: `CHROMEDRIVER`
//! (headless), `GECKODRIVER` (headless), or `SAFARIDRIVER` pointing at `WebKitWebDriver` under
//! `xvfb-run -a` (WebKitGTK has no headless mode). Browsers and drivers are found and installed
//! the way the end-to-end step does it (`e2e.rs`).
//!
//! The fetch transport's tests talk to `kiln-fake-provider` (built natively, started once per
//! browser with a fresh script on one port); its URL reaches the tests at compile time as
//! `KILN_FAKE_PROVIDER_URL`. The assistant's test (`tests/assistant.rs`) has a second one with
//! its own script (a `write` call, then an answer), `KILN_FAKE_AGENT_URL`, so the order the
//! tests run in never matters.
//!
//! `KILN_WEBTEST_BROWSERS=chromium,firefox` picks browsers (`none` skips the step, loudly). A
//! browser that cannot be installed or started fails the step when `CI` is set; locally it is
//! skipped with a loud notice. The benchmark lines the tests print (`kiln-web bench: …`) and
//! what each browser says about storage (`kiln-web storage: …`) are repeated in the summary.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use crate::e2e::{ensure_apt_packages, find_browser, in_ci};
use crate::{IGNORE_RUST_VERSION, cargo, ensure_wasm_target, root, step, target_dir};

/// The driver variables `wasm-bindgen-test-runner` reads; each run sets one and clears the rest.
const DRIVER_VARIABLES: &[&str] = &["CHROMEDRIVER", "GECKODRIVER", "SAFARIDRIVER"];

/// Seconds the runner waits for the tests of one browser (its default is too short for the
/// conformance suite on a busy machine).
const RUNNER_TIMEOUT_SECONDS: &str = "300";

/// The reply `tests/web.rs` expects from the fake provider (its `FAKE_REPLY`), after one
/// rate-limit error that the client retries.
const FAKE_REPLY: &str = "Hello from the fake provider, streamed in small deltas.";

/// The tool-calling conversation `tests/assistant.rs` expects (its `AGENT_FILE`,
/// `AGENT_CONTENT`, `AGENT_ANSWER`): the model writes this file, then answers.
const AGENT_FILE: &str = "hello.py";
const AGENT_CONTENT: &str = "print('Hello from Kiln')\n";
const AGENT_ANSWER: &str = "I wrote hello.py; run it to see the greeting.";

/// What happened in one browser.
struct Outcome {
    name: String,
    summary: String,
    bench: Vec<String>,
    seconds: f64,
    ok: bool,
}

/// `cargo xtask webtest`.
pub(crate) fn webtest() -> Result<(), String> {
    let started = Instant::now();
    let wanted: Vec<String> = std::env::var("KILN_WEBTEST_BROWSERS")
        .unwrap_or_else(|_| "chromium,firefox,webkit".to_owned())
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    let ci = in_ci();
    if wanted.is_empty() || wanted.iter().any(|b| b == "none") {
        return unavailable("every browser", "KILN_WEBTEST_BROWSERS=none", ci).map(drop);
    }
    let outcomes = run_browsers(&wanted, ci)?;

    println!(
        "\nbrowser test results ({:.0}s in all):",
        started.elapsed().as_secs_f64()
    );
    for outcome in &outcomes {
        println!(
            "  {:<9} {:>6.1}s  {}",
            outcome.name, outcome.seconds, outcome.summary
        );
        for line in &outcome.bench {
            println!("            {line}");
        }
    }
    if outcomes.iter().all(|o| o.ok) {
        Ok(())
    } else {
        Err("kiln-web's browser tests failed (see above)".to_owned())
    }
}

/// The storage benchmark's line (`kiln-web bench: …`) from a run of kiln-web's browser tests in
/// Chromium, for `cargo xtask bench`.
///
/// # Errors
/// When the tests cannot run or fail, or print no benchmark line.
pub(crate) fn storage_benchmark() -> Result<String, String> {
    let outcomes = run_browsers(&["chromium".to_owned()], true)?;
    let chromium = outcomes
        .into_iter()
        .next()
        .ok_or_else(|| "kiln-web's browser tests did not run in Chromium".to_owned())?;
    if !chromium.ok {
        return Err(format!(
            "kiln-web's browser tests failed in Chromium: {}",
            chromium.summary
        ));
    }
    chromium
        .bench
        .into_iter()
        .find_map(|l| {
            l.split_once("kiln-web bench:")
                .map(|(_, b)| b.trim().to_owned())
        })
        .ok_or_else(|| "kiln-web's browser tests printed no `kiln-web bench:` line".to_owned())
}

/// Builds kiln-web's browser tests once and runs them in each of `wanted`.
fn run_browsers(wanted: &[String], ci: bool) -> Result<Vec<Outcome>, String> {
    step("wasm-bindgen-test-runner, browsers and drivers for the browser tests");
    ensure_wasm_target()?;
    let runner = ensure_runner()?;
    ensure_apt_packages();
    let mut outcomes = Vec::new();
    let mut browsers = Vec::new();
    for name in wanted {
        match find_browser(name) {
            Ok(browser) => browsers.push((name.clone(), browser.driver)),
            Err(message) => outcomes.push(unavailable(name, &message, ci)?),
        }
    }

    step("the fake model provider for the fetch tests (kiln-fake-provider)");
    cargo(&["build", "-p", "kiln-fake-provider", IGNORE_RUST_VERSION])?;
    let provider = FakeProvider::prepare()?;

    step("kiln-web's browser tests for wasm32-unknown-unknown");
    println!("KILN_FAKE_PROVIDER_URL={}", provider.url);
    println!("KILN_FAKE_AGENT_URL={}", provider.agent_url);
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args([
            "test",
            "-p",
            "kiln-web",
            "--target",
            "wasm32-unknown-unknown",
            "--no-run",
            IGNORE_RUST_VERSION,
        ])
        .current_dir(root())
        .env("CARGO_TARGET_DIR", target_dir())
        .env("KILN_FAKE_PROVIDER_URL", &provider.url)
        .env("KILN_FAKE_AGENT_URL", &provider.agent_url)
        .status()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if !status.success() {
        return Err("building kiln-web's browser tests failed".to_owned());
    }

    for (name, driver) in &browsers {
        step(&format!("kiln-web's browser tests in {name}"));
        let t0 = Instant::now();
        // A fresh script for each browser: the replies are used up by one run.
        let server = provider.start()?;
        let outcome = run_browser(name, driver, &runner, &provider);
        drop(server);
        let seconds = t0.elapsed().as_secs_f64();
        match outcome {
            Ok(mut outcome) => {
                outcome.seconds = seconds;
                outcomes.push(outcome);
            }
            Err(message) => {
                let mut outcome = unavailable(name, &message, ci)?;
                outcome.seconds = seconds;
                outcomes.push(outcome);
            }
        }
    }
    Ok(outcomes)
}

/// `wasm-bindgen-test-runner` at the version of the workspace's `wasm-bindgen` pin (it comes
/// with wasm-bindgen-cli, which the build installs).
fn ensure_runner() -> Result<PathBuf, String> {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml"))
        .map_err(|e| format!("cannot read the workspace Cargo.toml: {e}"))?;
    let manifest: toml::Table = manifest
        .parse()
        .map_err(|e| format!("cannot parse the workspace Cargo.toml: {e}"))?;
    let version = manifest
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|d| d.get("wasm-bindgen"))
        .and_then(|v| {
            v.as_str()
                .or_else(|| v.get("version").and_then(|v| v.as_str()))
        })
        .map(|v| v.trim_start_matches('='))
        .ok_or(
            "the workspace Cargo.toml pins no `wasm-bindgen` version in [workspace.dependencies]",
        )?;
    let wasm_bindgen = crate::build::ensure_wasm_bindgen(version)?;
    let runner = wasm_bindgen.with_file_name("wasm-bindgen-test-runner");
    let output = Command::new(&runner)
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", runner.display()))?;
    let found = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if !found.contains(version) {
        return Err(format!(
            "{} is `{found}`, not {version}; delete it and run again to reinstall wasm-bindgen-cli",
            runner.display()
        ));
    }
    println!("wasm-bindgen-test-runner {version}: installed");
    Ok(runner)
}

/// Runs the tests in one browser. `Err` means the browser or its driver could not run them.
fn run_browser(
    name: &str,
    driver: &Path,
    runner: &Path,
    provider: &FakeProvider,
) -> Result<Outcome, String> {
    let (variable, xvfb) = match name {
        "chromium" => ("CHROMEDRIVER", false),
        "firefox" => ("GECKODRIVER", false),
        "webkit" => ("SAFARIDRIVER", true),
        other => return Err(format!("no wasm-bindgen-test driver for `{other}`")),
    };
    let cargo_program = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = if xvfb {
        let mut c = Command::new("xvfb-run");
        c.args(["-a", &cargo_program]);
        c
    } else {
        Command::new(&cargo_program)
    };
    command
        .args([
            "test",
            "-p",
            "kiln-web",
            "--target",
            "wasm32-unknown-unknown",
            IGNORE_RUST_VERSION,
            "--",
            "--nocapture",
        ])
        .current_dir(root())
        .env("CARGO_TARGET_DIR", target_dir())
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner)
        .env("WASM_BINDGEN_TEST_TIMEOUT", RUNNER_TIMEOUT_SECONDS)
        .env("KILN_FAKE_PROVIDER_URL", &provider.url)
        .env("KILN_FAKE_AGENT_URL", &provider.agent_url);
    for other in DRIVER_VARIABLES {
        command.env_remove(other);
    }
    command.env(variable, driver);
    command.env_remove("WASM_BINDGEN_TEST_WEBDRIVER_JSON");
    if name == "firefox" {
        // Firefox asks the user before `navigator.storage.persist()` resolves; these testing
        // prefs (the ones Firefox's own tests use) answer "allow", as a user clicking would.
        let capabilities = target_dir().join("kiln-web-firefox-webdriver.json");
        let prefs = serde_json::json!({"moz:firefoxOptions": {"prefs": {
            "dom.storageManager.prompt.testing": true,
            "dom.storageManager.prompt.testing.allow": true,
        }}});
        std::fs::write(&capabilities, prefs.to_string())
            .map_err(|e| format!("cannot write {}: {e}", capabilities.display()))?;
        command.env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &capabilities);
    }
    println!("$ {variable}={} {command:?}", driver.display());
    let output = command
        .output()
        .map_err(|e| format!("driver: cannot start the tests: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let text = format!("{stdout}{stderr}");
    let bench: Vec<String> = text
        .lines()
        .filter(|l| {
            l.contains("kiln-web bench:")
                || l.contains("kiln-web storage:")
                || l.contains("conformance on IndexedDB")
        })
        .map(|l| l.trim().to_owned())
        .collect();
    let results: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("test result:"))
        .collect();
    if output.status.success() {
        for line in text.lines().filter(|l| l.starts_with("test ")) {
            println!("{line}");
        }
        return Ok(Outcome {
            name: name.to_owned(),
            summary: results.join("; "),
            bench,
            seconds: 0.0,
            ok: true,
        });
    }
    println!("{text}");
    // No test ran at all: the browser or its driver did not start.
    if !text.contains("running ") {
        return Err(format!("driver: {name} did not start ({})", output.status));
    }
    Ok(Outcome {
        name: name.to_owned(),
        summary: format!("FAILED: {}", results.join("; ")),
        bench,
        seconds: 0.0,
        ok: false,
    })
}

/// A browser that cannot run here: an error in CI, a loud skip locally.
fn unavailable(name: &str, message: &str, ci: bool) -> Result<Outcome, String> {
    if ci {
        return Err(format!(
            "{name} cannot run kiln-web's browser tests: {message} (CI is set, so this fails)"
        ));
    }
    let banner = "!".repeat(78);
    println!(
        "\n{banner}\n!! SKIPPING kiln-web's browser tests in {name}: {message}\n!! (in CI this fails)\n{banner}"
    );
    Ok(Outcome {
        name: name.to_owned(),
        summary: format!("SKIPPED: {message}"),
        bench: Vec::new(),
        seconds: 0.0,
        ok: true,
    })
}

/// The `kiln-fake-provider` binary and its scenario file, on a port chosen once so the URL
/// compiled into the tests stays valid for every browser.
struct FakeProvider {
    binary: PathBuf,
    scenario: PathBuf,
    url: String,
    /// The assistant test's own server.
    agent_scenario: PathBuf,
    agent_url: String,
}

/// A running fake provider; killed (it is our own child) when dropped.
struct RunningProvider(Child);

/// A free port on 127.0.0.1.
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free port for the fake provider: {e}"))
}

impl Drop for RunningProvider {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl FakeProvider {
    fn prepare() -> Result<FakeProvider, String> {
        let binary = target_dir().join("debug/kiln-fake-provider");
        let port = free_port()?;
        let scenario = target_dir().join("kiln-web-fake-provider.json");
        let replies = serde_json::json!({
            "port": port,
            "replies": [
                {"error": {"kind": "rate_limit", "retry_after": 1}},
                {"text": FAKE_REPLY},
            ],
        });
        std::fs::write(&scenario, replies.to_string())
            .map_err(|e| format!("cannot write {}: {e}", scenario.display()))?;
        let agent_port = free_port()?;
        let agent_scenario = target_dir().join("kiln-web-fake-agent.json");
        let agent_replies = serde_json::json!({
            "port": agent_port,
            "replies": [
                {"tool_calls": [{"name": "write",
                                 "arguments": {"path": AGENT_FILE, "content": AGENT_CONTENT}}]},
                {"text": AGENT_ANSWER},
            ],
        });
        std::fs::write(&agent_scenario, agent_replies.to_string())
            .map_err(|e| format!("cannot write {}: {e}", agent_scenario.display()))?;
        Ok(FakeProvider {
            binary,
            scenario,
            url: format!("http://127.0.0.1:{port}"),
            agent_scenario,
            agent_url: format!("http://127.0.0.1:{agent_port}"),
        })
    }

    /// Starts both servers (the fetch tests' and the assistant test's).
    fn start(&self) -> Result<(RunningProvider, RunningProvider), String> {
        Ok((
            self.start_one(&self.scenario, &self.url)?,
            self.start_one(&self.agent_scenario, &self.agent_url)?,
        ))
    }

    /// Starts one server on `scenario` and waits for its "listening" line.
    fn start_one(&self, scenario: &Path, url: &str) -> Result<RunningProvider, String> {
        let mut child = Command::new(&self.binary)
            .arg(scenario)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.binary.display()))?;
        let stdout = child.stdout.take();
        let running = RunningProvider(child);
        let mut line = String::new();
        if let Some(stdout) = stdout {
            BufReader::new(stdout)
                .read_line(&mut line)
                .map_err(|e| format!("kiln-fake-provider said nothing: {e}"))?;
        }
        if !line.contains("listening on") {
            return Err(format!(
                "kiln-fake-provider did not start on {url} (it printed {line:?})"
            ));
        }
        println!("{}", line.trim());
        Ok(running)
    }
}
