//! The JSON side of [`PageEnvironment`](crate::PageEnvironment), in plain Rust so it is tested
//! natively: kiln-agent's [`RunSpec`] and check requests become the options objects of the
//! page's `Kiln.run` / `Kiln.check` (CONTRACTS.md, "JavaScript: embed.js", camelCase keys), and
//! their results become kiln-core's [`Outcome`] and kiln-agent's [`CheckReport`].
//!
//! Every failure of the host itself (missing, rejecting, answering nonsense) becomes a value the
//! agent can show the model, never an error: the `run` and `diagnostics` tools always answer.

use kiln_agent::{CheckReport, RunSpec};
use kiln_core::{Diagnostic, Language, LimitKind, Outcome, Severity, Status, WorkspaceFile};
use serde::Deserialize;
use serde_json::{Value, json};

/// Where a page without the host should look: said in every "host missing" message.
pub(crate) const MISSING_HOST: &str = "this page has no Kiln runner host: `window.Kiln` is \
     missing, so embed.js is not loaded (or not yet). Load `embed.js` as a module script in the \
     page, then try again";

/// Text or bytes as `Kiln.run` takes them: a string when the bytes are UTF-8, else an array of
/// byte values (embed.js copies either with `Array.from`/`TextEncoder`).
fn text_or_bytes(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(text) => Value::String(text.to_owned()),
        Err(_) => Value::Array(bytes.iter().map(|b| Value::from(*b)).collect()),
    }
}

/// The language for `spec` without asking the analyzer: the one the model named, else the one
/// the file name's extension says.
#[must_use]
pub(crate) fn known_language(spec: &RunSpec) -> Option<Language> {
    spec.language.or_else(|| language_of_file(&spec.file_name))
}

/// The language a file name's extension belongs to, if any.
pub(crate) fn language_of_file(file_name: &str) -> Option<Language> {
    let (_, extension) = file_name.rsplit_once('.')?;
    Language::from_extension(extension)
}

/// The options object for `Kiln.run({language, code, fileName, stdin, timeoutMs, limits, files})`.
///
/// `timeoutMs: null` means no time limit (the spec had none); an engine budget the spec leaves
/// open is `null` in `limits`, and embed.js keeps its own default for it.
#[must_use]
pub(crate) fn run_options(spec: &RunSpec, language: Language) -> Value {
    json!({
        "language": language.name(),
        "code": text_or_bytes(&spec.code),
        "fileName": spec.file_name,
        "stdin": text_or_bytes(&spec.stdin),
        "timeoutMs": spec.limits.wall_time_ms,
        "limits": {
            "steps": spec.limits.steps,
            "memoryBytes": spec.limits.memory_bytes,
            "outputBytes": spec.limits.output_bytes,
        },
        "files": spec
            .files
            .iter()
            .map(|f| json!({"path": f.path, "contents": text_or_bytes(&f.contents)}))
            .collect::<Vec<_>>(),
    })
}

/// The options object for `Kiln.check({language?, code, fileName, workspaceFiles})`. The
/// language is given when the extension names one (so no detection round trip is needed);
/// `workspaceFiles` lets a host that supports it resolve imports of workspace files.
#[must_use]
pub(crate) fn check_options(file_name: &str, source: &[u8], workspace_files: &[String]) -> Value {
    let mut options = json!({
        "code": text_or_bytes(source),
        "fileName": file_name,
        "workspaceFiles": workspace_files,
    });
    if let (Some(language), Some(map)) = (language_of_file(file_name), options.as_object_mut()) {
        map.insert("language".to_owned(), Value::from(language.name()));
    }
    options
}

#[derive(Deserialize)]
#[serde(untagged)]
enum HostBytes {
    Text(String),
    Bytes(Vec<u8>),
}

impl HostBytes {
    fn into_bytes(self) -> Vec<u8> {
        match self {
            HostBytes::Text(text) => text.into_bytes(),
            HostBytes::Bytes(bytes) => bytes,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HostDiagnostic {
    severity: Severity,
    code: String,
    message: String,
    #[serde(default)]
    line: Option<u32>,
    #[serde(default)]
    column: Option<u32>,
    #[serde(default)]
    end_line: Option<u32>,
    #[serde(default)]
    end_column: Option<u32>,
}

impl From<HostDiagnostic> for Diagnostic {
    fn from(d: HostDiagnostic) -> Self {
        Diagnostic {
            severity: d.severity,
            code: d.code,
            message: d.message,
            line: d.line,
            column: d.column,
            end_line: d.end_line,
            end_column: d.end_column,
        }
    }
}

#[derive(Deserialize)]
struct HostFile {
    path: String,
    contents: HostBytes,
}

/// `Kiln.run`'s result: `{status, exitCode, stdout, stderr, durationMs, limit, diagnostics,
/// stopped?, filesWritten?}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HostOutcome {
    status: Status,
    #[serde(default)]
    exit_code: Option<i32>,
    #[serde(default)]
    stdout: Option<String>,
    #[serde(default)]
    stderr: Option<String>,
    #[serde(default)]
    duration_ms: Option<f64>,
    #[serde(default)]
    limit: Option<LimitKind>,
    #[serde(default)]
    diagnostics: Option<Vec<HostDiagnostic>>,
    #[serde(default)]
    files_written: Option<Vec<HostFile>>,
}

/// `Kiln.check`'s result: `{language, runner, diagnostics}`.
#[derive(Deserialize)]
struct HostCheck {
    #[serde(default)]
    language: Option<Language>,
    #[serde(default)]
    runner: Option<String>,
    #[serde(default)]
    diagnostics: Option<Vec<HostDiagnostic>>,
}

/// The [`Outcome`] for the result `Kiln.run` resolved with (as JSON, byte arrays as arrays);
/// a result that is not a run outcome becomes an `internal-error` outcome saying so.
#[must_use]
pub(crate) fn outcome_from_host(result: &Value) -> Outcome {
    let parsed = match HostOutcome::deserialize(result) {
        Ok(parsed) => parsed,
        Err(e) => {
            return failed_outcome(
                Status::Error,
                Diagnostic::error(
                    "internal-error",
                    format!(
                        "the page's Kiln.run resolved with something that is not a run outcome \
                         ({e}); the page's embed.js may be from another Kiln version: reload \
                         the page"
                    ),
                ),
            );
        }
    };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let duration_ms = parsed
        .duration_ms
        .filter(|d| d.is_finite() && *d > 0.0)
        .map_or(0, |d| d.round() as u64);
    Outcome {
        status: parsed.status,
        exit_code: parsed
            .exit_code
            .unwrap_or_else(|| Outcome::code_for(parsed.status)),
        stdout: parsed.stdout.unwrap_or_default(),
        stderr: parsed.stderr.unwrap_or_default(),
        duration_ms,
        limit: parsed.limit,
        diagnostics: parsed
            .diagnostics
            .unwrap_or_default()
            .into_iter()
            .map(Diagnostic::from)
            .collect(),
        files_written: parsed
            .files_written
            .unwrap_or_default()
            .into_iter()
            .map(|f| WorkspaceFile::new(f.path, f.contents.into_bytes()))
            .collect(),
    }
}

/// The [`CheckReport`] for the result `Kiln.check` resolved with; a result that is not a check
/// report becomes a report with one `internal-error` diagnostic saying so.
#[must_use]
pub(crate) fn check_report_from_host(result: &Value) -> CheckReport {
    match HostCheck::deserialize(result) {
        Ok(parsed) => CheckReport {
            language: parsed.language,
            runner: parsed.runner,
            diagnostics: parsed
                .diagnostics
                .unwrap_or_default()
                .into_iter()
                .map(Diagnostic::from)
                .collect(),
        },
        Err(e) => failed_check(Diagnostic::error(
            "internal-error",
            format!(
                "the page's Kiln.check resolved with something that is not a check report \
                 ({e}); the page's embed.js may be from another Kiln version: reload the page"
            ),
        )),
    }
}

/// An outcome for a run the host could not do, with `diagnostic` saying why (also on stderr,
/// where the agent's `run` tool and a person look first).
#[must_use]
pub(crate) fn failed_outcome(status: Status, diagnostic: Diagnostic) -> Outcome {
    Outcome {
        status,
        exit_code: Outcome::code_for(status),
        stdout: String::new(),
        stderr: format!("kiln: {}\n", diagnostic.message),
        duration_ms: 0,
        limit: None,
        diagnostics: vec![diagnostic],
        files_written: Vec::new(),
    }
}

/// A check report for a check the host could not do.
#[must_use]
pub(crate) fn failed_check(diagnostic: Diagnostic) -> CheckReport {
    CheckReport {
        language: None,
        runner: None,
        diagnostics: vec![diagnostic],
    }
}

/// The refusal when the page has no host.
#[must_use]
pub(crate) fn missing_host_outcome() -> Outcome {
    failed_outcome(
        Status::Refused,
        Diagnostic::error("runner-unavailable", MISSING_HOST),
    )
}

/// The outcome when `Kiln.run` threw or its promise rejected with `reason`.
#[must_use]
pub(crate) fn rejected_run_outcome(language: Language, reason: &str) -> Outcome {
    failed_outcome(
        Status::Error,
        Diagnostic::error(
            "runner-unavailable",
            format!(
                "the {} runner failed before the program finished: {reason}. If its download \
                 failed, check the connection and run it again",
                language.display_name()
            ),
        ),
    )
}

/// The refusal when nothing says which language a program is.
#[must_use]
pub(crate) fn unknown_language_outcome(file_name: &str, check: CheckReport) -> Outcome {
    let mut diagnostics = check.diagnostics;
    if !diagnostics.iter().any(|d| d.severity == Severity::Error) {
        diagnostics.push(Diagnostic::error(
            "unknown-language",
            format!(
                "cannot tell which language `{file_name}` is: name it `.js`, `.mjs`, `.py`, \
                 `.wasm` or `.wat`"
            ),
        ));
    }
    Outcome::refused(diagnostics)
}

#[cfg(test)]
mod tests {
    use kiln_core::Limits;

    use super::*;

    fn spec() -> RunSpec {
        RunSpec {
            file_name: "main.py".to_owned(),
            code: b"print(input())\n".to_vec(),
            language: None,
            files: vec![
                WorkspaceFile::new("data.txt", "hello"),
                WorkspaceFile::new("blob.bin", vec![0xff, 0x00, 0x41]),
            ],
            stdin: b"world".to_vec(),
            limits: Limits::default(),
        }
    }

    #[test]
    fn a_run_spec_becomes_kiln_run_options() {
        let spec = spec();
        let language = known_language(&spec).expect("the extension says Python");
        assert_eq!(language, Language::Python);
        assert_eq!(
            run_options(&spec, language),
            json!({
                "language": "python",
                "code": "print(input())\n",
                "fileName": "main.py",
                "stdin": "world",
                "timeoutMs": Limits::default().wall_time_ms,
                "limits": {
                    "steps": Limits::default().steps,
                    "memoryBytes": Limits::default().memory_bytes,
                    "outputBytes": Limits::default().output_bytes,
                },
                "files": [
                    {"path": "data.txt", "contents": "hello"},
                    {"path": "blob.bin", "contents": [255, 0, 65]},
                ],
            })
        );
    }

    #[test]
    fn binary_code_and_no_time_limit_cross_as_arrays_and_null() {
        let mut spec = spec();
        spec.file_name = "prog.wasm".to_owned();
        spec.code = vec![0, b'a', b's', b'm', 1, 0, 0, 0, 0x80];
        spec.limits = Limits::UNLIMITED;
        let options = run_options(&spec, Language::Wasm);
        assert_eq!(options["language"], "wasm");
        assert_eq!(options["code"], json!([0, 97, 115, 109, 1, 0, 0, 0, 128]));
        assert_eq!(options["timeoutMs"], Value::Null);
        assert_eq!(
            options["limits"],
            json!({"steps": null, "memoryBytes": null, "outputBytes": null})
        );
    }

    #[test]
    fn the_named_language_wins_over_the_extension() {
        let mut spec = spec();
        spec.language = Some(Language::Js);
        assert_eq!(known_language(&spec), Some(Language::Js));
        spec.language = None;
        spec.file_name = "README".to_owned();
        assert_eq!(known_language(&spec), None);
        spec.file_name = "notes.txt".to_owned();
        assert_eq!(known_language(&spec), None);
    }

    #[test]
    fn check_options_name_the_language_only_when_the_extension_does() {
        let files = vec!["util.py".to_owned()];
        let options = check_options("main.py", b"import util", &files);
        assert_eq!(
            options,
            json!({"language": "python", "code": "import util", "fileName": "main.py",
                   "workspaceFiles": ["util.py"]})
        );
        let options = check_options("snippet", b"x = 1", &[]);
        assert!(options.get("language").is_none(), "{options}");
    }

    #[test]
    fn a_camel_case_result_becomes_an_outcome() {
        let result = json!({
            "status": "exit", "exitCode": 3, "stdout": "out\n", "stderr": "err\n",
            "durationMs": 12.6, "limit": null,
            "diagnostics": [{"severity": "warning", "code": "endless-loop", "message": "m",
                             "line": 2, "column": 1, "endLine": 2, "endColumn": 9}],
            "filesWritten": [{"path": "out.txt", "contents": [104, 105]}],
        });
        let outcome = outcome_from_host(&result);
        assert_eq!(
            outcome,
            Outcome {
                status: Status::Exit,
                exit_code: 3,
                stdout: "out\n".to_owned(),
                stderr: "err\n".to_owned(),
                duration_ms: 13,
                limit: None,
                diagnostics: vec![
                    Diagnostic::new(Severity::Warning, "endless-loop", "m")
                        .at(2, 1)
                        .to(2, 9)
                ],
                files_written: vec![WorkspaceFile::new("out.txt", "hi")],
            }
        );
    }

    #[test]
    fn limits_and_a_stop_keep_their_meaning() {
        let limit = outcome_from_host(&json!({
            "status": "limit", "exitCode": 124, "stdout": "", "stderr": "kiln: time limit\n",
            "durationMs": 1000, "limit": "time", "diagnostics": []}));
        assert_eq!(limit.status, Status::Limit);
        assert_eq!(limit.limit, Some(LimitKind::Time));
        let stopped = outcome_from_host(&json!({
            "status": "error", "exitCode": 130, "stdout": "partial", "stderr": "kiln: stopped\n",
            "durationMs": 5, "limit": null, "diagnostics": [], "stopped": true}));
        assert_eq!((stopped.status, stopped.exit_code), (Status::Error, 130));
        assert_eq!(stopped.stdout, "partial");
        // Missing optional fields take the status's usual values.
        let bare = outcome_from_host(&json!({"status": "refused"}));
        assert_eq!((bare.exit_code, bare.duration_ms), (2, 0));
    }

    #[test]
    fn nonsense_from_the_host_is_an_internal_error_outcome() {
        for result in [
            json!(null),
            json!("ok"),
            json!({"status": "finished"}),
            json!({"status": "ok", "diagnostics": [{"code": 1}]}),
        ] {
            let outcome = outcome_from_host(&result);
            assert_eq!(outcome.status, Status::Error, "{result}");
            assert_eq!(outcome.diagnostics[0].code, "internal-error");
            assert!(
                outcome.stderr.contains("not a run outcome") && outcome.stderr.contains("reload"),
                "{}",
                outcome.stderr
            );
        }
    }

    #[test]
    fn check_results_become_reports() {
        let report = check_report_from_host(&json!({
            "language": "python", "runner": "python",
            "diagnostics": [{"severity": "error", "code": "syntax-error", "message": "bad",
                             "line": 1, "column": 5, "endLine": null, "endColumn": null}],
            "imports": [],
        }));
        assert_eq!(report.language, Some(Language::Python));
        assert_eq!(report.runner.as_deref(), Some("python"));
        assert_eq!(
            report.diagnostics,
            vec![Diagnostic::error("syntax-error", "bad").at(1, 5)]
        );
        let unknown = check_report_from_host(&json!({"language": null, "runner": null,
                                                      "diagnostics": []}));
        assert_eq!(unknown, CheckReport::default());
        let nonsense = check_report_from_host(&json!({"language": "cobol"}));
        assert_eq!(nonsense.diagnostics[0].code, "internal-error");
    }

    #[test]
    fn host_failures_say_what_is_wrong_and_what_to_do() {
        let missing = missing_host_outcome();
        assert_eq!((missing.status, missing.exit_code), (Status::Refused, 2));
        assert!(missing.stderr.contains("window.Kiln") && missing.stderr.contains("embed.js"));
        assert_eq!(missing.diagnostics[0].code, "runner-unavailable");

        let rejected = rejected_run_outcome(Language::Python, "the worker failed: out of memory");
        assert_eq!((rejected.status, rejected.exit_code), (Status::Error, 1));
        assert!(rejected.stderr.contains("Python runner failed"));
        assert!(rejected.stderr.contains("out of memory"));

        let unknown = unknown_language_outcome("notes", CheckReport::default());
        assert_eq!(unknown.status, Status::Refused);
        assert_eq!(unknown.diagnostics[0].code, "unknown-language");
        // The analyzer's own refusal is kept instead of a second one; its advice is kept too.
        let analyzer_said = CheckReport {
            diagnostics: vec![Diagnostic::error("unknown-language", "ambiguous")],
            ..CheckReport::default()
        };
        let refused = unknown_language_outcome("notes", analyzer_said);
        assert_eq!(refused.diagnostics.len(), 1);
        assert_eq!(refused.diagnostics[0].message, "ambiguous");
        let typescript = CheckReport {
            diagnostics: vec![Diagnostic::new(
                Severity::Info,
                "unsupported-language",
                "TypeScript",
            )],
            ..CheckReport::default()
        };
        let refused = unknown_language_outcome("x.ts", typescript);
        let codes: Vec<&str> = refused
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(codes, ["unsupported-language", "unknown-language"]);
    }
}
