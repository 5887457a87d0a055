//! `kiln ask`: the browser app's coding agent on the terminal, over a workspace folder.
//!
//! The assistant's text streams to stdout; each tool call and its result are one line on stderr;
//! questions go to the terminal unless `--yes`. Changes stay in the virtual workspace: `--apply`
//! writes them back to the folder, otherwise their diff is printed at the end.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

use futures_util::future::LocalBoxFuture;
use kiln_agent::{
    Agent, AgentEvent, AgentSession, Answer, Approver, CheckReport, Environment, Finish, Host,
    PermissionRequest, Policy, RunSpec, describe_runners,
};
use kiln_analyzer::{Hints, RunnerRegistry, analyze};
use kiln_assistant::{
    CancelToken, Catalogue, Client, ProviderConfig, ProviderKind, Session, ThreadSleeper,
    UreqTransport,
};
use kiln_core::http::HttpTransport;
use kiln_core::{Code, Language, Outcome, RunRequest};
use kiln_vfs::{Content, Workspace};

use crate::AskArgs;

/// Runs `kiln ask`; 0 when the conversation completed, 1 on a provider or network error, 2 on
/// usage errors.
pub(crate) fn ask(args: &AskArgs) -> ExitCode {
    match setup(args) {
        Ok(setup) => converse(args, setup),
        Err(message) => {
            eprintln!("kiln: {message}");
            ExitCode::from(2)
        }
    }
}

struct Setup {
    config: ProviderConfig,
    model: String,
    workspace: Workspace,
    folder: Option<PathBuf>,
}

const KEY_VARIABLES: &[(ProviderKind, &str)] = &[
    (ProviderKind::Anthropic, "ANTHROPIC_API_KEY"),
    (ProviderKind::OpenAi, "OPENAI_API_KEY"),
    (ProviderKind::Gemini, "GEMINI_API_KEY"),
    (ProviderKind::OpenRouter, "OPENROUTER_API_KEY"),
];

fn env_key(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_provider(name: &str) -> Result<ProviderKind, String> {
    Ok(match name {
        "openai" => ProviderKind::OpenAi,
        "openai-responses" => ProviderKind::OpenAiResponses,
        "anthropic" => ProviderKind::Anthropic,
        "gemini" => ProviderKind::Gemini,
        "openrouter" => ProviderKind::OpenRouter,
        "openai-compatible" | "ollama" | "lmstudio" => ProviderKind::OpenAiCompatible,
        other => {
            return Err(format!(
                "unknown provider `{other}`: use openai, openai-responses, anthropic, gemini, \
                 openrouter or openai-compatible"
            ));
        }
    })
}

fn key_variable(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::OpenAi | ProviderKind::OpenAiResponses => "OPENAI_API_KEY",
        ProviderKind::Anthropic => "ANTHROPIC_API_KEY",
        ProviderKind::Gemini => "GEMINI_API_KEY",
        ProviderKind::OpenRouter => "OPENROUTER_API_KEY",
        ProviderKind::OpenAiCompatible => "KILN_API_KEY",
    }
}

fn setup(args: &AskArgs) -> Result<Setup, String> {
    if args.prompt.trim().is_empty() {
        return Err("the prompt is empty: say what the assistant should do".to_owned());
    }
    let kind = match &args.provider {
        Some(name) => parse_provider(name)?,
        None => KEY_VARIABLES
            .iter()
            .find(|(_, var)| env_key(var).is_some())
            .map(|(kind, _)| *kind)
            .or_else(|| {
                (args.base_url.is_some() || env_key("KILN_API_KEY").is_some())
                    .then_some(ProviderKind::OpenAiCompatible)
            })
            .ok_or(
                "no provider: set OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, \
                 OPENROUTER_API_KEY or KILN_API_KEY, or pass --provider openai-compatible \
                 --base-url http://localhost:11434/v1 for a local server",
            )?,
    };
    let key = env_key(key_variable(kind)).or_else(|| env_key("KILN_API_KEY"));
    if key.is_none() && kind.needs_key() {
        return Err(format!(
            "{} needs an API key: set {} (or KILN_API_KEY)",
            kind.display_name(),
            key_variable(kind)
        ));
    }
    let mut config = ProviderConfig::new(kind);
    if let Some(key) = key {
        config = config.with_key(key);
    }
    if let Some(url) = &args.base_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!(
                "--base-url `{url}` is not an http(s) URL (for example http://localhost:11434/v1)"
            ));
        }
        config = config.with_base_url(url.trim_end_matches('/'));
    }
    let model = match &args.model {
        Some(model) => model.clone(),
        None => Catalogue::builtin()
            .for_provider(kind)
            .next()
            .map(|m| m.id.clone())
            .ok_or_else(|| format!("--model is required for {}", kind.display_name()))?,
    };
    let (workspace, folder) = match &args.workspace {
        Some(dir) => {
            let path = Path::new(dir);
            if !path.is_dir() {
                return Err(format!("--workspace {dir} is not a folder"));
            }
            (load_folder(path)?, Some(path.to_path_buf()))
        }
        None => (Workspace::new(), None),
    };
    if args.apply && folder.is_none() {
        return Err("--apply needs --workspace DIR: the folder to write the changes to".to_owned());
    }
    Ok(Setup {
        config,
        model,
        workspace,
        folder,
    })
}

fn load_folder(folder: &Path) -> Result<Workspace, String> {
    let mut workspace = Workspace::new();
    for file in crate::run::load_workspace(folder, None) {
        workspace
            .write(&file.path, Content::from_bytes(file.contents))
            .map_err(|e| format!("cannot load {} into the workspace: {e}", file.path))?;
    }
    Ok(workspace)
}

fn converse(args: &AskArgs, setup: Setup) -> ExitCode {
    let transport: Rc<dyn HttpTransport> = Rc::new(UreqTransport::new());
    let client = Client::new(setup.config, transport.clone(), Rc::new(ThreadSleeper))
        .with_clock(kiln_core::SystemClock::shared());
    let approver = TerminalApprover { yes: args.yes };
    let policy = if args.yes {
        Policy::allow_all()
    } else {
        Policy::default()
    };
    let host = Host {
        client,
        transport,
        environment: Rc::new(InProcess),
        approver: Rc::new(approver),
        catalogue: Catalogue::builtin(),
    };
    let before = setup.workspace.snapshot();
    let session = AgentSession {
        session: Session::new("kiln-ask", args.prompt.chars().take(60).collect::<String>()),
        ..AgentSession::default()
    };
    let agent = Agent::new(host, setup.model, setup.workspace, policy, session);
    let cancel = CancelToken::new();
    let mut printer = Printer::default();
    let result = futures_executor::block_on(agent.send(&args.prompt, &cancel, &mut |event| {
        printer.event(&event);
    }));
    printer.end_text();

    let diff = agent.workspace().diff_since(&before);
    if let (true, Some(folder)) = (args.apply, &setup.folder) {
        if let Err(message) = apply(folder, &agent.workspace(), &diff) {
            eprintln!("kiln: {message}");
            return ExitCode::from(1);
        }
        if !diff.is_empty() {
            eprintln!(
                "kiln: wrote {} changed file(s) to {}",
                diff.files.len(),
                folder.display()
            );
        }
    } else if !diff.is_empty() {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "\n{diff}");
        let _ = out.flush();
    }
    if let Some(path) = &args.transcript {
        // The app's export format: the session with the workspace as it ended.
        let mut exported =
            kiln_sessions::ExportedSession::from_agent_session(agent.session().clone());
        exported.files = agent
            .workspace()
            .files()
            .map(|(path, file)| kiln_sessions::ExportedFile {
                path: path.to_string(),
                content: file.content.clone(),
            })
            .collect();
        let json = kiln_sessions::ExportFile::new(vec![exported], Vec::new(), None).to_json();
        if let Err(err) = std::fs::write(path, json) {
            eprintln!("kiln: could not write the transcript to {path}: {err}");
            return ExitCode::from(1);
        }
    }
    match result {
        Ok(Finish::Done | Finish::TurnLimit) => ExitCode::SUCCESS,
        Ok(Finish::Cancelled) => ExitCode::from(1),
        Err(err) => {
            eprintln!("kiln: {err}");
            ExitCode::from(1)
        }
    }
}

/// Writes the changed files of `workspace` to `folder`, and removes the deleted ones.
fn apply(
    folder: &Path,
    workspace: &Workspace,
    diff: &kiln_vfs::WorkspaceDiff,
) -> Result<(), String> {
    for file in &diff.files {
        let target = folder.join(file.path.as_str());
        match workspace.read(file.path.as_str()) {
            Ok(content) => {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
                }
                std::fs::write(&target, content.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            }
            Err(_) => {
                if target.exists() {
                    std::fs::remove_file(&target)
                        .map_err(|e| format!("cannot remove {}: {e}", target.display()))?;
                }
            }
        }
    }
    Ok(())
}

/// Prints the agent's events: text to stdout, one line per tool call or notice to stderr.
#[derive(Default)]
struct Printer {
    mid_line: bool,
}

impl Printer {
    fn end_text(&mut self) {
        if self.mid_line {
            println!();
            self.mid_line = false;
        }
    }

    fn event(&mut self, event: &AgentEvent) {
        match event {
            AgentEvent::Text(text) => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
                self.mid_line = !text.ends_with('\n');
            }
            AgentEvent::ToolStarted(call) => {
                self.end_text();
                eprintln!("→ {} {}", call.name, one_line(&call.arguments_text(), 160));
            }
            AgentEvent::ToolFinished {
                name,
                output,
                is_error,
                ..
            } => {
                let mark = if *is_error { "✗" } else { "✓" };
                eprintln!("{mark} {name}: {}", one_line(output, 200));
            }
            AgentEvent::Notice(notice) => {
                self.end_text();
                eprintln!("kiln: {notice}");
            }
            AgentEvent::Compacted { replaced_messages } => {
                eprintln!("kiln: summarised {replaced_messages} earlier messages to make room");
            }
            AgentEvent::Task { description, event } => {
                if let AgentEvent::ToolStarted(call) = &**event {
                    eprintln!(
                        "  [{description}] → {} {}",
                        call.name,
                        one_line(&call.arguments_text(), 120)
                    );
                }
            }
            AgentEvent::Reasoning(_)
            | AgentEvent::PermissionAsked(_)
            | AgentEvent::PermissionDecided(_)
            | AgentEvent::PolicyChanged(_)
            | AgentEvent::Todos(_)
            | AgentEvent::TurnFinished { .. } => {}
        }
    }
}

fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    if flat.chars().count() > max {
        format!("{}…", flat.chars().take(max).collect::<String>())
    } else {
        flat
    }
}

/// Asks on the terminal (stderr for the question, stdin for the answer).
struct TerminalApprover {
    yes: bool,
}

impl Approver for TerminalApprover {
    fn ask<'a>(&'a self, request: &'a PermissionRequest) -> LocalBoxFuture<'a, Answer> {
        Box::pin(async move {
            if self.yes {
                return Answer::Once;
            }
            let target = request
                .path
                .as_ref()
                .map_or(String::new(), |p| format!(" {p}"));
            eprintln!("\nThe assistant wants to {}{target}:", request.tool);
            eprintln!("{}", request.detail.trim_end());
            if !std::io::stdin().is_terminal() {
                eprintln!(
                    "(answer on stdin: y = yes once, s = for this session, a = always, n = no)"
                );
            }
            loop {
                eprint!("Allow? [y]es once / [s]ession / [a]lways / [n]o: ");
                let _ = std::io::stderr().flush();
                let mut line = String::new();
                match std::io::stdin().lock().read_line(&mut line) {
                    Ok(0) | Err(_) => {
                        eprintln!();
                        return Answer::Deny {
                            reason: Some(
                                "nobody could answer (no terminal input); rerun with --yes to \
                                 allow changes"
                                    .to_owned(),
                            ),
                        };
                    }
                    Ok(_) => {}
                }
                match line.trim().to_ascii_lowercase().as_str() {
                    "y" | "yes" => return Answer::Once,
                    "s" | "session" => return Answer::Session,
                    "a" | "always" => return Answer::Always,
                    "n" | "no" => return Answer::Deny { reason: None },
                    other if other.starts_with("n ") => {
                        return Answer::Deny {
                            reason: Some(other[2..].trim().to_owned()),
                        };
                    }
                    _ => {
                        eprintln!("Please answer y, s, a or n (n followed by a reason also works).")
                    }
                }
            }
        })
    }
}

/// The runners and the analyzer, linked into this process.
struct InProcess;

impl Environment for InProcess {
    fn run(&self, spec: RunSpec) -> LocalBoxFuture<'_, Outcome> {
        Box::pin(async move {
            let language = match spec.language {
                Some(language) => language,
                None => {
                    let analysis = analyze(&spec.code, &Hints::for_file(spec.file_name.clone()));
                    match RunnerRegistry::default().select(&analysis) {
                        Ok(selection) => selection.language,
                        Err(refusal) => return Outcome::refused(refusal.diagnostics),
                    }
                }
            };
            let code = match String::from_utf8(spec.code) {
                Ok(text) => Code::Text(text),
                Err(e) => Code::Binary(e.into_bytes()),
            };
            let mut request = RunRequest::new(language, code)
                .with_limits(spec.limits)
                .with_stdin(spec.stdin)
                .with_file_name(spec.file_name);
            request.files = spec.files;
            crate::sandbox::run_to_outcome(request)
        })
    }

    fn check<'a>(
        &'a self,
        file_name: &'a str,
        source: &'a [u8],
        workspace_files: &'a [String],
    ) -> LocalBoxFuture<'a, CheckReport> {
        Box::pin(async move {
            let hints = Hints::for_file(file_name).with_workspace(workspace_files.iter().cloned());
            let analysis = analyze(source, &hints);
            let verdict = RunnerRegistry::default().verdict(&analysis);
            CheckReport {
                language: analysis.language,
                runner: verdict.runner,
                diagnostics: verdict.diagnostics,
            }
        })
    }

    fn describe(&self) -> String {
        describe_runners(&Language::ALL)
    }
}
