//! Differential tests: every program under `tests/cases/{python,js,wat}` is run by its reference
//! implementation (CPython, Node, Node's WASI) and by `kiln run`, and the outputs must agree.
//!
//! The conventions (`NAME.stdin`, the `kiln: compare=…` directive) are described in
//! `tests/README.md`. Expected output is produced at test time and never stored.
//!
//! Environment knobs:
//! - `KILN_DIFF_FILTER=substr` only runs cases whose file name contains `substr`.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// Per-process wall-clock limit, for the reference and for kiln separately.
const CASE_TIMEOUT: Duration = Duration::from_secs(30);

/// The three corpus languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lang {
    Python,
    Js,
    Wat,
}

impl Lang {
    fn dir(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::Js => "js",
            Lang::Wat => "wat",
        }
    }

    fn extensions(self) -> &'static [&'static str] {
        match self {
            Lang::Python => &["py"],
            Lang::Js => &["js", "mjs"],
            Lang::Wat => &["wat"],
        }
    }

    fn comment_prefix(self) -> &'static str {
        match self {
            Lang::Python => "#",
            Lang::Js => "//",
            Lang::Wat => ";;",
        }
    }

    /// The program the reference needs on PATH, and the name used in reports.
    fn reference_tool(self) -> &'static str {
        match self {
            Lang::Python => "python3",
            Lang::Js | Lang::Wat => "node",
        }
    }

    fn reference_label(self) -> &'static str {
        match self {
            Lang::Python => "python3",
            Lang::Js => "node",
            Lang::Wat => "node:wasi",
        }
    }

    fn corpus_name(self) -> &'static str {
        match self {
            Lang::Python => "Python",
            Lang::Js => "JavaScript",
            Lang::Wat => "WAT",
        }
    }
}

/// Which parts of the outcome a case compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Compare {
    stdout: bool,
    stderr: bool,
    exit: bool,
}

impl Default for Compare {
    fn default() -> Self {
        Compare {
            stdout: true,
            stderr: true,
            exit: true,
        }
    }
}

/// One program of the corpus.
#[derive(Debug)]
struct Case {
    lang: Lang,
    path: PathBuf,
    stdin: Vec<u8>,
    compare: Compare,
}

impl Case {
    fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    fn dir(&self) -> PathBuf {
        self.path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    fn label(&self) -> String {
        format!("{}/{}", self.lang.dir(), self.file_name())
    }
}

/// What one process did.
#[derive(Debug)]
struct Outcome {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// `None` when the process timed out (and was killed).
    status: Option<ExitStatus>,
}

impl Outcome {
    fn exit_description(&self) -> String {
        match self.status {
            None => format!("timed out after {} s (killed)", CASE_TIMEOUT.as_secs()),
            Some(s) => match s.code() {
                Some(c) => c.to_string(),
                None => format!("no exit code ({s})"),
            },
        }
    }

    fn exit_code(&self) -> Option<i32> {
        self.status.and_then(|s| s.code())
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cases_dir(lang: Lang) -> PathBuf {
    repo_root().join("tests/cases").join(lang.dir())
}

/// Parses the optional first-line directive, e.g. `# kiln: compare=stdout,exit`.
fn parse_directive(lang: Lang, source: &str) -> Result<Compare, String> {
    let Some(first) = source.lines().next() else {
        return Ok(Compare::default());
    };
    let Some(rest) = first.trim_start().strip_prefix(lang.comment_prefix()) else {
        return Ok(Compare::default());
    };
    let Some(directive) = rest.trim().strip_prefix("kiln:") else {
        return Ok(Compare::default());
    };
    let mut compare = Compare::default();
    for item in directive.split_whitespace() {
        let Some(list) = item.strip_prefix("compare=") else {
            return Err(format!("unknown kiln directive item {item:?}"));
        };
        compare = Compare {
            stdout: false,
            stderr: false,
            exit: false,
        };
        for part in list.split(',') {
            match part.trim() {
                "stdout" => compare.stdout = true,
                "stderr" => compare.stderr = true,
                "exit" => compare.exit = true,
                other => {
                    return Err(format!(
                        "unknown compare target {other:?} (stdout, stderr, exit)"
                    ));
                }
            }
        }
    }
    Ok(compare)
}

/// Lists the corpus for one language, sorted by file name, with their stdin and directive.
fn load_cases(lang: Lang) -> Result<Vec<Case>, String> {
    let dir = cases_dir(lang);
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| lang.extensions().contains(&x))
        })
        .collect();
    paths.sort();
    let filter = std::env::var("KILN_DIFF_FILTER")
        .ok()
        .filter(|f| !f.is_empty());
    let mut cases = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(f) = &filter
            && !name.contains(f.as_str())
        {
            continue;
        }
        let source = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let compare =
            parse_directive(lang, &source).map_err(|e| format!("{}: {e}", path.display()))?;
        let stdin_path = path.with_extension("stdin");
        let stdin = if stdin_path.exists() {
            std::fs::read(&stdin_path)
                .map_err(|e| format!("cannot read {}: {e}", stdin_path.display()))?
        } else {
            Vec::new()
        };
        cases.push(Case {
            lang,
            path,
            stdin,
            compare,
        });
    }
    Ok(cases)
}

/// Runs a command with the given stdin, collecting stdout/stderr, killing it after the timeout.
fn run_with_timeout(mut cmd: Command, stdin: &[u8]) -> Result<Outcome, String> {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;

    let mut child_stdin = child.stdin.take();
    let input = stdin.to_vec();
    let writer = thread::spawn(move || {
        if let Some(pipe) = child_stdin.as_mut() {
            // The program may exit without reading its input; a broken pipe is fine.
            let _ = pipe.write_all(&input);
        }
        drop(child_stdin);
    });
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );

    let deadline = Instant::now() + CASE_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("waiting for {cmd:?}: {e}")),
        }
    };
    let _ = writer.join();
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    Ok(Outcome {
        stdout,
        stderr,
        status,
    })
}

/// Whether `tool --version` runs.
fn tool_available(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn scratch_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("kiln-differential-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir
    })
}

/// Environment shared by the reference and kiln, so both see the same settings.
fn common_env(cmd: &mut Command) {
    cmd.env("PYTHONHASHSEED", "0")
        .env("PYTHONIOENCODING", "utf-8")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("NO_COLOR", "1")
        .env_remove("NODE_OPTIONS")
        .env_remove("PYTHONSTARTUP");
}

fn run_reference(case: &Case) -> Result<Outcome, String> {
    let mut compiled = None;
    let mut cmd = match case.lang {
        Lang::Python => {
            let mut c = Command::new("python3");
            c.arg(case.file_name());
            c
        }
        Lang::Js => {
            let mut c = Command::new("node");
            c.arg(case.file_name());
            c
        }
        Lang::Wat => {
            let bytes = wat::parse_file(&case.path)
                .map_err(|e| format!("the WAT does not compile: {e}"))?;
            let stem = case
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let wasm = scratch_dir().join(format!("{stem}.wasm"));
            std::fs::write(&wasm, bytes)
                .map_err(|e| format!("cannot write {}: {e}", wasm.display()))?;
            let mut c = Command::new("node");
            c.arg("--no-warnings")
                .arg(repo_root().join("tests/reference/wasi-run.mjs"))
                .arg(&wasm);
            compiled = Some(wasm);
            c
        }
    };
    cmd.current_dir(case.dir());
    common_env(&mut cmd);
    let outcome = run_with_timeout(cmd, &case.stdin);
    if let Some(wasm) = compiled {
        let _ = std::fs::remove_file(wasm);
    }
    outcome
}

fn run_kiln(case: &Case) -> Result<Outcome, String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kiln"));
    cmd.arg("run").arg(case.file_name()).current_dir(case.dir());
    common_env(&mut cmd);
    run_with_timeout(cmd, &case.stdin)
}

/// Shortens a line for a report.
fn clip(s: &str) -> String {
    const MAX: usize = 200;
    if s.chars().count() <= MAX {
        format!("{s:?}")
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head:?}… ({} chars)", s.chars().count())
    }
}

/// Describes the first difference between two texts, line by line, or `None` when equal.
fn first_difference(expected: &[u8], actual: &[u8]) -> Option<String> {
    if expected == actual {
        return None;
    }
    let e = String::from_utf8_lossy(expected);
    let a = String::from_utf8_lossy(actual);
    // split_inclusive keeps the newline, so a missing final newline is a visible difference.
    let el: Vec<&str> = e.split_inclusive('\n').collect();
    let al: Vec<&str> = a.split_inclusive('\n').collect();
    let mut text = String::new();
    for i in 0..el.len().max(al.len()) {
        let (x, y) = (el.get(i), al.get(i));
        if x == y {
            continue;
        }
        let _ = writeln!(text, "first difference at line {}:", i + 1);
        let _ = writeln!(
            text,
            "      expected: {}",
            x.map_or("<end of output>".to_string(), |s| clip(s))
        );
        let _ = write!(
            text,
            "      actual:   {}",
            y.map_or("<end of output>".to_string(), |s| clip(s))
        );
        let _ = write!(
            text,
            "\n      ({} lines expected, {} lines actual)",
            el.len(),
            al.len()
        );
        return Some(text);
    }
    // Same lines but different bytes (invalid UTF-8 replaced identically).
    Some(format!(
        "outputs differ in bytes ({} expected, {} actual)",
        expected.len(),
        actual.len()
    ))
}

/// The last `n` lines: for tracebacks and uncaught errors the end says what went wrong.
fn tail_lines(bytes: &[u8], n: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| format!("      | {}", clip(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs one case; `Ok(())` when kiln matches the reference, else a readable report.
fn check_case(case: &Case) -> Result<(), String> {
    let reference = match run_reference(case) {
        Ok(o) => o,
        Err(e) => {
            return Err(format!(
                "{}: the reference could not run: {e}",
                case.label()
            ));
        }
    };
    if reference.status.is_none() {
        return Err(format!(
            "{}: the reference ({}) timed out",
            case.label(),
            case.lang.reference_label()
        ));
    }
    let kiln = match run_kiln(case) {
        Ok(o) => o,
        Err(e) => return Err(format!("{}: kiln could not run: {e}", case.label())),
    };

    let mut problems = Vec::new();
    if (case.compare.exit && reference.exit_code() != kiln.exit_code()) || kiln.status.is_none() {
        problems.push(format!(
            "exit status: expected {} ({}), kiln {}",
            reference.exit_description(),
            case.lang.reference_label(),
            kiln.exit_description()
        ));
    }
    if case.compare.stdout
        && let Some(diff) = first_difference(&reference.stdout, &kiln.stdout)
    {
        problems.push(format!("stdout differs, {diff}"));
    }
    if case.compare.stderr
        && let Some(diff) = first_difference(&reference.stderr, &kiln.stderr)
    {
        problems.push(format!("stderr differs, {diff}"));
    }
    if problems.is_empty() {
        return Ok(());
    }
    let mut report = format!("{}:\n", case.label());
    for p in &problems {
        let _ = writeln!(report, "    {p}");
    }
    if !kiln.stderr.is_empty() {
        let _ = writeln!(
            report,
            "    kiln stderr (last lines):\n{}",
            tail_lines(&kiln.stderr, 4)
        );
    }
    Err(report)
}

/// The corpora run one at a time (cargo runs tests on parallel threads): the interpreters are
/// heavy, and a loaded machine could push a slow case into kiln's own time limit.
static SEQUENTIAL: Mutex<()> = Mutex::new(());

/// Runs the whole corpus of one language and fails listing every mismatch.
/// `(label, reason)` for every case listed in `tests/cases/known-divergences.txt`: differences
/// that come from an engine and are documented there. A listed case that starts matching fails
/// the run, so the list never hides a fix or grows stale.
fn known_divergences() -> Vec<(String, String)> {
    let path = cases_dir(Lang::Python)
        .parent()
        .map(|p| p.join("known-divergences.txt"));
    let text = path
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let (label, reason) = line.split_once(char::is_whitespace)?;
            Some((label.to_owned(), reason.trim().to_owned()))
        })
        .collect()
}

fn run_corpus(lang: Lang) {
    let _one_at_a_time = SEQUENTIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let tool = lang.reference_tool();
    if !tool_available(tool) {
        eprintln!(
            "SKIPPED: {tool} not found; the {} differential corpus did not run",
            lang.corpus_name()
        );
        return;
    }
    let cases = match load_cases(lang) {
        Ok(c) => c,
        Err(e) => panic!("loading the {} corpus: {e}", lang.dir()),
    };
    let known = known_divergences();
    let mut failures = Vec::new();
    let mut passed = 0usize;
    let mut diverging = 0usize;
    for case in &cases {
        let started = Instant::now();
        let known_reason = known.iter().find(|(label, _)| *label == case.label());
        match (check_case(case), known_reason) {
            (Ok(()), Some((label, _))) => {
                eprintln!(
                    "  FIXED {label}: it matches now; remove it from tests/cases/known-divergences.txt"
                );
                failures.push(format!("{label} is listed as a known divergence but now matches the reference: remove it from tests/cases/known-divergences.txt\n"));
            }
            (Err(_), Some((label, reason))) => {
                diverging += 1;
                eprintln!("  KNOWN {label}: {reason}");
            }
            (Ok(()), None) => {
                passed += 1;
                eprintln!(
                    "  ok    {} ({} ms)",
                    case.label(),
                    started.elapsed().as_millis()
                );
            }
            (Err(report), None) => {
                eprintln!(
                    "  FAIL  {} ({} ms)",
                    case.label(),
                    started.elapsed().as_millis()
                );
                failures.push(report);
            }
        }
    }
    eprintln!(
        "differential {}: {passed} passed, {} failed, {diverging} known divergences",
        lang.dir(),
        failures.len()
    );
    if !failures.is_empty() {
        panic!(
            "{} of {} {} cases differ from {}:\n\n{}",
            failures.len(),
            cases.len(),
            lang.corpus_name(),
            lang.reference_label(),
            failures.join("\n")
        );
    }
}

#[test]
fn python_matches_cpython() {
    run_corpus(Lang::Python);
}

#[test]
fn js_matches_node() {
    run_corpus(Lang::Js);
}

#[test]
fn wat_matches_node_wasi() {
    run_corpus(Lang::Wat);
}

/// The corpus exists, every directive parses, and every `.stdin` file belongs to a case.
#[test]
fn corpus_is_present_and_well_formed() {
    for lang in [Lang::Python, Lang::Js, Lang::Wat] {
        let dir = cases_dir(lang);
        let mut programs = 0;
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let ext = path
                .extension()
                .and_then(|x| x.to_str())
                .unwrap_or_default()
                .to_string();
            if lang.extensions().contains(&ext.as_str()) {
                programs += 1;
                let source = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                if let Err(e) = parse_directive(lang, &source) {
                    panic!("{}: {e}", path.display());
                }
            } else if ext == "stdin" {
                let has_program = lang
                    .extensions()
                    .iter()
                    .any(|x| path.with_extension(x).exists());
                assert!(has_program, "{} has no program next to it", path.display());
            } else {
                panic!("unexpected file in the corpus: {}", path.display());
            }
        }
        assert!(programs > 0, "{} holds no cases", dir.display());
    }
}

#[test]
fn directive_parsing() {
    let d = Compare::default();
    assert_eq!(parse_directive(Lang::Python, "print(1)\n"), Ok(d));
    assert_eq!(
        parse_directive(Lang::Python, "# kiln: compare=stdout,exit\nprint(1)\n"),
        Ok(Compare {
            stdout: true,
            stderr: false,
            exit: true
        })
    );
    assert_eq!(
        parse_directive(Lang::Js, "// kiln: compare=exit\n"),
        Ok(Compare {
            stdout: false,
            stderr: false,
            exit: true
        })
    );
    assert_eq!(
        parse_directive(Lang::Wat, ";; kiln: compare=stdout,stderr,exit\n"),
        Ok(Compare {
            stdout: true,
            stderr: true,
            exit: true
        })
    );
    assert_eq!(
        parse_directive(Lang::Wat, ";; an ordinary comment\n"),
        Ok(d)
    );
    assert!(parse_directive(Lang::Js, "// kiln: compare=stdot\n").is_err());
    assert!(first_difference(b"a\nb\n", b"a\nb\n").is_none());
    let diff = first_difference(b"a\nb\n", b"a\nc\n").unwrap_or_default();
    assert!(diff.contains("line 2"), "{diff}");
    let diff = first_difference(b"a\n", b"a").unwrap_or_default();
    assert!(diff.contains("line 1"), "{diff}");
}
