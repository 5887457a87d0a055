//! `cargo xtask bench`: Kiln measured against Pyodide, quickjs-emscripten and the browser's own
//! engines in one run of headless Chromium (issue 8; the method is in `BENCHMARKS.md`).
//!
//! 1. Builds `dist/` in release: `cargo xtask build` with the recipe's full wasm-opt level (`-Oz`,
//!    output cached by the input's hash, so an unchanged runtime is not optimised twice).
//!    The result is copied at once to `<target>/bench/dist-release` and the copy is measured, since
//!    other builds (the e2e tests' `-O1` one) rewrite `dist/` too.
//! 2. Installs the harness's npm packages (`bench/package-lock.json`: playwright-core, pyodide,
//!    quickjs-emscripten, wabt, esbuild) with `npm ci` when `bench/node_modules` is missing or
//!    older than the lock file. `cargo xtask test` never does this.
//! 3. Runs `node bench/run.mjs`, which serves `dist/` and the peers on 127.0.0.1, drives Debian's
//!    `/usr/bin/chromium` through playwright-core, and writes `<target>/bench/results.json` and
//!    `results.md` (the table it prints).
//!
//! Environment: `KILN_BENCH_SAMPLES` (default 5), `KILN_BENCH_CHROMIUM` (default
//! `/usr/bin/chromium`), `KILN_BENCH_SKIP_BUILD=1` measures the `dist/` already there.

use std::path::Path;
use std::process::Command;
use std::time::{Instant, SystemTime};

use crate::{root, step, target_dir};

/// The Chromium the harness drives unless `KILN_BENCH_CHROMIUM` names another.
const CHROMIUM: &str = "/usr/bin/chromium";

pub(crate) fn bench() -> Result<(), String> {
    let started = Instant::now();
    let root = root();
    let bench = root.join("bench");
    let chromium = std::env::var("KILN_BENCH_CHROMIUM").unwrap_or_else(|_| CHROMIUM.to_owned());
    if !Path::new(&chromium).exists() {
        return Err(format!(
            "the benchmark drives Chromium at {chromium}, which is missing: install Debian's \
             `chromium` package (apt-get install chromium) or set KILN_BENCH_CHROMIUM"
        ));
    }

    if std::env::var_os("KILN_BENCH_SKIP_BUILD").is_some() {
        step("dist/: measuring the build already there (KILN_BENCH_SKIP_BUILD)");
    } else {
        step("dist/ in release (cargo xtask build, wasm-opt -Oz cached by input hash)");
        let exe = std::env::current_exe().map_err(|e| format!("cannot find xtask itself: {e}"))?;
        let status = Command::new(exe)
            .arg("build")
            .env_remove("KILN_WASM_OPT")
            .env_remove("KILN_MODULES")
            .status()
            .map_err(|e| format!("cannot run xtask build: {e}"))?;
        if !status.success() {
            return Err(
                "building dist/ in release failed (see the build's output above)".to_owned(),
            );
        }
    }

    // Other builds (the e2e tests' light one) rewrite dist/ too: copy the release build at once,
    // and measure the copy.
    let measured = target_dir().join("bench/dist-release");
    println!(
        "copying dist/ to {} (the build measured)",
        measured.display()
    );
    let _ = std::fs::remove_dir_all(&measured);
    copy_dir(&root.join("dist"), &measured)?;

    step("storage: kiln-web's IndexedDB benchmark in Chromium (cargo xtask webtest's tests)");
    let out = target_dir().join("bench");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let storage = crate::webtest::storage_benchmark()?;
    println!("kiln-web bench: {storage}");
    std::fs::write(out.join("storage.txt"), &storage)
        .map_err(|e| format!("cannot write {}: {e}", out.join("storage.txt").display()))?;

    step("the harness's npm packages (bench/package-lock.json)");
    npm_ci_when_needed(&bench)?;

    step("the benchmark: node bench/run.mjs (Chromium, every engine interleaved)");
    println!(
        "$ node bench/run.mjs --dist {} --out {}",
        measured.display(),
        out.display()
    );
    let status = Command::new("node")
        .arg(bench.join("run.mjs"))
        .arg("--dist")
        .arg(&measured)
        .arg("--out")
        .arg(&out)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("KILN_BENCH_CHROMIUM", &chromium)
        .current_dir(&root)
        .status()
        .map_err(|e| format!("node is needed to run the benchmark harness: {e}"))?;
    if !status.success() {
        return Err(format!(
            "the benchmark harness failed ({status}); its last lines above say which step"
        ));
    }
    println!(
        "\nbenchmark done in {:.0}s: {} and {}",
        started.elapsed().as_secs_f64(),
        out.join("results.json").display(),
        out.join("results.md").display()
    );
    Ok(())
}

/// `npm ci` in `bench/` when `node_modules` is missing or older than `package-lock.json` (npm
/// writes `node_modules/.package-lock.json` on every install).
fn npm_ci_when_needed(bench: &Path) -> Result<(), String> {
    let modified = |path: &Path| -> Option<SystemTime> {
        std::fs::metadata(path).and_then(|m| m.modified()).ok()
    };
    let lock = modified(&bench.join("package-lock.json"));
    let installed = modified(&bench.join("node_modules/.package-lock.json"));
    if let (Some(lock), Some(installed)) = (lock, installed)
        && installed >= lock
    {
        println!("bench/node_modules: up to date");
        return Ok(());
    }
    println!("$ npm ci (in bench/: playwright-core, pyodide, quickjs-emscripten, wabt, esbuild)");
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(bench)
        .status()
        .map_err(|e| format!("npm is needed to install the benchmark's packages: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("`npm ci` in bench/ failed: check that the npm registry is reachable".to_owned())
    }
}

/// Copies the folder `from` to `to`, recursively.
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("cannot list {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", from.display()))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_dir(&source, &target)?;
        } else {
            std::fs::copy(&source, &target)
                .map_err(|e| format!("cannot copy {}: {e}", source.display()))?;
        }
    }
    Ok(())
}
