//! The agent loop against the local fake provider: tool calls and results, permissions,
//! compaction, sub-agents, fetch, bad arguments, turn limits.
//!
//! The host's runners are replaced by [`Echo`], an [`Environment`] that reports what it was
//! asked to run: the real runners are exercised end to end by `kiln ask`'s tests in kiln-cli.

use std::cell::RefCell;
use std::rc::Rc;

use futures_util::future::LocalBoxFuture;
use kiln_agent::{
    Agent, AgentEvent, AgentOptions, AgentSession, Answer, Approver, CheckReport, Environment,
    Finish, Host, Permission, PermissionRequest, Policy, Rule, RunSpec,
};
use kiln_assistant::{
    CancelToken, Catalogue, Client, Part, ProviderConfig, ProviderKind, RecordingSleeper,
    UreqTransport,
};
use kiln_core::http::{HttpTransport, ScriptedResponse, ScriptedTransport};
use kiln_core::{Diagnostic, Outcome, Status};
use kiln_fake_provider::{FakeProvider, FakeToolCall, Reply};
use kiln_vfs::Workspace;
use serde_json::{Value, json};

/// Runs nothing: prints what it was given, so tests see the request the agent built.
struct Echo;

impl Environment for Echo {
    fn run(&self, spec: RunSpec) -> LocalBoxFuture<'_, Outcome> {
        Box::pin(async move {
            let files: Vec<&str> = spec.files.iter().map(|f| f.path.as_str()).collect();
            Outcome {
                status: Status::Ok,
                exit_code: 0,
                stdout: format!(
                    "ran {} ({} bytes) with files [{}] and stdin {:?}\n",
                    spec.file_name,
                    spec.code.len(),
                    files.join(", "),
                    String::from_utf8_lossy(&spec.stdin)
                ),
                stderr: String::new(),
                duration_ms: 1,
                limit: None,
                diagnostics: Vec::new(),
                files_written: vec![kiln_core::WorkspaceFile::new("out.txt", "result\n")],
            }
        })
    }

    fn check<'a>(
        &'a self,
        file_name: &'a str,
        source: &'a [u8],
        _workspace_files: &'a [String],
    ) -> LocalBoxFuture<'a, CheckReport> {
        Box::pin(async move {
            let diagnostics = if source.windows(3).any(|w| w == b"???") {
                vec![Diagnostic::error("syntax-error", "invalid syntax").at(1, 1)]
            } else {
                Vec::new()
            };
            CheckReport {
                language: None,
                runner: Some(file_name.to_owned()),
                diagnostics,
            }
        })
    }

    fn describe(&self) -> String {
        "- Echo: prints what it would run.".to_owned()
    }
}

/// Answers every question with the next scripted answer, recording the questions.
struct Scripted {
    answers: RefCell<Vec<Answer>>,
    asked: RefCell<Vec<PermissionRequest>>,
}

impl Scripted {
    fn new(answers: Vec<Answer>) -> Rc<Scripted> {
        Rc::new(Scripted {
            answers: RefCell::new(answers),
            asked: RefCell::new(Vec::new()),
        })
    }
}

impl Approver for Scripted {
    fn ask<'a>(&'a self, request: &'a PermissionRequest) -> LocalBoxFuture<'a, Answer> {
        self.asked.borrow_mut().push(request.clone());
        let answer = if self.answers.borrow().is_empty() {
            Answer::Deny { reason: None }
        } else {
            self.answers.borrow_mut().remove(0)
        };
        Box::pin(async move { answer })
    }
}

struct Setup {
    server: FakeProvider,
    agent: Agent,
    approver: Rc<Scripted>,
}

fn setup_with(
    replies: Vec<Reply>,
    files: &[(&str, &str)],
    policy: Policy,
    answers: Vec<Answer>,
    fetch: Option<Rc<dyn HttpTransport>>,
) -> Setup {
    let server = FakeProvider::start(replies).unwrap();
    let config = ProviderConfig::new(ProviderKind::Anthropic)
        .with_key("test-key")
        .with_base_url(server.url());
    let transport: Rc<dyn HttpTransport> = Rc::new(UreqTransport::new());
    let client = Client::new(config, transport.clone(), Rc::new(RecordingSleeper::new()));
    let approver = Scripted::new(answers);
    let host = Host {
        client,
        transport: fetch.unwrap_or(transport),
        environment: Rc::new(Echo),
        approver: approver.clone(),
        catalogue: Catalogue::builtin(),
    };
    let mut workspace = Workspace::new();
    for (path, content) in files {
        workspace.write(path, *content).unwrap();
    }
    let agent = Agent::new(
        host,
        "test-model",
        workspace,
        policy,
        AgentSession::default(),
    );
    Setup {
        server,
        agent,
        approver,
    }
}

fn setup(replies: Vec<Reply>, files: &[(&str, &str)]) -> Setup {
    setup_with(replies, files, Policy::allow_all(), Vec::new(), None)
}

fn send(agent: &Agent, text: &str) -> (Result<Finish, kiln_agent::AgentError>, Vec<AgentEvent>) {
    let mut events = Vec::new();
    let result = futures_executor::block_on(agent.send(text, &CancelToken::new(), &mut |e| {
        events.push(e);
    }));
    (result, events)
}

/// The tool results of the last request, as `(output, is_error)` (Anthropic format).
fn last_results(server: &FakeProvider) -> Vec<(String, bool)> {
    let body = server.posts().pop().unwrap().body;
    let last = body["messages"].as_array().unwrap().last().unwrap().clone();
    last["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "tool_result")
        .map(|b| {
            let content = match &b["content"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (content, b["is_error"].as_bool().unwrap_or(false))
        })
        .collect()
}

fn calls(calls: &[(&str, Value)]) -> Reply {
    Reply::ToolCalls(
        calls
            .iter()
            .map(|(name, arguments)| FakeToolCall {
                name: (*name).to_owned(),
                arguments: arguments.clone(),
            })
            .collect(),
    )
}

#[test]
fn parallel_tool_calls_are_all_answered_in_one_message() {
    let s = setup(
        vec![
            calls(&[
                ("view", json!({"path": "main.py"})),
                ("grep", json!({"pattern": "print"})),
                ("ls", json!({})),
            ]),
            Reply::text("Seen."),
        ],
        &[("main.py", "print('hi')\n")],
    );
    let (result, _) = send(&s.agent, "Look around");
    assert_eq!(result.unwrap(), Finish::Done);
    let results = last_results(&s.server);
    assert_eq!(results.len(), 3);
    assert!(results[0].0.contains("print('hi')"), "{results:?}");
    assert!(results[1].0.contains("main.py:1"), "{results:?}");
    assert!(results[2].0.contains("main.py"), "{results:?}");
    assert!(results.iter().all(|(_, is_error)| !is_error));
    // The system prompt tells the model where it is and what it has.
    let system = s.server.posts()[0].body["system"].to_string();
    assert!(
        system.contains("Kiln") && system.contains("Echo: prints"),
        "{system}"
    );
}

#[test]
fn bad_arguments_and_unknown_tools_are_errors_the_model_can_act_on() {
    let s = setup(
        vec![
            calls(&[
                ("view", json!({"file": "main.py"})),
                ("rm", json!({"path": "main.py"})),
                (
                    "edit",
                    json!({"path": "main.py", "old_string": "nope", "new_string": "x"}),
                ),
            ]),
            Reply::text("I see."),
        ],
        &[("main.py", "print('hi')\n")],
    );
    let (result, _) = send(&s.agent, "Try things");
    assert_eq!(result.unwrap(), Finish::Done);
    let results = last_results(&s.server);
    assert!(results.iter().all(|(_, is_error)| *is_error), "{results:?}");
    assert!(results[0].0.contains("unknown field `file`"), "{results:?}");
    assert!(results[0].0.contains("path"), "{results:?}");
    assert!(results[1].0.contains("no tool `rm`"), "{results:?}");
    assert!(results[2].0.contains("not found"), "{results:?}");
}

#[test]
fn a_denied_change_is_reported_and_recorded() {
    let s = setup_with(
        vec![
            Reply::tool_call("write", json!({"path": "main.py", "content": "print(2)\n"})),
            Reply::text("OK, I will not."),
        ],
        &[("main.py", "print(1)\n")],
        Policy::default(),
        vec![Answer::Deny {
            reason: Some("not now".to_owned()),
        }],
        None,
    );
    let (result, _) = send(&s.agent, "Change it");
    assert_eq!(result.unwrap(), Finish::Done);
    let asked = s.approver.asked.borrow();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].path.as_deref(), Some("main.py"));
    assert!(asked[0].detail.contains("-print(1)") && asked[0].detail.contains("+print(2)"));
    let results = last_results(&s.server);
    assert!(
        results[0].1 && results[0].0.contains("not now"),
        "{results:?}"
    );
    assert_eq!(
        s.agent.workspace().read_text("main.py").unwrap(),
        "print(1)\n"
    );
    let decisions = &s.agent.session().decisions;
    assert_eq!(decisions.len(), 1);
    assert!(!decisions[0].allowed);
    assert_eq!(decisions[0].rule, Permission::Ask);
}

#[test]
fn session_answers_stop_the_questions_and_always_changes_the_policy() {
    let s = setup_with(
        vec![
            Reply::tool_call("write", json!({"path": "a.py", "content": "1\n"})),
            Reply::tool_call(
                "edit",
                json!({"path": "a.py", "old_string": "1", "new_string": "2"}),
            ),
            Reply::tool_call("fetch", json!({"url": "https://example.com/"})),
            Reply::tool_call("fetch", json!({"url": "https://example.com/"})),
            Reply::text("Done."),
        ],
        &[],
        Policy::default(),
        vec![Answer::Session, Answer::Always],
        Some(Rc::new({
            let t = ScriptedTransport::new();
            t.push(ScriptedResponse::ok("plain text").with_header("content-type", "text/plain"));
            t.push(ScriptedResponse::ok("again").with_header("content-type", "text/plain"));
            t
        })),
    );
    let (result, events) = send(&s.agent, "Go");
    assert_eq!(result.unwrap(), Finish::Done);
    // Asked for the write (session → edits allowed) and the first fetch (always).
    let asked: Vec<String> = s
        .approver
        .asked
        .borrow()
        .iter()
        .map(|r| r.tool.clone())
        .collect();
    assert_eq!(asked, ["write", "fetch"]);
    assert_eq!(s.agent.workspace().read_text("a.py").unwrap(), "2\n");
    assert!(events.iter().any(|e| matches!(e, AgentEvent::PolicyChanged(p) if p.decide("fetch", None) == Permission::Allow)));
    assert_eq!(s.agent.session().decisions.len(), 4);
}

#[test]
fn deny_rules_by_path_refuse_without_asking() {
    let mut policy = Policy::allow_all();
    policy.push(Rule::path("edit", "secrets/**", Permission::Deny));
    let s = setup_with(
        vec![
            Reply::tool_call("write", json!({"path": "secrets/key.txt", "content": "x"})),
            Reply::text("Fine."),
        ],
        &[],
        policy,
        Vec::new(),
        None,
    );
    send(&s.agent, "Write a key").0.unwrap();
    assert!(s.approver.asked.borrow().is_empty());
    let results = last_results(&s.server);
    assert!(
        results[0].1 && results[0].0.contains("do not allow"),
        "{results:?}"
    );
    assert!(s.agent.workspace().read("secrets/key.txt").is_err());
}

#[test]
fn run_sends_the_workspace_and_saves_files_the_program_wrote() {
    let s = setup(
        vec![
            Reply::tool_call("run", json!({"path": "main.py", "stdin": "42"})),
            Reply::tool_call("run", json!({"code": "print(1)", "language": "python"})),
            Reply::tool_call("run", json!({"code": "x", "path": "main.py"})),
            Reply::text("Ran."),
        ],
        &[("main.py", "print(input())\n"), ("util.py", "X = 1\n")],
    );
    send(&s.agent, "Run it").0.unwrap();
    let bodies: Vec<Value> = s.server.posts().iter().map(|p| p.body.clone()).collect();
    let first = bodies[1]["messages"].to_string();
    assert!(
        first.contains("ran main.py (15 bytes) with files [util.py] and stdin \\\"42\\\""),
        "{first}"
    );
    assert!(first.contains("Created `out.txt`"), "{first}");
    let second = bodies[2]["messages"].to_string();
    assert!(second.contains("ran snippet.py"), "{second}");
    let results = last_results(&s.server);
    assert!(
        results[0].1 && results[0].0.contains("either `path`"),
        "{results:?}"
    );
    assert_eq!(
        s.agent.workspace().read_text("out.txt").unwrap(),
        "result\n"
    );
}

#[test]
fn diagnostics_checks_every_program_file() {
    let s = setup(
        vec![
            Reply::tool_call("diagnostics", json!({})),
            Reply::text("Checked."),
        ],
        &[("a.py", "???\n"), ("b.js", "ok\n"), ("notes.md", "???")],
    );
    send(&s.agent, "Check").0.unwrap();
    let results = last_results(&s.server);
    assert!(
        results[0].0.contains("a.py:1:1: error[syntax-error]"),
        "{results:?}"
    );
    assert!(
        results[0].0.contains("2 files checked: 1 error"),
        "{results:?}"
    );
}

#[test]
fn fetch_turns_html_into_markdown_and_refuses_binary() {
    let transport = ScriptedTransport::new();
    transport.push(
        ScriptedResponse::ok(
            "<html><body><h1>Title</h1><p>Some <b>bold</b> text.</p></body></html>",
        )
        .with_header("content-type", "text/html; charset=utf-8")
        .chunked(7),
    );
    transport.push(ScriptedResponse::ok(vec![0u8, 1, 2]).with_header("content-type", "image/png"));
    let s = setup_with(
        vec![
            calls(&[
                ("fetch", json!({"url": "https://example.com/page"})),
                ("fetch", json!({"url": "https://example.com/img"})),
                ("fetch", json!({"url": "file:///etc/passwd"})),
            ]),
            Reply::text("Read."),
        ],
        &[],
        Policy::allow_all(),
        Vec::new(),
        Some(Rc::new(transport)),
    );
    send(&s.agent, "Read the page").0.unwrap();
    let results = last_results(&s.server);
    assert!(
        results[0].0.contains("# Title") && results[0].0.contains("**bold**"),
        "{results:?}"
    );
    assert!(
        results[1].1 && results[1].0.contains("not text"),
        "{results:?}"
    );
    assert!(
        results[2].1 && results[2].0.contains("not an http(s) URL"),
        "{results:?}"
    );
}

#[test]
fn a_task_runs_a_sub_agent_with_its_own_context_and_read_only_tools() {
    let s = setup(
        vec![
            Reply::tool_call(
                "task",
                json!({"description": "find prints", "prompt": "Where is print used?"}),
            ),
            // The sub-agent: tries to write (not its tool), greps, then reports.
            Reply::tool_call("write", json!({"path": "x.py", "content": ""})),
            Reply::tool_call("grep", json!({"pattern": "print"})),
            Reply::text("print is used in main.py line 1."),
            Reply::text("The sub-agent says main.py line 1."),
        ],
        &[("main.py", "print('hi')\n")],
    );
    let (result, events) = send(&s.agent, "Where do we print?");
    assert_eq!(result.unwrap(), Finish::Done);
    let posts = s.server.posts();
    // The sub-agent's first request has only its prompt and only read-only tools.
    let sub = &posts[1].body;
    assert_eq!(sub["messages"].as_array().unwrap().len(), 1);
    let tools: Vec<&str> = sub["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(!tools.contains(&"write") && !tools.contains(&"task") && tools.contains(&"grep"));
    let sub_results = posts[2].body["messages"].to_string();
    assert!(sub_results.contains("no tool `write`"), "{sub_results}");
    // Its report is the task's result in the main conversation.
    let results = last_results(&s.server);
    assert_eq!(results[0].0, "print is used in main.py line 1.");
    assert!(events.iter().any(|e| matches!(e, AgentEvent::Task { .. })));
    assert!(s.agent.workspace().read("x.py").is_err());
    // Sub-agent usage counts toward the session.
    assert!(s.agent.session().session.usage.output_tokens > 0);
}

#[test]
fn the_turn_limit_stops_a_model_that_never_stops_calling_tools() {
    let replies = (0..5).map(|_| Reply::tool_call("ls", json!({}))).collect();
    let s = setup(replies, &[]);
    let agent = s.agent.with_options(AgentOptions {
        max_turns: 3,
        ..AgentOptions::default()
    });
    let mut events = Vec::new();
    let result = futures_executor::block_on(
        agent.send("Loop", &CancelToken::new(), &mut |e| events.push(e)),
    );
    assert_eq!(result.unwrap(), Finish::TurnLimit);
    assert_eq!(s.server.posts().len(), 3);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, AgentEvent::Notice(n) if n.contains("Stopped after 3")))
    );
}

#[test]
fn todo_lists_are_kept_in_the_session() {
    let s = setup(
        vec![
            Reply::tool_call(
                "todo",
                json!({"todos": [{"content": "write", "status": "done"}, {"content": "test", "status": "in_progress"}]}),
            ),
            Reply::text("Working."),
        ],
        &[],
    );
    send(&s.agent, "Plan").0.unwrap();
    assert_eq!(s.agent.session().todos.len(), 2);
    assert!(
        last_results(&s.server)[0]
            .0
            .contains("[x] write\n[~] test\n1 of 2 done.")
    );
}

#[test]
fn compaction_keeps_recent_turns_and_the_conversation_continues_from_the_summary() {
    // ~3,000 tokens per message: the fifth question (with the system prompt and tools, a few
    // thousand tokens) passes 80% of the 32,500 usable tokens; the fourth does not.
    let long = "word ".repeat(2400);
    let mut replies = Vec::new();
    for i in 0..4 {
        replies.push(Reply::text(format!("answer {i}: {long}")));
    }
    replies.push(Reply::text(
        "SUMMARY: the user asked four questions about words.",
    ));
    replies.push(Reply::text("answer 4"));
    let s = setup(replies, &[]);
    let agent = s.agent.with_options(AgentOptions {
        default_context_window: 32_500 + 8_192,
        ..AgentOptions::default()
    });
    let mut all_events = Vec::new();
    for i in 0..5 {
        let mut events = Vec::new();
        let result = futures_executor::block_on(agent.send(
            &format!("question {i}: {long}"),
            &CancelToken::new(),
            &mut |e| events.push(e),
        ));
        assert_eq!(result.unwrap(), Finish::Done, "turn {i}");
        all_events.extend(events);
    }
    assert!(
        all_events
            .iter()
            .any(|e| matches!(e, AgentEvent::Compacted { .. }))
    );
    let posts = s.server.posts();
    assert_eq!(posts.len(), 6);
    // The summary request carried the old conversation and the summariser's instructions.
    let summary_request = &posts[4].body;
    assert!(
        summary_request["system"].to_string().contains("summarise"),
        "{summary_request}"
    );
    assert!(
        summary_request["messages"]
            .to_string()
            .contains("question 0")
    );
    // The next request starts from the summary and keeps the latest question verbatim.
    let next = posts[5].body["messages"].to_string();
    assert!(
        next.contains("SUMMARY: the user asked four questions"),
        "{next}"
    );
    assert!(next.contains("question 4"), "{next}");
    assert!(!next.contains("question 0"), "{next}");
    // The full history stays in the session, with the marker.
    let session = agent.session();
    let all = serde_json::to_string(&session.session).unwrap();
    assert!(all.contains("question 0") && all.contains("compaction_marker"));
    let marker = session
        .session
        .messages
        .iter()
        .flat_map(|m| &m.parts)
        .find_map(|p| match p {
            Part::CompactionMarker {
                replaced_message_count,
                ..
            } => Some(*replaced_message_count),
            _ => None,
        });
    assert!(marker.unwrap() >= 6);
}

#[test]
fn a_context_overflow_compacts_and_retries_once() {
    let s = setup(
        vec![
            Reply::text("first answer"),
            Reply::text("second answer"),
            Reply::error(kiln_fake_provider::ErrorKind::ContextTooLong),
            Reply::text("SUMMARY of before"),
            Reply::text("third answer"),
        ],
        &[],
    );
    send(&s.agent, "one").0.unwrap();
    send(&s.agent, "two").0.unwrap();
    let (result, events) = send(&s.agent, "three");
    assert_eq!(result.unwrap(), Finish::Done);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, AgentEvent::Compacted { .. }))
    );
    let last = s.server.posts().pop().unwrap().body["messages"].to_string();
    assert!(
        last.contains("SUMMARY of before") && last.contains("three"),
        "{last}"
    );
}

#[test]
fn cancelling_before_sending_stops_at_once() {
    let s = setup(vec![Reply::text("never")], &[]);
    let cancel = CancelToken::new();
    cancel.cancel();
    let result = futures_executor::block_on(s.agent.send("hi", &cancel, &mut |_| {}));
    assert_eq!(result.unwrap(), Finish::Cancelled);
    assert!(s.server.posts().is_empty());
}

#[test]
fn sessions_round_trip_through_json() {
    let s = setup(
        vec![Reply::tool_call("ls", json!({})), Reply::text("Empty.")],
        &[],
    );
    send(&s.agent, "List").0.unwrap();
    let json = serde_json::to_string(&*s.agent.session()).unwrap();
    let back: AgentSession = serde_json::from_str(&json).unwrap();
    assert_eq!(back, *s.agent.session());
    assert_eq!(back.session.messages.len(), 4);
}
