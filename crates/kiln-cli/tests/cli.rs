//! `kiln run` against its contract (CONTRACTS.md): output, exit codes, `--json`, limits.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn kiln() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kiln"))
}

/// A temporary folder holding one program (and its neighbours), removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(files: &[(&str, &str)]) -> Scratch {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("kiln-cli-test-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, contents) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
        }
        Scratch(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run_file(name: &str, code: &str, extra: &[&str]) -> Output {
    let scratch = Scratch::new(&[(name, code)]);
    kiln()
        .arg("run")
        .arg(scratch.path(name))
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "not JSON ({err}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn runs_each_language_with_plain_output() {
    let py = run_file("hello.py", "print('hi from python')", &[]);
    assert_eq!(
        (text(&py.stdout).as_str(), py.status.code()),
        ("hi from python\n", Some(0))
    );
    let js = run_file("hello.js", "console.log('hi from js', 42)", &[]);
    assert_eq!(
        (text(&js.stdout).as_str(), js.status.code()),
        ("hi from js 42\n", Some(0))
    );
    let wat = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi from wasm\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 13))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;
    let wasm = run_file("hello.wat", wat, &[]);
    assert_eq!(
        (text(&wasm.stdout).as_str(), wasm.status.code()),
        ("hi from wasm\n", Some(0))
    );
}

#[test]
fn json_output_has_exactly_the_contract_keys() {
    let output = run_file(
        "err.py",
        "import sys\nprint('out')\nprint('err', file=sys.stderr)\nsys.exit(5)",
        &["--json"],
    );
    assert_eq!(output.status.code(), Some(5));
    let value = json(&output);
    let mut keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "diagnostics",
            "duration_ms",
            "exit_code",
            "limit",
            "status",
            "stderr",
            "stdout"
        ]
    );
    assert_eq!(value["status"], "exit");
    assert_eq!(value["exit_code"], 5);
    assert_eq!(value["stdout"], "out\n");
    assert_eq!(value["stderr"], "err\n");
    assert_eq!(value["limit"], serde_json::Value::Null);
}

#[test]
fn uncaught_errors_exit_1_with_the_message_on_stderr() {
    let py = run_file("boom.py", "raise ValueError('nope')", &[]);
    assert_eq!(py.status.code(), Some(1));
    assert!(
        text(&py.stderr).ends_with("ValueError: nope\n"),
        "{}",
        text(&py.stderr)
    );
    let js = run_file("boom.js", "null.x", &[]);
    assert_eq!(js.status.code(), Some(1));
    assert!(
        text(&js.stderr).contains("TypeError"),
        "{}",
        text(&js.stderr)
    );
}

#[test]
fn syntax_errors_are_refused_with_exit_2_and_a_position() {
    let output = run_file("bad.py", "print('a'\n", &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("bad.py:1:"), "{stderr}");
    assert!(stderr.contains("error[syntax-error]"), "{stderr}");
    let js = run_file("bad.js", "let = ;", &["--json"]);
    assert_eq!(js.status.code(), Some(2));
    let value = json(&js);
    assert_eq!(value["status"], "refused");
    assert_eq!(value["diagnostics"][0]["line"], 1);
}

#[test]
fn usage_errors_exit_2() {
    let unknown = run_file("prog.rb", "puts 1", &[]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("--lang"),
        "{}",
        text(&unknown.stderr)
    );
    let bad_lang = run_file("prog.py", "print(1)", &["--lang", "cobol"]);
    assert_eq!(bad_lang.status.code(), Some(2));
    let no_args = kiln().arg("run").output().unwrap();
    assert_eq!(no_args.status.code(), Some(2));
    let dash_without_lang = kiln()
        .args(["run", "-"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(dash_without_lang.status.code(), Some(2));
    let missing = kiln().args(["run", "/nonexistent/x.py"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn code_from_stdin_with_lang() {
    let mut child = kiln()
        .args(["run", "-", "--lang", "py"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"print(sum(range(10)))")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(text(&output.stdout), "45\n");
}

#[test]
fn stdin_file_and_piped_stdin_reach_the_program() {
    let scratch = Scratch::new(&[("echo.py", "print(input().upper())"), ("in.txt", "hello\n")]);
    let output = kiln()
        .args([
            "run",
            &scratch.path("echo.py"),
            "--stdin",
            &scratch.path("in.txt"),
        ])
        .output()
        .unwrap();
    assert_eq!(text(&output.stdout), "HELLO\n");
    let mut child = kiln()
        .args(["run", &scratch.path("echo.py")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"piped\n").unwrap();
    assert_eq!(text(&child.wait_with_output().unwrap().stdout), "PIPED\n");
}

#[test]
fn neighbouring_files_can_be_imported() {
    let scratch = Scratch::new(&[
        ("main.py", "from helper import double\nprint(double(21))"),
        ("helper.py", "def double(x):\n    return 2 * x\n"),
        (
            "main.mjs",
            "import { triple } from './lib.mjs';\nconsole.log(triple(3));",
        ),
        ("lib.mjs", "export const triple = (x) => 3 * x;"),
    ]);
    let py = kiln()
        .args(["run", &scratch.path("main.py")])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(text(&py.stdout), "42\n", "{}", text(&py.stderr));
    let js = kiln()
        .args(["run", &scratch.path("main.mjs")])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(text(&js.stdout), "9\n", "{}", text(&js.stderr));
}

#[test]
fn wasm_invoke_prints_results() {
    let wat = "(module (func (export \"add\") (param i32 i64) (result i64) (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1))))";
    let output = run_file("add.wat", wat, &["--invoke", "add", "-2", "40"]);
    assert_eq!(text(&output.stdout), "38\n", "{}", text(&output.stderr));
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn wasm_proc_exit_code_is_the_exit_status() {
    let wat = r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32))) (memory (export "memory") 1) (func (export "_start") (call $exit (i32.const 7))))"#;
    assert_eq!(run_file("exit.wat", wat, &[]).status.code(), Some(7));
}

/// Every runaway case ends with status `limit` (124) inside its budget, keeping earlier output.
fn assert_limit(name: &str, code: &str, extra: &[&str], limit: &str, budget: Duration) {
    let started = Instant::now();
    let mut args = vec!["--json"];
    args.extend_from_slice(extra);
    let output = run_file(name, code, &args);
    let elapsed = started.elapsed();
    assert_eq!(
        output.status.code(),
        Some(124),
        "{name}: {}",
        text(&output.stderr)
    );
    let value = json(&output);
    assert_eq!(value["status"], "limit", "{name}: {value}");
    assert_eq!(value["limit"], limit, "{name}: {value}");
    let word = if limit == "steps" { "step" } else { limit };
    assert!(
        value["stderr"]
            .as_str()
            .unwrap()
            .contains(&format!("kiln: {word} limit reached")),
        "{name}: {value}"
    );
    assert!(elapsed < budget, "{name} took {elapsed:?}");
}

#[test]
fn endless_loops_hit_the_time_limit() {
    let budget = Duration::from_secs(30);
    assert_limit(
        "loop.py",
        "print('before')\nwhile True:\n    pass",
        &["--timeout", "1"],
        "time",
        budget,
    );
    assert_limit(
        "loop.js",
        "let i = 0; while (true) { i++ }",
        &["--timeout", "1", "--steps", "100000000000"],
        "time",
        budget,
    );
    assert_limit(
        "loop.wat",
        "(module (func (export \"_start\") (loop br 0)))",
        &["--timeout", "1", "--steps", "1000000000000"],
        "time",
        budget,
    );
    let output = run_file(
        "keep.py",
        "print('kept', flush=True)\nwhile True:\n    pass",
        &["--timeout", "1"],
    );
    assert_eq!(output.status.code(), Some(124));
    assert_eq!(text(&output.stdout), "kept\n");
    assert!(text(&output.stderr).contains("time limit reached"));
}

#[test]
fn step_budgets_stop_js_and_wasm_loops() {
    let budget = Duration::from_secs(30);
    assert_limit(
        "for.js",
        "for (;;) {}",
        &["--steps", "1000000"],
        "steps",
        budget,
    );
    assert_limit(
        "br.wat",
        "(module (func (export \"_start\") (loop br 0)))",
        &["--steps", "1000000"],
        "steps",
        budget,
    );
}

#[test]
fn memory_bombs_hit_the_memory_limit() {
    let budget = Duration::from_secs(60);
    assert_limit(
        "list.py",
        "x = [0] * 10**10",
        &["--memory", "256"],
        "memory",
        budget,
    );
    assert_limit(
        "str.py",
        "s = 'a' * 2**40",
        &["--memory", "256"],
        "memory",
        budget,
    );
    let js = run_file(
        "arr.js",
        "new Array(1e9).fill(0)",
        &["--json", "--memory", "256", "--timeout", "20"],
    );
    let value = json(&js);
    // Boa may refuse the length (RangeError) or run into a limit; it must never crash.
    assert!(matches!(js.status.code(), Some(1 | 124)), "{value}");
}

#[test]
fn output_floods_hit_the_output_limit() {
    let budget = Duration::from_secs(30);
    assert_limit(
        "flood.py",
        "while True:\n    print('x' * 100)",
        &["--max-output", "100000"],
        "output",
        budget,
    );
    assert_limit(
        "flood.js",
        "while (true) console.log('x'.repeat(100))",
        &["--max-output", "100000"],
        "output",
        budget,
    );
    let wat = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "flood\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (loop (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))) (br 0))))"#;
    assert_limit(
        "flood.wat",
        wat,
        &["--max-output", "100000"],
        "output",
        budget,
    );
}

#[test]
fn language_comes_from_the_analyzer_when_the_name_does_not_say() {
    let shebang = run_file(
        "script",
        "#!/usr/bin/env python3\nprint('from shebang')",
        &[],
    );
    assert_eq!(
        text(&shebang.stdout),
        "from shebang\n",
        "{}",
        text(&shebang.stderr)
    );
    let wat = run_file("module", "(module (func (export \"_start\")))", &[]);
    assert_eq!(wat.status.code(), Some(0), "{}", text(&wat.stderr));
    let ruby = run_file("greet", "puts 'hi'\nend\n", &[]);
    assert_eq!(ruby.status.code(), Some(2));
    assert!(
        text(&ruby.stderr).contains("Ruby"),
        "{}",
        text(&ruby.stderr)
    );
}

#[test]
fn check_reports_language_runner_and_diagnostics_as_json() {
    let scratch = Scratch::new(&[
        ("ok.py", "print('fine')\n"),
        ("bad.js", "let x = ;\n"),
        ("what", ""),
    ]);
    let ok = kiln()
        .args(["check", &scratch.path("ok.py"), "--json"])
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
    assert_eq!(
        json(&ok),
        serde_json::json!({"language": "python", "runner": "python", "diagnostics": []})
    );

    let bad = kiln()
        .args(["check", &scratch.path("bad.js"), "--json"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let value = json(&bad);
    assert_eq!(value["language"], "js");
    let first = &value["diagnostics"][0];
    assert_eq!(
        (first["severity"].as_str(), first["code"].as_str()),
        (Some("error"), Some("syntax-error"))
    );
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(1), Some(9))
    );

    let unknown = kiln()
        .args(["check", &scratch.path("what"), "--json"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(1));
    assert_eq!(json(&unknown)["diagnostics"][0]["code"], "unknown-language");

    let usage = kiln()
        .args(["check", "-", "--json"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn run_carries_analyzer_advice_in_json_but_never_on_stderr() {
    let code = "import threading\nprint('ok')\n";
    let plain = run_file("advice.py", code, &[]);
    assert_eq!(
        (text(&plain.stdout).as_str(), text(&plain.stderr).as_str()),
        ("ok\n", "")
    );
    let value = json(&run_file("advice.py", code, &["--json"]));
    assert_eq!(value["status"], "ok");
    assert_eq!(value["diagnostics"][0]["code"], "py-threads");
    assert_eq!(value["diagnostics"][0]["severity"], "info");
}
