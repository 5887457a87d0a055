//! Compiles a Python library folder into precompiled units and their index, for the browser.
//!
//! ```text
//! cargo run --release --ignore-rust-version -p kiln-python --no-default-features \
//!     --example compile_pylib -- <Lib dir> <out dir>
//! ```
//!
//! Every `name.py` and `pkg/__init__.py` under `<Lib dir>` becomes `<out dir>/name.unit` (or
//! `pkg/__init__.unit`): its code object, compiled by this build's RustPython, so the worker
//! imports it without compiling. `<out dir>/index.json` lists them ([`kiln_python::PylibIndex`]).
//! Files that do not compile (a few of the library's modules use syntax RustPython lacks) are
//! left out of the index and named on stderr: importing them fails the same way at run time.
//! `cargo xtask build` runs this on the filtered library it ships.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kiln_python::{
    IndexEntry, PylibIndex, compile_unit, library_sources, static_imports, stdlib_origin,
};

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [lib, out] = args.as_slice() else {
        eprintln!("usage: compile_pylib <Lib dir> <out dir>");
        return ExitCode::from(2);
    };
    match compile_library(lib, out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("compile_pylib: {err}");
            ExitCode::FAILURE
        }
    }
}

fn compile_library(lib: &Path, out: &Path) -> Result<(), String> {
    let mut index = PylibIndex::default();
    let mut skipped = Vec::new();
    let mut total = 0u64;
    for module in library_sources(lib)? {
        let (name, is_package) = (&module.name, module.is_package);
        let path = lib.join(&module.path);
        let source = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let unit = match compile_unit(&source, &stdlib_origin(name, is_package)) {
            Ok(unit) => unit,
            Err(err) => {
                skipped.push(format!("{name}: {err}"));
                continue;
            }
        };
        let file = PylibIndex::unit_path(name, is_package);
        let target = out.join(&file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&target, &unit)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        let size = unit.len() as u64;
        total += size;
        index.insert(
            name,
            IndexEntry {
                file,
                package: is_package,
                size,
                imports: static_imports(&source, name, is_package),
            },
        );
    }
    index.resolve();
    let index_path = out.join("index.json");
    let json = index.to_json();
    std::fs::write(&index_path, &json)
        .map_err(|e| format!("cannot write {}: {e}", index_path.display()))?;
    for line in &skipped {
        eprintln!("not compiled: {line}");
    }
    println!(
        "{} modules compiled ({total} bytes of units), {} skipped; index.json {} bytes",
        index.modules.len(),
        skipped.len(),
        json.len()
    );
    Ok(())
}
