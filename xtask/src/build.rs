//! `cargo xtask build` and `cargo xtask serve`: the static site in `dist/`.
//!
//! The build follows `wasm-pack.toml`: each `[[module]]` is built for wasm32 with `cargo rustc`
//! (profile `wasm-release`, its features, `-zstack-size` for the linker), bound with
//! `wasm-bindgen --target web` into `dist/<out-dir>`, then shrunk by binaryen's wasm-opt (cached by
//! the input's hash). `www/` is copied as is, and Python's standard library goes to `dist/pylib/`
//! as precompiled units (RustPython bytecode, one file per module) with an `index.json` of their
//! names, sizes and imports, which the Python worker prefetches from (DESIGN.md §5).
//!
//! The widget's front end comes from `www/` too: `www/editor/editor.js` (CodeMirror 6 from npm,
//! pinned in `package.json`/`package-lock.json` at the repository root) is bundled by esbuild into
//! `dist/editor/` (split per language), `embed.js` and `cell.js` are minified, and `dist/sw.js` gets
//! the build's version, its app-shell list and the runtimes' sizes (see `www/sw.js`).
//!
//! Environment: `KILN_WASM_OPT=test` uses the recipe's light wasm-opt level (test builds),
//! `KILN_WASM_OPT=off` skips wasm-opt; `KILN_MODULES=js,wasm` builds only those modules (by
//! feature name), keeping what an earlier build left for the others (`KILN_MODULES=none` copies
//! only the static files).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde::Deserialize;

use crate::{IGNORE_RUST_VERSION, cargo, ensure_wasm_target, root, step, target_dir};

/// `wasm-pack.toml`.
#[derive(Debug, Deserialize)]
struct Recipe {
    defaults: Defaults,
    module: Vec<Module>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Defaults {
    target: String,
    profile: String,
    wasm_bindgen: String,
    wasm_opt: String,
    wasm_opt_test: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Module {
    name: String,
    #[serde(rename = "crate")]
    krate: String,
    features: Vec<String>,
    out_dir: String,
    stack_size: Option<u64>,
    /// `false` for the app's own module (`worker = false` in the recipe): it runs on the page's
    /// main thread, is built whatever `KILN_MODULES` says, and the service worker precaches it.
    #[serde(default = "runs_in_a_worker")]
    worker: bool,
}

fn runs_in_a_worker() -> bool {
    true
}

/// Top-level parts of the Python library a sandboxed program has no use for (GUI, packaging,
/// the library's own tests and tools). Folders named `test`/`tests`/`idle_test` are skipped at
/// every depth, and so is every top-level name starting with `test`.
const PYLIB_SKIPPED: &[&str] = &[
    "__pycache__",
    "idlelib",
    "tkinter",
    "turtledemo",
    "turtle.py",
    "ensurepip",
    "venv",
    "lib2to3",
    "pydoc_data",
    "site-packages",
    "distutils",
    "msilib",
    "_pyrepl",
];

pub(crate) fn build() -> Result<(), String> {
    let started = Instant::now();
    let root = root();
    let recipe = read_recipe(&root)?;
    let dist = root.join("dist");
    std::fs::create_dir_all(&dist).map_err(|e| format!("cannot create {}: {e}", dist.display()))?;

    step("toolchain");
    ensure_wasm_target()?;
    let wasm_bindgen = ensure_wasm_bindgen(&recipe.defaults.wasm_bindgen)?;
    let opt_level = match std::env::var("KILN_WASM_OPT").as_deref() {
        Ok("off") => None,
        Ok("test") => Some(recipe.defaults.wasm_opt_test.clone()),
        _ => Some(recipe.defaults.wasm_opt.clone()),
    };
    let wasm_opt = match opt_level {
        Some(_) => Some(crate::size::ensure_wasm_opt(&tools_dir())?),
        None => None,
    };

    let only = std::env::var("KILN_MODULES").ok();
    for module in &recipe.module {
        let key = module.features.first().map_or("", String::as_str);
        if module.worker
            && only
                .as_deref()
                .is_some_and(|only| !only.split(',').any(|m| m.trim() == key))
        {
            println!("\n(skipping {}: not in KILN_MODULES)", module.name);
            continue;
        }
        build_module(
            &recipe.defaults,
            module,
            &dist,
            &wasm_bindgen,
            wasm_opt.as_deref().zip(opt_level.as_deref()),
        )?;
    }

    step("static files (www/ → dist/)");
    let editor_source = root.join("www/editor");
    copy_tree(&root.join("www"), &dist, &|p: &Path| p != editor_source)?;
    let _ = std::fs::remove_file(dist.join("README.md"));

    step("widget: editor bundle, minified loader and cell (esbuild)");
    widget(&root, &dist)?;

    step("Python standard library (dist/pylib/: precompiled units and index.json)");
    pylib(&root, &dist)?;

    step("service worker (dist/sw.js: version, app shell, runtime sizes)");
    service_worker(&dist)?;

    println!(
        "\ndist/ built in {:.0}s: {}",
        started.elapsed().as_secs_f64(),
        dist.display()
    );
    Ok(())
}

// ---- The widget (www/editor, embed.js, cell.js) and the service worker.

/// `npm ci` when `node_modules` is missing, then esbuild: the CodeMirror bundle into
/// `dist/editor/` and minified copies of `embed.js` and `cell.js`; prints their brotli sizes.
fn widget(root: &Path, dist: &Path) -> Result<(), String> {
    let esbuild = root.join("node_modules/.bin/esbuild");
    if esbuild.exists() {
        println!("node_modules: present");
    } else {
        println!(
            "node_modules is missing: running `npm ci` (esbuild and CodeMirror, pinned in package-lock.json)"
        );
        run(Command::new("npm").arg("ci").current_dir(root))?;
    }
    let out = dist.join("editor");
    let _ = std::fs::remove_dir_all(&out);
    run(Command::new(&esbuild)
        .arg(root.join("www/editor/editor.js"))
        .args([
            "--bundle",
            "--format=esm",
            "--splitting",
            "--minify",
            "--target=es2020",
            "--chunk-names=chunk-[hash]",
            "--log-level=warning",
        ])
        .arg(format!("--outdir={}", out.display())))?;
    for file in ["embed.js", "cell.js"] {
        run(Command::new(&esbuild)
            .arg(root.join("www").join(file))
            .args([
                "--minify",
                "--format=esm",
                "--target=es2020",
                "--log-level=warning",
            ])
            .arg(format!("--outfile={}", dist.join(file).display())))?;
    }
    // Sizes as transferred with brotli (node's zlib, quality 11).
    let script = "const z=require('zlib'),fs=require('fs'),p=require('path');let t=0;\
        for(const f of process.argv.slice(1)){const b=fs.readFileSync(f);\
        const n=z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length;\
        if(!f.endsWith('embed.js'))t+=n;\
        console.log(`${p.relative(process.cwd(),f)}: ${b.length} bytes, ${(n/1024).toFixed(1)} KiB brotli`)}\
        console.log(`cell UI + CSS + editor (all languages): ${(t/1024).toFixed(1)} KiB brotli`)";
    let mut files = vec![
        dist.join("embed.js"),
        dist.join("cell.js"),
        dist.join("cell.css"),
    ];
    files.extend(files_under(&out)?);
    let _ = run(Command::new("node")
        .args(["-e", script])
        .args(&files)
        .current_dir(dist));
    Ok(())
}

/// Every file under `dir`, sorted.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Writes the build's version (a hash of every other file in `dist/`), the app shell to
/// precache and the runtimes' sizes into `dist/sw.js`.
fn service_worker(dist: &Path) -> Result<(), String> {
    let sw = dist.join("sw.js");
    let text =
        std::fs::read_to_string(&sw).map_err(|e| format!("cannot read {}: {e}", sw.display()))?;
    let mut hasher = DefaultHasher::new();
    let mut shell = Vec::new();
    let mut sizes = Vec::new();
    for path in files_under(dist)? {
        if path == sw {
            continue;
        }
        let relative = path
            .strip_prefix(dist)
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .replace('\\', "/");
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        relative.hash(&mut hasher);
        bytes.hash(&mut hasher);
        let top = !relative.contains('/');
        let ext = relative.rsplit('.').next().unwrap_or("");
        let test_page = ["smoke", "e2e"].iter().any(|t| relative.starts_with(t));
        if (top
            && !test_page
            && matches!(ext, "html" | "js" | "css" | "webmanifest" | "svg" | "png"))
            || relative.starts_with("editor/")
            || (relative.starts_with("pkg/") && ext == "js")
            || relative.starts_with("pkg/app/")
        {
            shell.push(format!("\"{relative}\""));
        }
        if relative.starts_with("pkg/") && ext == "wasm" {
            sizes.push(format!("\"{relative}\": {}", bytes.len()));
        }
    }
    let build = format!("{:016x}", hasher.finish());
    let mut out = String::new();
    for line in text.lines() {
        let line = match line {
            "const BUILD = \"dev\";" => format!("const BUILD = \"{build}\";"),
            "const SHELL = [];" => format!("const SHELL = [{}];", shell.join(", ")),
            "const SIZES = {};" => format!("const SIZES = {{{}}};", sizes.join(", ")),
            other => other.to_owned(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    if !out.contains(&build) {
        return Err("www/sw.js lost its `const BUILD = \"dev\";` line".to_owned());
    }
    std::fs::write(&sw, out).map_err(|e| format!("cannot write {}: {e}", sw.display()))?;
    println!(
        "sw.js: version {build}, {} shell files, {} runtimes",
        shell.len(),
        sizes.len()
    );
    Ok(())
}

fn read_recipe(root: &Path) -> Result<Recipe, String> {
    let path = root.join("wasm-pack.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn build_module(
    defaults: &Defaults,
    module: &Module,
    dist: &Path,
    wasm_bindgen: &Path,
    wasm_opt: Option<(&Path, &str)>,
) -> Result<(), String> {
    step(&format!(
        "{} ({} with features {}) for {}, profile {}",
        module.name,
        module.krate,
        module.features.join(","),
        defaults.target,
        defaults.profile
    ));
    let features = module.features.join(",");
    let mut args = vec![
        "rustc",
        "-p",
        &module.krate,
        "--lib",
        "--target",
        &defaults.target,
        "--profile",
        &defaults.profile,
        IGNORE_RUST_VERSION,
    ];
    if !features.is_empty() {
        args.extend(["--features", &features]);
    }
    let link_arg;
    if let Some(stack) = module.stack_size {
        link_arg = format!("link-arg=-zstack-size={stack}");
        args.extend(["--", "-C", &link_arg]);
    }
    cargo(&args)?;

    let artifact = module.krate.replace('-', "_");
    let built = target_dir()
        .join(&defaults.target)
        .join(&defaults.profile)
        .join(format!("{artifact}.wasm"));
    let out = dist.join(&module.out_dir);
    let _ = std::fs::remove_dir_all(&out);
    run(Command::new(wasm_bindgen)
        .arg(&built)
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&out))?;

    let bound = out.join(format!("{artifact}_bg.wasm"));
    if let Some((wasm_opt, level)) = wasm_opt {
        let optimised = optimise(wasm_opt, level, &bound)?;
        std::fs::copy(&optimised, &bound)
            .map_err(|e| format!("cannot copy {}: {e}", optimised.display()))?;
    }
    let bytes = std::fs::metadata(&bound).map_or(0, |m| m.len());
    println!("{}: {} KiB", bound.display(), bytes / 1024);
    Ok(())
}

fn run(command: &mut Command) -> Result<(), String> {
    println!("$ {command:?}");
    let status = command
        .status()
        .map_err(|e| format!("could not run {:?}: {e}", command.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{:?} failed ({status})", command.get_program()))
    }
}

fn tools_dir() -> PathBuf {
    let target = target_dir();
    target
        .parent()
        .map_or_else(|| target.join("tools"), |p| p.join("tools"))
}

/// wasm-bindgen-cli at exactly the recipe's version, under `$HOME/.cache/kiln/tools`.
pub(crate) fn ensure_wasm_bindgen(version: &str) -> Result<PathBuf, String> {
    let tools = tools_dir();
    let binary = tools.join("bin/wasm-bindgen");
    let installed = Command::new(&binary)
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(version));
    if installed {
        println!("wasm-bindgen {version}: installed");
        return Ok(binary);
    }
    println!(
        "installing wasm-bindgen-cli {version} into {} (cargo install; about 12 minutes on 2 cores)",
        tools.display()
    );
    // Not `--locked`: one of its locked dependencies is no longer in the registry.
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            version,
            "--root",
        ])
        .arg(&tools)
        .status()
        .map_err(|e| format!("could not run cargo install: {e}"))?;
    if status.success() {
        Ok(binary)
    } else {
        Err(format!("cargo install wasm-bindgen-cli {version} failed"))
    }
}

/// wasm-opt's output for `input` at `level`, cached under `$HOME/.cache/kiln/wasm-opt/` by the
/// input's hash (it takes minutes on the Python runtime).
fn optimise(wasm_opt: &Path, level: &str, input: &Path) -> Result<PathBuf, String> {
    let bytes =
        std::fs::read(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    level.hash(&mut hasher);
    let cache = tools_dir()
        .parent()
        .map_or_else(|| PathBuf::from("wasm-opt"), |p| p.join("wasm-opt"));
    std::fs::create_dir_all(&cache)
        .map_err(|e| format!("cannot create {}: {e}", cache.display()))?;
    let cached = cache.join(format!("{:016x}.wasm", hasher.finish()));
    if cached.exists() {
        println!("wasm-opt {level}: cached ({})", cached.display());
        return Ok(cached);
    }
    let partial = cached.with_extension("partial");
    run(Command::new(wasm_opt)
        .arg(level)
        .args(crate::size::WASM_FEATURES)
        .arg(input)
        .arg("-o")
        .arg(&partial))?;
    std::fs::rename(&partial, &cached).map_err(|e| format!("cannot keep wasm-opt output: {e}"))?;
    Ok(cached)
}

/// The shipped part of RustPython's `Lib/` (`keep_in_pylib`) compiled into `dist/pylib/`: one
/// precompiled unit per module and `index.json`, by kiln-python's `compile_pylib` example (a native
/// build of the same RustPython as the runtime, so the bytecode matches). The `.py` sources are
/// not shipped: tracebacks show library frames by file name and line, without their text, the
/// same as when the worker compiled the sources itself.
fn pylib(root: &Path, dist: &Path) -> Result<(), String> {
    let lib = pylib_source(root)?;
    let staged = target_dir().join("kiln-pylib-src");
    let _ = std::fs::remove_dir_all(&staged);
    let copied = copy_tree(&lib, &staged, &|path: &Path| keep_in_pylib(&lib, path))?;
    println!("{copied} files from {}", lib.display());
    let out = dist.join("pylib");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let (staged_arg, out_arg) = (staged.to_string_lossy(), out.to_string_lossy());
    // The dev profile (dependencies at opt-level 1) compiles the library in seconds and
    // shares its RustPython build with the native tests, where `--release` would add a second
    // full native build of RustPython to a cold CI run.
    cargo(&[
        "run",
        IGNORE_RUST_VERSION,
        "-p",
        "kiln-python",
        "--no-default-features",
        "--example",
        "compile_pylib",
        "--",
        &staged_arg,
        &out_arg,
    ])?;
    let license = staged.join("PSF-LICENSE");
    if license.is_file() {
        std::fs::copy(&license, out.join("PSF-LICENSE"))
            .map_err(|e| format!("cannot copy {}: {e}", license.display()))?;
    }
    Ok(())
}

/// RustPython's `Lib/` folder (`rustpython_pylib::LIB_PATH`), found through `cargo metadata`.
fn pylib_source(root: &Path) -> Result<PathBuf, String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        // Host packages only: resolving every platform would download crates never built here.
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--filter-platform",
        ])
        .arg(host_triple())
        .current_dir(root)
        .output()
        .map_err(|e| format!("could not run cargo metadata: {e}"))?;
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata printed no JSON: {e}"))?;
    metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == "rustpython-pylib")
        .filter_map(|p| p["manifest_path"].as_str())
        .map(|manifest| Path::new(manifest).with_file_name("Lib"))
        .find(|lib| lib.is_dir())
        .ok_or_else(|| "rustpython-pylib's Lib folder not found (cargo fetch first)".to_owned())
}

/// The host's target triple, from `rustc -vV`.
fn host_triple() -> String {
    Command::new("rustc")
        .arg("-vV")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        })
        .unwrap_or_else(|| "x86_64-unknown-linux-gnu".to_owned())
}

fn keep_in_pylib(lib: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(lib) else {
        return false;
    };
    let mut parts = relative.iter().filter_map(|p| p.to_str());
    let Some(top) = parts.next() else {
        return true;
    };
    if top.starts_with("test") || PYLIB_SKIPPED.contains(&top) {
        return false;
    }
    if relative.iter().any(|p| {
        matches!(
            p.to_str(),
            Some("test" | "tests" | "idle_test" | "__pycache__")
        )
    }) {
        return false;
    }
    path.is_dir() || path.extension().is_some_and(|e| e == "py") || top == "PSF-LICENSE"
}

/// Copies the files under `from` that `keep` accepts into `to`; returns how many.
fn copy_tree(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<usize, String> {
    let mut copied = 0;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if !keep(&path) {
            continue;
        }
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copied += copy_tree(&path, &dest, keep)?;
        } else {
            std::fs::create_dir_all(to)
                .map_err(|e| format!("cannot create {}: {e}", to.display()))?;
            std::fs::copy(&path, &dest)
                .map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
            copied += 1;
        }
    }
    Ok(copied)
}

/// `cargo xtask smoke`: builds `dist/`, serves it on `PORT` (default 8099) and runs
/// `tests/browser/smoke.py` against `smoke.html` in headless Chromium (installed with apt-get when
/// missing): every language through `Kiln.run`, runaway programs stopped, the next run working.
/// The script then serves `dist/` itself (`DEMO_PORT`, default 8098) to check the widget on
/// `embed-demo.html` (upgrades, a cell run and its event, groups, exercises, Stop) and, after
/// stopping that server, the service worker (the page reloads and runs offline).
pub(crate) fn smoke() -> Result<(), String> {
    step("browser (Debian's chromium and chromium-driver)");
    ensure_chromium()?;
    build()?;
    let port = port_from_env(8099);
    step(&format!("smoke test on http://127.0.0.1:{port}/smoke.html"));
    std::thread::spawn(move || serve_on(port, true));
    run(Command::new("python3")
        .arg(root().join("tests/browser/smoke.py"))
        .arg(format!("http://127.0.0.1:{port}/smoke.html")))
}

fn ensure_chromium() -> Result<(), String> {
    let found = |program: &str| {
        Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if found("chromium") && found("chromedriver") {
        println!("chromium and chromedriver: installed");
        return Ok(());
    }
    println!("installing Debian's chromium and chromium-driver (apt-get install -y)");
    run(Command::new("apt-get").args(["install", "-y", "chromium", "chromium-driver"]))
}

fn port_from_env(default: u16) -> u16 {
    std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(default)
}

/// Serves `dist/` on 127.0.0.1 (`PORT`, default 8080) until the process is stopped, logging each
/// request (`KILN_SERVE_QUIET` silences it).
pub(crate) fn serve_dist() -> Result<(), String> {
    serve_on(
        port_from_env(8080),
        std::env::var_os("KILN_SERVE_QUIET").is_some(),
    )
}

fn serve_on(port: u16, quiet: bool) -> Result<(), String> {
    let dist = root().join("dist");
    let server = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    println!(
        "\nserving {} on http://127.0.0.1:{port}/ (Ctrl+C stops)",
        dist.display()
    );
    for request in server.incoming_requests() {
        let response = respond(&dist, request.url());
        if !quiet {
            println!(
                "{} {} {}",
                request.method(),
                request.url(),
                response.status_code().0
            );
        }
        let _ = request.respond(response);
    }
    Ok(())
}

/// One response of the static server (also used by `cargo xtask e2e`, see `e2e.rs`).
pub(crate) fn respond(dist: &Path, url: &str) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let relative = path.trim_start_matches('/');
    let safe = !relative
        .split('/')
        .any(|part| part == ".." || part.contains('\\'));
    let mut file = dist.join(if relative.is_empty() {
        "index.html"
    } else {
        relative
    });
    if file.is_dir() {
        file = file.join("index.html");
    }
    let found = safe.then(|| std::fs::read(&file).ok()).flatten();
    let Some(body) = found else {
        return tiny_http::Response::from_data(b"not found\n".to_vec()).with_status_code(404);
    };
    let mime = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("py") => "text/x-python; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    };
    // Always a Content-Length (no chunking), so download progress knows the total.
    let mut response = tiny_http::Response::from_data(body).with_chunked_threshold(usize::MAX);
    for (name, value) in [("Content-Type", mime), ("Cache-Control", "no-cache")] {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    response
}
