//! `kiln ask` against its contract (CONTRACTS.md), talking to the local fake provider in each
//! wire format: a write → run → read the traceback → fix → run again conversation, denied edits,
//! rate limits, provider errors and broken streams. Never the internet.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use kiln_fake_provider::{ErrorKind, FakeProvider, Reply};
use serde_json::{Value, json};

/// A temporary workspace folder, removed on drop.
struct Folder(PathBuf);

impl Folder {
    fn new(files: &[(&str, &str)]) -> Folder {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("kiln-ask-test-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, contents) in files {
            std::fs::write(dir.join(name), contents).unwrap();
        }
        Folder(dir)
    }

    fn path(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }

    fn read(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.0.join(name)).ok()
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `(--provider value, base URL suffix, key variable)` of each wire format.
const FORMATS: &[(&str, &str, &str)] = &[
    ("openai-compatible", "/v1", "KILN_API_KEY"),
    ("openai-responses", "/v1", "OPENAI_API_KEY"),
    ("anthropic", "", "ANTHROPIC_API_KEY"),
    ("gemini", "", "GEMINI_API_KEY"),
];

fn ask(server: &FakeProvider, format: (&str, &str, &str), args: &[&str], stdin: &str) -> Output {
    let (provider, suffix, key) = format;
    let mut command = Command::new(env!("CARGO_BIN_EXE_kiln"));
    command
        .arg("ask")
        .args(["--provider", provider])
        .args(["--base-url", &format!("{}{suffix}", server.url())])
        .args(["--model", "test-model"])
        .args(args)
        .env_remove("OPENAI_API_KEY")
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("GEMINI_API_KEY")
        .env_remove("OPENROUTER_API_KEY")
        .env_remove("KILN_API_KEY")
        .env(key, "test-key")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("kiln starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every tool result the client sent back, in order, as text (whatever the wire format).
fn tool_results(server: &FakeProvider) -> Vec<String> {
    let last = server.posts().pop().expect("at least one request");
    let mut results = Vec::new();
    collect_results(&last.body, &mut results);
    results
}

fn collect_results(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            // OpenAI chat: role tool; Responses: function_call_output; Anthropic: tool_result;
            // Gemini: functionResponse.
            let is_result = map.get("role").and_then(Value::as_str) == Some("tool")
                || map.get("type").and_then(Value::as_str) == Some("function_call_output")
                || map.get("type").and_then(Value::as_str) == Some("tool_result")
                || map.contains_key("functionResponse");
            if is_result {
                out.push(value.to_string());
                return;
            }
            for v in map.values() {
                collect_results(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_results(v, out)),
        _ => {}
    }
}

#[test]
fn write_run_fix_conversation_in_every_format() {
    for &format in FORMATS {
        let server = FakeProvider::start(vec![
            Reply::tool_call(
                "write",
                json!({"path": "main.py", "content": "def area(r):\n    return 3.14159 * r ** 2\n\nprint(round(area(2), 2))\nprint(aera(3))\n"}),
            ),
            Reply::tool_call("run", json!({"path": "main.py"})),
            Reply::tool_call(
                "edit",
                json!({"path": "main.py", "old_string": "print(aera(3))", "new_string": "print(round(area(3), 2))"}),
            ),
            Reply::tool_call("run", json!({"path": "main.py"})),
            Reply::text("Fixed the typo: both areas print now."),
        ])
        .unwrap();
        let folder = Folder::new(&[]);
        let transcript = folder.0.join("transcript.json");
        let output = ask(
            &server,
            format,
            &[
                "--workspace",
                &folder.path(),
                "--yes",
                "--apply",
                "--transcript",
                transcript.to_str().unwrap(),
                "Write a program printing the areas of circles of radius 2 and 3",
            ],
            "",
        );
        let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
        assert_eq!(
            output.status.code(),
            Some(0),
            "{format:?}\n{stdout}\n{stderr}"
        );
        assert!(stdout.contains("Fixed the typo"), "{format:?}: {stdout}");
        // One line per tool call and one per result, on stderr.
        assert_eq!(stderr.matches("→ run").count(), 2, "{stderr}");
        assert!(stderr.contains("✓ write"), "{stderr}");

        // The first run's traceback went back to the model; the second run's output too.
        let posts = server.posts();
        assert_eq!(posts.len(), 5, "{format:?}");
        let after_first_run = {
            let mut results = Vec::new();
            collect_results(&posts[2].body, &mut results);
            results.join("\n")
        };
        assert!(
            after_first_run.contains("NameError") && after_first_run.contains("aera"),
            "{format:?}: {after_first_run}"
        );
        let last_results = tool_results(&server).join("\n");
        assert!(
            last_results.contains("12.57") && last_results.contains("28.27"),
            "{last_results}"
        );
        // The file was fixed on disk (--apply), and the transcript was written.
        assert_eq!(
            folder.read("main.py").unwrap(),
            "def area(r):\n    return 3.14159 * r ** 2\n\nprint(round(area(2), 2))\nprint(round(area(3), 2))\n"
        );
        let saved: Value = serde_json::from_str(&folder.read("transcript.json").unwrap()).unwrap();
        assert_eq!(saved["format"], "kiln-session");
        let exported = &saved["sessions"][0];
        assert_eq!(
            exported["session"]["messages"].as_array().unwrap().len(),
            10,
            "{format:?}"
        );
        assert_eq!(exported["files"][0]["path"], "main.py", "{format:?}");
    }
}

#[test]
fn a_denied_edit_goes_back_to_the_model_and_nothing_changes() {
    let server = FakeProvider::start(vec![
        Reply::tool_call(
            "write",
            json!({"path": "notes.txt", "content": "overwritten"}),
        ),
        Reply::text("Understood, I left the file alone."),
    ])
    .unwrap();
    let folder = Folder::new(&[("notes.txt", "mine\n")]);
    let output = ask(
        &server,
        FORMATS[2],
        &["--workspace", &folder.path(), "--apply", "Replace my notes"],
        "n please keep my notes\n",
    );
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Allow?"), "{stderr}");
    assert!(
        stderr.contains("-mine"),
        "the diff was shown before asking: {stderr}"
    );
    let results = tool_results(&server).join("\n");
    assert!(
        results.contains("denied") && results.contains("please keep my notes"),
        "{results}"
    );
    assert_eq!(folder.read("notes.txt").unwrap(), "mine\n");
}

#[test]
fn without_apply_the_changes_are_printed_as_a_diff() {
    let server = FakeProvider::start(vec![
        Reply::tool_call(
            "write",
            json!({"path": "hello.js", "content": "console.log('hi')\n"}),
        ),
        Reply::text("Done."),
    ])
    .unwrap();
    let folder = Folder::new(&[]);
    let output = ask(
        &server,
        FORMATS[0],
        &["--workspace", &folder.path(), "Say hi", "--yes"],
        "",
    );
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        stdout.contains("+++ b/hello.js") || stdout.contains("+++ hello.js"),
        "{stdout}"
    );
    assert!(stdout.contains("+console.log('hi')"), "{stdout}");
    assert!(
        folder.read("hello.js").is_none(),
        "nothing written without --apply"
    );
}

#[test]
fn a_rate_limit_is_retried_visibly_then_succeeds() {
    let server = FakeProvider::start(vec![
        Reply::rate_limited(1),
        Reply::text("Hello after waiting."),
    ])
    .unwrap();
    let output = ask(&server, FORMATS[2], &["Hi"], "");
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("Hello after waiting."), "{stdout}");
    assert!(stderr.contains("retrying in 1 s"), "{stderr}");
}

#[test]
fn provider_errors_end_with_exit_1_and_the_providers_words() {
    for &format in FORMATS {
        let server = FakeProvider::start(vec![Reply::error(ErrorKind::Auth)]).unwrap();
        let output = ask(&server, format, &["Hi"], "");
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{format:?}: {stderr}");
        assert!(
            stderr.to_lowercase().contains("key"),
            "{format:?}: {stderr}"
        );
    }
}

#[test]
fn a_stream_cut_midway_is_an_error_not_a_hang() {
    for &format in FORMATS {
        let server = FakeProvider::start(vec![Reply::CutAfter {
            frames: 3,
            reply: Box::new(Reply::text(
                "This answer will never finish because the stream breaks",
            )),
        }])
        .unwrap();
        let output = ask(&server, format, &["Hi"], "");
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{format:?}: {stderr}");
        assert!(stderr.contains("kiln:"), "{format:?}: {stderr}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["ask", "--provider", "nonsense", "Hi"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("unknown provider"));

    let output = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["ask", "--provider", "anthropic", "Hi"])
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("KILN_API_KEY")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("ANTHROPIC_API_KEY"));
}

#[test]
fn every_provider_error_ends_with_a_clear_message_and_exit_1() {
    let error = |kind, retry_after| Reply::Error {
        status: 0,
        kind,
        message: String::new(),
        retry_after,
    };
    let cases: Vec<(Vec<Reply>, &str)> = vec![
        (vec![error(ErrorKind::NotFound, None)], "model"),
        (vec![error(ErrorKind::BadRequest, None)], "anthropic"),
        // Too long, and nothing older to summarise: said, not retried forever.
        (vec![error(ErrorKind::ContextTooLong, None)], "context"),
        // Rate limited on every attempt (four), waiting as told in between.
        ((0..4).map(|_| Reply::rate_limited(0)).collect(), "rate"),
        (
            (0..4)
                .map(|_| error(ErrorKind::Overloaded, Some(0)))
                .collect(),
            "overloaded",
        ),
        (
            (0..4).map(|_| error(ErrorKind::Server, Some(0))).collect(),
            "anthropic",
        ),
        (vec![Reply::Malformed], "json"),
    ];
    for (replies, words) in cases {
        let server = FakeProvider::start(replies.clone()).unwrap();
        let output = ask(&server, FORMATS[2], &["Hi"], "");
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{replies:?}: {stderr}");
        assert!(
            stderr.to_lowercase().contains(words),
            "{replies:?}: {stderr}"
        );
    }
}
