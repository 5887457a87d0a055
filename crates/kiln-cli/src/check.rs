//! `kiln check`: what the analyzer says about a program, without running it.

use std::io::Read;
use std::process::ExitCode;

use kiln_analyzer::{Hints, RunnerRegistry, Verdict, analyze};
use kiln_core::{Language, Severity};

use crate::CheckArgs;

/// Runs `kiln check` and returns the process exit code: 0 when no diagnostic is an error, 1
/// otherwise, 2 for usage errors.
pub(crate) fn check(args: &CheckArgs) -> ExitCode {
    let language = match args.lang.as_deref().map(str::parse::<Language>).transpose() {
        Ok(language) => language,
        Err(err) => return usage(&err.to_string()),
    };
    let bytes = if args.file == "-" {
        if language.is_none() {
            return usage(
                "--lang is required when the code comes from stdin (`-`): use --lang js, python or wasm",
            );
        }
        let mut bytes = Vec::new();
        if let Err(err) = std::io::stdin().read_to_end(&mut bytes) {
            return usage(&format!("could not read the code from stdin: {err}"));
        }
        bytes
    } else {
        match std::fs::read(&args.file) {
            Ok(bytes) => bytes,
            Err(err) => return usage(&format!("cannot read {}: {err}", args.file)),
        }
    };
    // Imports resolve against the file's neighbours, as `kiln run` loads them.
    let (file_name, workspace_files) = if args.file == "-" {
        (None, Vec::new())
    } else {
        let path = std::path::Path::new(&args.file);
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .map_or_else(|| args.file.clone(), str::to_owned);
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| std::path::Path::new("."));
        let files = crate::run::load_workspace(folder, Some(&name))
            .into_iter()
            .map(|f| f.path)
            .collect();
        (Some(name), files)
    };
    let hints = Hints {
        language,
        file_name,
        workspace_files,
    };
    let analysis = analyze(&bytes, &hints);
    let Verdict {
        runner,
        diagnostics,
    } = RunnerRegistry::default().verdict(&analysis);
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let language = analysis.language.map(Language::name);
    if args.json {
        let value = serde_json::json!({
            "language": language,
            "runner": runner,
            "diagnostics": diagnostics,
        });
        println!("{value}");
    } else {
        let file = if args.file == "-" {
            "<stdin>"
        } else {
            args.file.as_str()
        };
        for d in &diagnostics {
            match (d.line, d.column) {
                (Some(line), Some(column)) => {
                    println!(
                        "{file}:{line}:{column}: {}[{}]: {}",
                        d.severity, d.code, d.message
                    );
                }
                _ => println!("{file}: {}[{}]: {}", d.severity, d.code, d.message),
            }
        }
        if diagnostics.is_empty() {
            println!(
                "{file}: {} — no problems found",
                language.unwrap_or("unknown")
            );
        }
    }
    ExitCode::from(u8::from(failed))
}

fn usage(message: &str) -> ExitCode {
    eprintln!("kiln: {message}");
    ExitCode::from(2)
}
