//! `cargo xtask size`: builds the size probe once per runner for wasm32 (profile `wasm-release`),
//! shrinks each module with `wasm-opt -Oz` (binaryen from npm; Debian's is too old), and reports
//! raw and brotli bytes. Results go to `<target>/size/sizes.json`.
//!
//! wasm-opt takes minutes on the Python runtime, so its output is cached by the input's hash.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{IGNORE_RUST_VERSION, cargo, ensure_wasm_target, step};

/// binaryen's npm package, pinned; it ships a wasm-opt that runs offline.
const BINARYEN: &str = "binaryen@132.0.0";

/// The wasm proposals rustc's wasm32 output uses, which wasm-opt must accept.
pub(crate) const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

const RUNNERS: &[(&str, &str)] = &[
    ("js", "Boa"),
    ("python", "RustPython, no stdlib"),
    ("wasm", "wasmi + wat"),
];

pub(crate) fn measure(_root: &Path, target: &Path) -> Result<(), String> {
    step("toolchain");
    ensure_wasm_target()?;
    let tools = tools_dir(target);
    let wasm_opt = ensure_wasm_opt(&tools)?;
    let out = target.join("size");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;

    let mut rows = Vec::new();
    for (feature, engine) in RUNNERS {
        step(&format!(
            "{feature} runner ({engine}) for wasm32, profile wasm-release"
        ));
        cargo(&[
            "build",
            "-p",
            "kiln-size-probe",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
            "--features",
            feature,
            IGNORE_RUST_VERSION,
        ])?;
        let built = target.join("wasm32-unknown-unknown/wasm-release/kiln_size_probe.wasm");
        let raw_module = out.join(format!("{feature}.wasm"));
        std::fs::copy(&built, &raw_module)
            .map_err(|e| format!("cannot copy {}: {e}", built.display()))?;
        let optimised = optimise(&wasm_opt, &raw_module, &out)?;
        let raw = file_len(&optimised)?;
        let brotli = brotli_len(&optimised)?;
        println!("{feature}: {raw} bytes after wasm-opt -Oz, {brotli} bytes brotli");
        rows.push((
            feature.to_string(),
            engine.to_string(),
            file_len(&raw_module)?,
            raw,
            brotli,
        ));
    }

    println!("\n| runner | engine | before wasm-opt | after -Oz | brotli |\n|---|---|---|---|---|");
    for (feature, engine, before, raw, brotli) in &rows {
        println!(
            "| {feature} | {engine} | {} KiB | {} KiB | {} KiB |",
            before / 1024,
            raw / 1024,
            brotli / 1024
        );
    }
    let json: Vec<String> = rows
        .iter()
        .map(|(f, _, before, raw, brotli)| {
            format!("{{\"runner\":\"{f}\",\"unoptimised_bytes\":{before},\"bytes\":{raw},\"brotli_bytes\":{brotli}}}")
        })
        .collect();
    let path = out.join("sizes.json");
    std::fs::write(&path, format!("[{}]\n", json.join(",")))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("\nwritten to {}", path.display());
    Ok(())
}

fn tools_dir(target: &Path) -> PathBuf {
    target
        .parent()
        .map_or_else(|| target.join("tools"), |p| p.join("tools"))
}

pub(crate) fn ensure_wasm_opt(tools: &Path) -> Result<PathBuf, String> {
    let wasm_opt = tools.join("node_modules/.bin/wasm-opt");
    if wasm_opt.exists() {
        return Ok(wasm_opt);
    }
    println!(
        "installing wasm-opt ({BINARYEN} from npm) into {}",
        tools.display()
    );
    std::fs::create_dir_all(tools)
        .map_err(|e| format!("cannot create {}: {e}", tools.display()))?;
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(tools)
        .arg(BINARYEN)
        .status()
        .map_err(|e| format!("npm is needed to install wasm-opt: {e}"))?;
    if status.success() && wasm_opt.exists() {
        Ok(wasm_opt)
    } else {
        Err(format!("npm install {BINARYEN} failed"))
    }
}

fn optimise(wasm_opt: &Path, input: &Path, out: &Path) -> Result<PathBuf, String> {
    let bytes =
        std::fs::read(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    let cached = out.join(format!("opt-{:016x}.wasm", hasher.finish()));
    if cached.exists() {
        println!("wasm-opt output cached: {}", cached.display());
        return Ok(cached);
    }
    println!(
        "$ wasm-opt -Oz {} (takes minutes for the Python runtime)",
        input.display()
    );
    let status = Command::new(wasm_opt)
        .arg("-Oz")
        .args(WASM_FEATURES)
        .arg(input)
        .arg("-o")
        .arg(&cached)
        .status()
        .map_err(|e| format!("could not run wasm-opt: {e}"))?;
    if status.success() {
        Ok(cached)
    } else {
        Err(format!("wasm-opt failed on {}", input.display()))
    }
}

fn file_len(path: &Path) -> Result<u64, String> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("cannot stat {}: {e}", path.display()))
}

fn brotli_len(path: &Path) -> Result<u64, String> {
    // Node's zlib has brotli at the quality static hosts use (11).
    let script = "const z=require('zlib');const b=require('fs').readFileSync(process.argv[1]);\
                  process.stdout.write(String(z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length))";
    let output = Command::new("node")
        .args(["-e", script])
        .arg(path)
        .output()
        .map_err(|e| format!("node is needed to measure brotli sizes: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .map_err(|_| format!("could not measure brotli size of {}", path.display()))
}
