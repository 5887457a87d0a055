//! `cargo xtask`: Kiln's build, serve and test automation.
//!
//! - `cargo xtask test`: everything CI checks — formatting, clippy on the host and on
//!   `wasm32-unknown-unknown` for every crate that runs in the browser, and all native tests.
//! - `cargo xtask build`: the static site in `dist/` (runner workers per `wasm-pack.toml`, the
//!   `www/` files, Python's standard library as fetchable files); see `build.rs`.
//! - `cargo xtask serve`: builds, then serves `dist/` on `http://127.0.0.1:8080` (`PORT`).
//! - `cargo xtask e2e`: the end-to-end tests (`tests/e2e`) in Chromium, Firefox ESR and
//!   WebKitGTK over WebDriver; also the last step of `cargo xtask test`.
//! - `cargo xtask webtest`: kiln-web's `wasm-bindgen-test` browser tests (IndexedDB store, fetch
//!   transport) in the same three browsers; a step of `cargo xtask test`, before the e2e step.
//! - `cargo xtask smoke`: builds and runs `tests/browser/smoke.py` in headless Chromium.
//! - `cargo xtask bench`: the release build against Pyodide, quickjs-emscripten and native
//!   engines in headless Chromium (`bench/`, `BENCHMARKS.md`); `cargo xtask budgets`: the size
//!   budgets `test` checks after the e2e step.
//!
//! Each command installs what it needs on a fresh Debian machine (the wasm32 target,
//! wasm-bindgen-cli, binaryen's wasm-opt) and
//! prints every step. The build cache lives outside the clone (`$HOME/.cache/kiln/target`) unless
//! `CARGO_TARGET_DIR` says otherwise, so CI rebuilds incrementally.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

// bench: Kiln against Pyodide, quickjs-emscripten and native engines (bench/, BENCHMARKS.md).
mod bench;
// budgets: size budgets checked by `cargo xtask test` after the e2e step.
mod budgets;
mod build;
// e2e: the end-to-end browser tests (tests/e2e).
mod e2e;
mod size;
// webtest: kiln-web's wasm-bindgen browser tests in three browsers (xtask/src/webtest.rs).
mod webtest;

/// Crates that must keep compiling for the browser.
const WASM_CRATES: &[&str] = &[
    "kiln-agent",
    "kiln-analyzer",
    "kiln-app",
    "kiln-assistant",
    "kiln-core",
    "kiln-js",
    "kiln-python",
    "kiln-sessions",
    "kiln-vfs",
    "kiln-wasm",
    "kiln-web",
];

/// The runner worker's features: one wasm module per language.
const WORKER_FEATURES: &[&str] = &["js", "python", "wasm"];

/// The wasm32 steps pass `--no-default-features` (to keep RustPython's frozen standard library
/// out), so the analyzer's parsers are switched back on by name: it is checked with all of them.
const WASM_FEATURES: &str = "kiln-analyzer/js,kiln-analyzer/python,kiln-analyzer/wasm";

/// RustPython's pinned parser crates declare Rust 1.96 but build with 1.95 (DESIGN.md §5).
pub(crate) const IGNORE_RUST_VERSION: &str = "--ignore-rust-version";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("build") => build::build(),
        Some("serve") => serve(),
        Some("smoke") => build::smoke(),
        // e2e: the end-to-end browser tests (tests/e2e).
        Some("e2e") => e2e::e2e(),
        // webtest: kiln-web's browser tests (wasm-bindgen-test).
        Some("webtest") => webtest::webtest(),
        Some("wasm") => build_wasm(),
        Some("size") => size::measure(&root(), &target_dir()),
        Some("bench") => bench::bench(),
        Some("budgets") => budgets::check_release(),
        Some("help" | "--help" | "-h") | None => {
            print_help();
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`; run `cargo xtask help`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    println!(
        "cargo xtask <command>\n\n\
         test    formatting, clippy (host + wasm32), all native tests — what CI runs\n\
         build   build the static site into dist/ (KILN_WASM_OPT=test|off, KILN_MODULES=js,python,wasm)\n\
         serve   build, then serve dist/ on http://127.0.0.1:8080 (PORT overrides)\n\
         smoke   build, serve and check every language in headless Chromium (tests/browser/smoke.py)\n\
         e2e     end-to-end tests of dist/ in Chromium, Firefox ESR and WebKitGTK (tests/e2e; KILN_E2E_BROWSERS)\n\
         webtest kiln-web's browser tests (wasm-bindgen-test) in Chromium, Firefox ESR and WebKitGTK (KILN_WEBTEST_BROWSERS)\n\
         wasm    build every runner crate for wasm32-unknown-unknown in release mode\n\
         size    weigh each runner's wasm module after wasm-opt -Oz (raw and brotli)\n\
         bench   release dist/ vs Pyodide, quickjs-emscripten and native engines in Chromium (BENCHMARKS.md)\n\
         budgets build dist/ as shipped (-Oz) and check its size budgets (brotli); also part of `test`"
    );
}

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

pub(crate) fn target_dir() -> PathBuf {
    if let Some(dir) = env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let home = env::var_os("HOME").map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    home.join(".cache/kiln/target")
}

pub(crate) fn step(title: &str) {
    println!("\n==> {title}");
}

pub(crate) fn cargo(args: &[&str]) -> Result<(), String> {
    let started = Instant::now();
    println!("$ cargo {}", args.join(" "));
    let status = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(args)
        .current_dir(root())
        .env("CARGO_TARGET_DIR", target_dir())
        .status()
        .map_err(|err| format!("could not start cargo: {err}"))?;
    println!("    ({:.1}s)", started.elapsed().as_secs_f64());
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

pub(crate) fn ensure_wasm_target() -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|err| format!("rustup is needed to add the wasm32 target: {err}"))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("wasm32-unknown-unknown target: installed");
        return Ok(());
    }
    println!("installing the wasm32-unknown-unknown target (rustup target add)");
    let status = Command::new("rustup")
        .args(["target", "add", "wasm32-unknown-unknown"])
        .status()
        .map_err(|err| format!("could not run rustup: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("rustup target add wasm32-unknown-unknown failed".to_owned())
    }
}

fn ensure_components() -> Result<(), String> {
    for (component, probe) in [("rustfmt", "fmt"), ("clippy", "clippy")] {
        let ok = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
            .args([probe, "--version"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            println!("installing the {component} component (rustup component add {component})");
            let status = Command::new("rustup")
                .args(["component", "add", component])
                .status()
                .map_err(|err| format!("could not run rustup: {err}"))?;
            if !status.success() {
                return Err(format!("rustup component add {component} failed"));
            }
        }
    }
    Ok(())
}

fn wasm_package_args() -> Vec<&'static str> {
    let mut args: Vec<&'static str> = WASM_CRATES.iter().flat_map(|c| ["-p", *c]).collect();
    args.extend(["--features", WASM_FEATURES]);
    args
}

fn test() -> Result<(), String> {
    let started = Instant::now();
    println!("Kiln test suite (target dir: {})", target_dir().display());
    step("toolchain");
    ensure_components()?;
    ensure_wasm_target()?;

    step("formatting (cargo fmt --check)");
    cargo(&["fmt", "--all", "--check"])?;

    step("clippy on the host, warnings are errors");
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        IGNORE_RUST_VERSION,
        "--",
        "-D",
        "warnings",
    ])?;

    step("clippy for wasm32-unknown-unknown (the crates that run in the browser)");
    let mut args = vec![
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "--no-default-features",
        IGNORE_RUST_VERSION,
    ];
    args.extend(wasm_package_args());
    args.extend(["--", "-D", "warnings"]);
    cargo(&args)?;

    // The worker is built once per language, so it is checked once per language.
    for feature in WORKER_FEATURES {
        step(&format!(
            "clippy for the {feature} worker (kiln-worker --features {feature}) on wasm32"
        ));
        cargo(&[
            "clippy",
            "-p",
            "kiln-worker",
            "--target",
            "wasm32-unknown-unknown",
            "--features",
            feature,
            IGNORE_RUST_VERSION,
            "--",
            "-D",
            "warnings",
        ])?;
    }

    step("native tests (runners, CLI, differential corpus)");
    cargo(&["test", "--workspace", IGNORE_RUST_VERSION])?;

    step("worker protocol driven natively (kiln-worker with each runner)");
    for feature in WORKER_FEATURES {
        cargo(&[
            "test",
            "-p",
            "kiln-worker",
            "--features",
            feature,
            IGNORE_RUST_VERSION,
        ])?;
    }

    // webtest: kiln-web's browser tests (IndexedDB store) in Chromium, Firefox ESR and WebKitGTK.
    step("kiln-web browser tests in Chromium, Firefox ESR and WebKitGTK (xtask/src/webtest.rs)");
    webtest::webtest()?;

    // e2e: installs the browsers and drivers, builds dist/ (light wasm-opt), serves it and runs
    // tests/e2e in Chromium, Firefox ESR and WebKitGTK (xtask/src/e2e.rs).
    step("end-to-end tests in Chromium, Firefox ESR and WebKitGTK (tests/e2e)");
    e2e::e2e()?;

    // budgets: brotli sizes of embed.js, the widget and each language's first run (budgets.rs).
    step("size budgets (brotli) of the widget and each language's first run");
    budgets::check_release()?;

    println!(
        "\nall checks passed in {:.0}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn build_wasm() -> Result<(), String> {
    step("toolchain");
    ensure_wasm_target()?;
    step("runner crates for wasm32-unknown-unknown, release");
    let mut args = vec![
        "build",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "--no-default-features",
        IGNORE_RUST_VERSION,
    ];
    args.extend(wasm_package_args());
    cargo(&args)
}

fn serve() -> Result<(), String> {
    build::build()?;
    build::serve_dist()
}
