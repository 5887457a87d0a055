//! The agent loop: send the conversation, run the tool calls the model makes (asking when the
//! policy says so), feed the results back, until the model stops, the turn limit is reached or
//! the user cancels. Compacts the conversation when it nears the model's context window.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use kiln_assistant::{
    CancelToken, Catalogue, ChatRequest, Client, ClientEvent, Message, Part, ProviderError, Role,
    Session, StreamEvent, ToolCall, Usage, estimate_request_tokens,
};
use kiln_core::http::{HttpRequest, HttpTransport};
use kiln_core::{Language, Limits, Outcome, Severity, Status, WorkspaceFile};
use kiln_vfs::{Content, GrepOptions, LsOptions, Workspace};

use crate::env::{Environment, RunSpec};
use crate::permissions::{
    Answer, Approver, Decision, FILE_CHANGING_TOOLS, Permission, PermissionRequest, Policy, Rule,
};
use crate::tools::{self, MAX_TOOL_OUTPUT_CHARS, ToolSet};
use crate::{AgentEvent, AgentSession, TodoStatus, prompt};

/// How the agent behaves.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentOptions {
    /// Most model responses per user message before the agent stops and says so.
    pub max_turns: u32,
    /// Most model responses of a `task` sub-agent.
    pub max_sub_agent_turns: u32,
    /// Most output tokens per response (`None`: the model's own limit, capped at 16k).
    pub max_output_tokens: Option<u32>,
    /// Compact when the estimated request passes this share of the usable context window.
    pub compact_at: f64,
    /// The context window to assume for a model the catalogue does not know.
    pub default_context_window: u64,
    /// Most bytes a `fetch` downloads.
    pub max_fetch_bytes: usize,
}

impl Default for AgentOptions {
    fn default() -> Self {
        AgentOptions {
            max_turns: 40,
            max_sub_agent_turns: 20,
            max_output_tokens: None,
            compact_at: 0.8,
            default_context_window: 32_000,
            max_fetch_bytes: 4 * 1024 * 1024,
        }
    }
}

/// How a [`Agent::send`] ended (errors are [`AgentError`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// The model answered and stopped.
    Done,
    /// The turn limit was reached while the model was still calling tools.
    TurnLimit,
    /// The user cancelled.
    Cancelled,
}

/// Why [`Agent::send`] failed.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentError {
    /// The provider call failed (after retries), in the provider's words.
    Provider(ProviderError),
}

impl std::fmt::Display for AgentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AgentError::Provider(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for AgentError {}

/// The host's parts an [`Agent`] works with.
pub struct Host {
    /// Talks to the model provider.
    pub client: Client,
    /// For `fetch`.
    pub transport: Rc<dyn HttpTransport>,
    /// Runs and checks programs.
    pub environment: Rc<dyn Environment>,
    /// Asks the user.
    pub approver: Rc<dyn Approver>,
    /// Model limits and prices.
    pub catalogue: Catalogue,
}

/// One conversation with the coding agent over a workspace.
pub struct Agent {
    host: Host,
    model: String,
    options: AgentOptions,
    workspace: RefCell<Workspace>,
    policy: RefCell<Policy>,
    /// Rules granted "for this session".
    session_rules: RefCell<Vec<Rule>>,
    state: RefCell<AgentSession>,
}

type Events<'a> = &'a mut dyn FnMut(AgentEvent);

impl Agent {
    /// An agent for `model` over `workspace`, continuing `session` (use
    /// [`AgentSession::default`] for a new one).
    #[must_use]
    pub fn new(
        host: Host,
        model: impl Into<String>,
        workspace: Workspace,
        policy: Policy,
        session: AgentSession,
    ) -> Self {
        Agent {
            host,
            model: model.into(),
            options: AgentOptions::default(),
            workspace: RefCell::new(workspace),
            policy: RefCell::new(policy),
            session_rules: RefCell::new(Vec::new()),
            state: RefCell::new(session),
        }
    }

    /// Sets the options.
    #[must_use]
    pub fn with_options(mut self, options: AgentOptions) -> Self {
        self.options = options;
        self
    }

    /// The workspace as it is now.
    pub fn workspace(&self) -> std::cell::Ref<'_, Workspace> {
        self.workspace.borrow()
    }

    /// The session as it is now (messages, usage, decisions, todos).
    pub fn session(&self) -> std::cell::Ref<'_, AgentSession> {
        self.state.borrow()
    }

    /// The policy, including answers "always" given so far.
    pub fn policy(&self) -> std::cell::Ref<'_, Policy> {
        self.policy.borrow()
    }

    /// Sends the user's `text` and works until the model is done, reporting progress to
    /// `on_event`.
    ///
    /// # Errors
    /// [`AgentError::Provider`] when the model cannot be reached or fails, after retries and (for
    /// a context-window overflow) one compaction.
    pub async fn send(
        &self,
        text: &str,
        cancel: &CancelToken,
        on_event: Events<'_>,
    ) -> Result<Finish, AgentError> {
        self.state
            .borrow_mut()
            .session
            .push(Message::user(text), None);
        let system = {
            let workspace = self.workspace.borrow();
            prompt::system(&self.host.environment.describe(), &workspace, ToolSet::Full)
        };
        let mut conversation = Conversation::Main;
        self.turns(
            &mut conversation,
            &system,
            ToolSet::Full,
            self.options.max_turns,
            cancel,
            on_event,
        )
        .await
    }

    /// Summarises the older part of the conversation now (the user asked for it).
    ///
    /// # Errors
    /// [`AgentError::Provider`] when the summary request fails; the conversation is unchanged.
    pub async fn compact(
        &self,
        cancel: &CancelToken,
        on_event: Events<'_>,
    ) -> Result<bool, AgentError> {
        self.compact_main(cancel, on_event, true).await
    }

    fn context_budget(&self) -> (u64, u32) {
        let kind = self.host.client.config().kind;
        let info = self.host.catalogue.find(kind, &self.model);
        let window = info.map_or(self.options.default_context_window, |m| m.context_window);
        let output = self
            .options
            .max_output_tokens
            .unwrap_or_else(|| {
                info.map_or(8_192, |m| {
                    u32::try_from(m.max_output_tokens.min(16_384)).unwrap_or(8_192)
                })
            })
            .max(256);
        (window.saturating_sub(u64::from(output)), output)
    }

    async fn turns(
        &self,
        conversation: &mut Conversation,
        system: &str,
        set: ToolSet,
        max_turns: u32,
        cancel: &CancelToken,
        on_event: Events<'_>,
    ) -> Result<Finish, AgentError> {
        let specs = tools::specs(set);
        let (usable, max_output) = self.context_budget();
        let mut overflow_retried = false;
        let mut turn = 0;
        loop {
            if cancel.is_cancelled() {
                return Ok(Finish::Cancelled);
            }
            if turn >= max_turns {
                on_event(AgentEvent::Notice(format!(
                    "Stopped after {max_turns} model responses in a row; send a message to let \
                     the assistant continue."
                )));
                return Ok(Finish::TurnLimit);
            }
            let messages = self.messages(conversation);
            if matches!(conversation, Conversation::Main) {
                let estimate = estimate_request_tokens(system, &messages, &specs);
                #[allow(clippy::cast_precision_loss, clippy::cast_sign_loss)]
                let threshold = (usable as f64 * self.options.compact_at) as u64;
                if estimate > threshold {
                    self.compact_main(cancel, on_event, false).await?;
                }
            }
            let messages = self.messages(conversation);
            let request = ChatRequest {
                tools: &specs,
                max_output_tokens: Some(max_output),
                ..ChatRequest::new(&self.model, system, &messages)
            };
            let result = self
                .host
                .client
                .stream(&request, cancel, &mut |event| forward(event, on_event))
                .await;
            let response = match result {
                Ok(response) => response,
                Err(ProviderError::Cancelled) => return Ok(Finish::Cancelled),
                Err(e)
                    if e.is_context_too_long()
                        && !overflow_retried
                        && matches!(conversation, Conversation::Main) =>
                {
                    overflow_retried = true;
                    on_event(AgentEvent::Notice(
                        "The conversation is longer than the model's context window; \
                         summarising older messages and trying again."
                            .to_owned(),
                    ));
                    if self.compact_main(cancel, on_event, true).await? {
                        continue;
                    }
                    return Err(AgentError::Provider(e));
                }
                Err(e) => return Err(AgentError::Provider(e)),
            };
            turn += 1;
            let message = response.message;
            let usage = message.usage.unwrap_or_default();
            let cost = self.cost(&usage);
            let calls: Vec<ToolCall> = message.tool_calls().cloned().collect();
            self.record(conversation, message, cost);
            on_event(AgentEvent::TurnFinished {
                usage,
                cost_usd: cost,
            });
            if calls.is_empty() {
                return Ok(Finish::Done);
            }
            let mut results = Vec::with_capacity(calls.len());
            for call in &calls {
                let (output, is_error) = if cancel.is_cancelled() {
                    (
                        "cancelled by the user before this tool ran".to_owned(),
                        true,
                    )
                } else {
                    on_event(AgentEvent::ToolStarted(call.clone()));
                    let (output, is_error) = self.execute(call, set, cancel, on_event).await;
                    on_event(AgentEvent::ToolFinished {
                        call_id: call.id.clone(),
                        name: call.name.clone(),
                        output: output.clone(),
                        is_error,
                    });
                    (output, is_error)
                };
                results.push(Part::ToolResult {
                    call_id: call.id.clone(),
                    name: call.name.clone(),
                    output,
                    is_error,
                });
            }
            self.record(conversation, Message::new(Role::User, results), None);
        }
    }

    fn messages(&self, conversation: &Conversation) -> Vec<Message> {
        match conversation {
            Conversation::Main => self.state.borrow().session.messages_for_request().to_vec(),
            Conversation::Sub(session) => session.messages.clone(),
        }
    }

    fn record(&self, conversation: &mut Conversation, message: Message, cost: Option<f64>) {
        match conversation {
            Conversation::Main => {
                self.state.borrow_mut().session.push(message, cost);
            }
            Conversation::Sub(session) => {
                session.push(message, cost);
            }
        }
    }

    fn cost(&self, usage: &Usage) -> Option<f64> {
        let kind = self.host.client.config().kind;
        self.host.catalogue.cost(kind, &self.model, usage)
    }

    /// Runs one tool call; returns its output and whether it failed.
    fn execute<'a>(
        &'a self,
        call: &'a ToolCall,
        set: ToolSet,
        cancel: &'a CancelToken,
        on_event: Events<'a>,
    ) -> LocalBoxFuture<'a, (String, bool)> {
        Box::pin(async move {
            if let Some(problem) = &call.arguments_error {
                return (
                    format!(
                        "the call to `{}` could not be read: {problem}. Send the arguments as \
                         one valid JSON object.",
                        call.name
                    ),
                    true,
                );
            }
            if !tools::names(set).contains(&call.name.as_str()) {
                return (
                    format!(
                        "there is no tool `{}` here; the tools are: {}",
                        call.name,
                        tools::names(set).join(", ")
                    ),
                    true,
                );
            }
            let result = match call.name.as_str() {
                "ls" => self.ls(call),
                "glob" => self.glob(call),
                "grep" => self.grep(call),
                "view" => self.view(call),
                "write" | "edit" | "patch" => self.change(call, on_event).await,
                "run" => self.run(call).await,
                "diagnostics" => self.diagnostics(call).await,
                "fetch" => self.fetch(call, cancel, on_event).await,
                "task" => self.task(call, cancel, on_event).await,
                "todo" => self.todo(call, on_event),
                other => Err(format!("the tool `{other}` is not available")),
            };
            match result {
                Ok(output) => (
                    tools::truncate(
                        &output,
                        MAX_TOOL_OUTPUT_CHARS,
                        "narrow the request (view with offset/limit, a more specific grep or glob)",
                    ),
                    false,
                ),
                Err(message) => (message, true),
            }
        })
    }

    fn ls(&self, call: &ToolCall) -> Result<String, String> {
        let args: tools::LsArgs = tools::parse("ls", &call.arguments)?;
        let options = LsOptions {
            ignore: args.ignore,
            ..LsOptions::default()
        };
        let workspace = self.workspace.borrow();
        workspace
            .ls_with(args.path.as_deref().unwrap_or(""), &options)
            .map(|l| l.to_string())
            .map_err(|e| e.to_string())
    }

    fn glob(&self, call: &ToolCall) -> Result<String, String> {
        let args: tools::GlobArgs = tools::parse("glob", &call.arguments)?;
        let workspace = self.workspace.borrow();
        workspace
            .glob(&args.pattern, args.path.as_deref())
            .map(|m| m.to_string())
            .map_err(|e| e.to_string())
    }

    fn grep(&self, call: &ToolCall) -> Result<String, String> {
        let args: tools::GrepArgs = tools::parse("grep", &call.arguments)?;
        let options = GrepOptions {
            literal: args.literal,
            case_insensitive: args.case_insensitive,
            include: args.include,
            under: args.path,
            ..GrepOptions::default()
        };
        let workspace = self.workspace.borrow();
        workspace
            .grep(&args.pattern, &options)
            .map(|r| r.to_string())
            .map_err(|e| e.to_string())
    }

    fn view(&self, call: &ToolCall) -> Result<String, String> {
        let args: tools::ViewArgs = tools::parse("view", &call.arguments)?;
        let workspace = self.workspace.borrow();
        workspace
            .view(&args.path, args.offset, args.limit)
            .map(|v| v.to_string())
            .map_err(|e| e.to_string())
    }

    /// `write`, `edit` and `patch`: tried on a copy first, so the user approves the exact diff
    /// and a failing change never half-applies.
    async fn change(&self, call: &ToolCall, on_event: Events<'_>) -> Result<String, String> {
        let mut trial = self.workspace.borrow().clone();
        let before = trial.snapshot();
        let report = apply_change(&mut trial, call)?;
        let diff = trial.diff_since(&before);
        let paths: Vec<String> = diff.files.iter().map(|f| f.path.to_string()).collect();
        let detail = if diff.is_empty() {
            "(no change)".to_owned()
        } else {
            diff.to_string()
        };
        self.authorize(call, &paths, detail, on_event).await?;
        *self.workspace.borrow_mut() = trial;
        Ok(report)
    }

    async fn run(&self, call: &ToolCall) -> Result<String, String> {
        let args: tools::RunArgs = tools::parse("run", &call.arguments)?;
        let language = args
            .language
            .as_deref()
            .map(str::parse::<Language>)
            .transpose()
            .map_err(|e| format!("bad arguments for `run`: {e}"))?;
        let (file_name, code) = match (&args.path, &args.code) {
            (Some(path), None) => {
                let workspace = self.workspace.borrow();
                let content = workspace.read(path).map_err(|e| e.to_string())?;
                (
                    path.trim_start_matches('/').to_owned(),
                    content.as_bytes().to_vec(),
                )
            }
            (None, Some(code)) => {
                let name = match language {
                    Some(Language::Js) => "snippet.js",
                    Some(Language::Python) => "snippet.py",
                    Some(Language::Wasm) => "snippet.wat",
                    None => "snippet",
                };
                (name.to_owned(), code.clone().into_bytes())
            }
            _ => {
                return Err(
                    "bad arguments for `run`: give either `path` (a workspace file) or `code` \
                     (a snippet, with `language`), not both"
                        .to_owned(),
                );
            }
        };
        let files = self.workspace_files(Some(&file_name));
        let mut limits = Limits::default();
        if let Some(ms) = args.timeout_ms {
            limits.wall_time_ms = Some(ms.clamp(100, 60_000));
        }
        let spec = RunSpec {
            file_name: file_name.clone(),
            code,
            language,
            files,
            stdin: args.stdin.unwrap_or_default().into_bytes(),
            limits,
        };
        let outcome = self.host.environment.run(spec).await;
        let written = self.save_written_files(&outcome);
        Ok(render_outcome(&file_name, &outcome, &written))
    }

    /// Files a program wrote go back into the workspace; returns what was saved or refused.
    fn save_written_files(&self, outcome: &Outcome) -> Vec<String> {
        let mut notes = Vec::new();
        let mut workspace = self.workspace.borrow_mut();
        for file in &outcome.files_written {
            match workspace.write(&file.path, Content::from_bytes(file.contents.clone())) {
                Ok(report) => notes.push(report.to_string()),
                Err(e) => notes.push(format!("`{}` was not saved: {e}", file.path)),
            }
        }
        notes
    }

    fn workspace_files(&self, except: Option<&str>) -> Vec<WorkspaceFile> {
        self.workspace
            .borrow()
            .files()
            .filter(|(path, _)| Some(path.as_str()) != except)
            .map(|(path, file)| WorkspaceFile::new(path.as_str(), file.content.as_bytes().to_vec()))
            .collect()
    }

    async fn diagnostics(&self, call: &ToolCall) -> Result<String, String> {
        let args: tools::DiagnosticsArgs = tools::parse("diagnostics", &call.arguments)?;
        let (targets, names): (Vec<(String, Vec<u8>)>, Vec<String>) = {
            let workspace = self.workspace.borrow();
            let names: Vec<String> = workspace
                .files()
                .map(|(p, _)| p.as_str().to_owned())
                .collect();
            let targets = match &args.path {
                Some(path) => {
                    let content = workspace.read(path).map_err(|e| e.to_string())?;
                    vec![(
                        path.trim_start_matches('/').to_owned(),
                        content.as_bytes().to_vec(),
                    )]
                }
                None => workspace
                    .files()
                    .filter(|(p, _)| p.extension().and_then(Language::from_extension).is_some())
                    .map(|(p, f)| (p.as_str().to_owned(), f.content.as_bytes().to_vec()))
                    .collect(),
            };
            (targets, names)
        };
        if targets.is_empty() {
            return Ok(
                "No program files (.py, .js, .mjs, .wat, .wasm) in the workspace.".to_owned(),
            );
        }
        let mut out = String::new();
        let (mut errors, mut warnings) = (0, 0);
        for (path, source) in &targets {
            let others: Vec<String> = names.iter().filter(|n| *n != path).cloned().collect();
            let report = self.host.environment.check(path, source, &others).await;
            for d in &report.diagnostics {
                match d.severity {
                    Severity::Error => errors += 1,
                    Severity::Warning => warnings += 1,
                    Severity::Info => {}
                }
                let _ = writeln!(out, "{path}:{d}");
            }
        }
        let _ = write!(
            out,
            "{} checked: {errors} error{}, {warnings} warning{}.",
            if targets.len() == 1 {
                "1 file".to_owned()
            } else {
                format!("{} files", targets.len())
            },
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" },
        );
        Ok(out)
    }

    async fn fetch(
        &self,
        call: &ToolCall,
        cancel: &CancelToken,
        on_event: Events<'_>,
    ) -> Result<String, String> {
        let args: tools::FetchArgs = tools::parse("fetch", &call.arguments)?;
        let url = args.url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(format!(
                "`{url}` is not an http(s) URL; fetch takes addresses like https://example.com/page"
            ));
        }
        self.authorize(call, &[], format!("GET {url}"), on_event)
            .await?;
        let send = self.host.transport.send(HttpRequest::get(url));
        let response = futures_util::future::select(send, Box::pin(cancel.cancelled())).await;
        let response = match response {
            futures_util::future::Either::Left((result, _)) => result,
            futures_util::future::Either::Right(_) => {
                return Err("cancelled by the user".to_owned());
            }
        }
        .map_err(|e| format!("could not fetch {url}: {e}"))?;
        if !response.is_success() {
            return Err(format!(
                "{url} answered with HTTP status {}; check the address",
                response.status
            ));
        }
        let content_type = response
            .header("content-type")
            .unwrap_or("text/plain")
            .to_ascii_lowercase();
        let mut body = Vec::new();
        let mut cut = false;
        let mut stream = response.body;
        while let Some(chunk) = stream.next().await {
            if cancel.is_cancelled() {
                return Err("cancelled by the user".to_owned());
            }
            let chunk = chunk.map_err(|e| format!("the download of {url} broke off: {e}"))?;
            body.extend_from_slice(&chunk);
            if body.len() > self.options.max_fetch_bytes {
                body.truncate(self.options.max_fetch_bytes);
                cut = true;
                break;
            }
        }
        let text = if content_type.contains("html") {
            let html = String::from_utf8_lossy(&body);
            htmd::convert(&html).map_err(|e| format!("could not read the page as HTML: {e}"))?
        } else if content_type.starts_with("text/")
            || content_type.contains("json")
            || content_type.contains("xml")
            || content_type.contains("javascript")
        {
            String::from_utf8_lossy(&body).into_owned()
        } else {
            return Err(format!(
                "{url} is `{content_type}` ({} bytes), not text; fetch returns text and web pages only",
                body.len()
            ));
        };
        let max = args.max_chars.unwrap_or(MAX_TOOL_OUTPUT_CHARS);
        let mut text = tools::truncate(&text, max, "pass a larger max_chars to see more");
        if cut {
            let _ = write!(
                text,
                "\n[the download was cut after {} bytes]",
                self.options.max_fetch_bytes
            );
        }
        Ok(text)
    }

    async fn task(
        &self,
        call: &ToolCall,
        cancel: &CancelToken,
        on_event: Events<'_>,
    ) -> Result<String, String> {
        let args: tools::TaskArgs = tools::parse("task", &call.arguments)?;
        let system = {
            let workspace = self.workspace.borrow();
            prompt::sub_agent(&self.host.environment.describe(), &workspace)
        };
        let mut session = Session::new(format!("task-{}", call.id), args.description.clone());
        session.push(Message::user(args.prompt.clone()), None);
        let mut conversation = Conversation::Sub(session);
        let description = args.description.clone();
        let mut forward_sub = |event: AgentEvent| {
            on_event(AgentEvent::Task {
                description: description.clone(),
                event: Box::new(event),
            });
        };
        let finish = self
            .turns(
                &mut conversation,
                &system,
                ToolSet::SubAgent,
                self.options.max_sub_agent_turns,
                cancel,
                &mut forward_sub,
            )
            .await;
        let Conversation::Sub(session) = conversation else {
            return Err("internal error: the sub-agent lost its conversation".to_owned());
        };
        {
            let mut state = self.state.borrow_mut();
            state.session.usage += session.usage;
            state.session.cost_usd += session.cost_usd;
        }
        let report = session
            .messages
            .iter()
            .rev()
            .find(|m| m.role == Role::Assistant && !m.text().trim().is_empty())
            .map(Message::text);
        match (finish, report) {
            (Ok(Finish::Done), Some(report)) => Ok(report),
            (Ok(Finish::Done), None) => Err("the sub-agent finished without a report".to_owned()),
            (Ok(Finish::TurnLimit), report) => Ok(format!(
                "(the sub-agent reached its limit of {} responses; its last words:)\n{}",
                self.options.max_sub_agent_turns,
                report.unwrap_or_default()
            )),
            (Ok(Finish::Cancelled), _) => Err("cancelled by the user".to_owned()),
            (Err(e), _) => Err(format!("the sub-agent failed: {e}")),
        }
    }

    fn todo(&self, call: &ToolCall, on_event: Events<'_>) -> Result<String, String> {
        let args: tools::TodoArgs = tools::parse("todo", &call.arguments)?;
        let mut out = String::new();
        for todo in &args.todos {
            let mark = match todo.status {
                TodoStatus::Pending => "[ ]",
                TodoStatus::InProgress => "[~]",
                TodoStatus::Done => "[x]",
            };
            let _ = writeln!(out, "{mark} {}", todo.content);
        }
        let done = args
            .todos
            .iter()
            .filter(|t| t.status == TodoStatus::Done)
            .count();
        let _ = write!(out, "{done} of {} done.", args.todos.len());
        self.state.borrow_mut().todos.clone_from(&args.todos);
        on_event(AgentEvent::Todos(args.todos));
        Ok(out)
    }

    /// Applies the policy (and the user's answer when it says ask) to a call; `Err` is the
    /// denial the model reads.
    async fn authorize(
        &self,
        call: &ToolCall,
        paths: &[String],
        detail: String,
        on_event: Events<'_>,
    ) -> Result<(), String> {
        // Answers "for this session" first, then the policy.
        let decide = |path: Option<&str>| {
            let session_rules = self.session_rules.borrow();
            session_rules
                .iter()
                .rev()
                .find(|r| r.matches(&call.name, path))
                .map_or_else(
                    || self.policy.borrow().decide(&call.name, path),
                    |r| r.permission,
                )
        };
        // The strictest answer over every path the call touches.
        let rule = if paths.is_empty() {
            decide(None)
        } else {
            paths
                .iter()
                .map(|p| decide(Some(p)))
                .max_by_key(|p| match p {
                    Permission::Allow => 0,
                    Permission::Ask => 1,
                    Permission::Deny => 2,
                })
                .unwrap_or(Permission::Ask)
        };
        let path = (!paths.is_empty()).then(|| paths.join(", "));
        let mut decision = Decision {
            call_id: call.id.clone(),
            tool: call.name.clone(),
            path: path.clone(),
            rule,
            answer: None,
            allowed: rule == Permission::Allow,
        };
        let result = match rule {
            Permission::Allow => Ok(()),
            Permission::Deny => Err(format!(
                "the user's settings do not allow `{}`{}; do not try it again: take another \
                 approach or ask the user",
                call.name,
                path.as_ref().map_or(String::new(), |p| format!(" on {p}"))
            )),
            Permission::Ask => {
                let request = PermissionRequest {
                    tool: call.name.clone(),
                    path,
                    detail,
                };
                on_event(AgentEvent::PermissionAsked(request.clone()));
                let answer = self.host.approver.ask(&request).await;
                decision.answer = Some(answer.clone());
                let group = if FILE_CHANGING_TOOLS.contains(&call.name.as_str()) {
                    "edit"
                } else {
                    call.name.as_str()
                };
                match answer {
                    Answer::Once => Ok(()),
                    Answer::Session => {
                        self.session_rules
                            .borrow_mut()
                            .push(Rule::tool(group, Permission::Allow));
                        Ok(())
                    }
                    Answer::Always => {
                        self.policy
                            .borrow_mut()
                            .push(Rule::tool(group, Permission::Allow));
                        on_event(AgentEvent::PolicyChanged(self.policy.borrow().clone()));
                        Ok(())
                    }
                    Answer::Deny { reason } => Err(format!(
                        "the user denied this `{}` call{}. Do not repeat it: take another \
                         approach, or ask the user what they want",
                        call.name,
                        reason.map_or(String::new(), |r| format!(" and said: {r}"))
                    )),
                }
            }
        };
        decision.allowed = result.is_ok();
        self.state.borrow_mut().decisions.push(decision.clone());
        on_event(AgentEvent::PermissionDecided(decision));
        result
    }

    /// Replaces the older part of the main conversation with a summary. `force`: even when the
    /// estimate is small (manual compaction, overflow errors). Returns whether it compacted.
    async fn compact_main(
        &self,
        cancel: &CancelToken,
        on_event: Events<'_>,
        force: bool,
    ) -> Result<bool, AgentError> {
        let (usable, _) = self.context_budget();
        let messages = self.state.borrow().session.messages_for_request().to_vec();
        // Keep the recent quarter of the window verbatim.
        let Some(split) = crate::compaction::split_point(&messages, usable / 4) else {
            if force {
                on_event(AgentEvent::Notice(
                    "Nothing to summarise yet: the conversation is only the latest exchange."
                        .to_owned(),
                ));
            }
            return Ok(false);
        };
        let transcript = crate::compaction::transcript(&messages[..split], usable / 2);
        let request_messages = [Message::user(transcript)];
        let request = ChatRequest::new(&self.model, prompt::COMPACTION, &request_messages);
        let turn = self
            .host
            .client
            .stream(&request, cancel, &mut |event| {
                if let ClientEvent::Retrying(notice) = event {
                    on_event(AgentEvent::Notice(notice.to_string()));
                }
            })
            .await
            .map_err(AgentError::Provider)?;
        let summary = turn.message.text();
        let usage = turn.message.usage.unwrap_or_default();
        let cost = self.cost(&usage);
        let rebuilt = crate::compaction::rebuild(&messages, split, summary);
        {
            let mut state = self.state.borrow_mut();
            // The summary call costs like any other; count it without showing it as a message.
            state.session.usage += usage;
            state.session.cost_usd += cost.unwrap_or(0.0);
            for message in rebuilt {
                // Copies: their usage was counted when the originals were recorded.
                let message = Message {
                    id: String::new(),
                    usage: None,
                    ..message
                };
                state.session.push(message, None);
            }
        }
        on_event(AgentEvent::Compacted {
            replaced_messages: split,
        });
        Ok(true)
    }
}

/// Where the turns of a loop are kept.
enum Conversation {
    /// The agent's own session (with compaction).
    Main,
    /// A sub-agent's private conversation.
    Sub(Session),
}

fn forward(event: ClientEvent, on_event: &mut dyn FnMut(AgentEvent)) {
    match event {
        ClientEvent::Stream(StreamEvent::TextDelta(text)) => on_event(AgentEvent::Text(text)),
        ClientEvent::Stream(StreamEvent::ReasoningDelta(text)) => {
            on_event(AgentEvent::Reasoning(text));
        }
        ClientEvent::Retrying(notice) => on_event(AgentEvent::Notice(notice.to_string())),
        ClientEvent::Stream(_) => {}
    }
}

/// Applies a `write`, `edit` or `patch` call to `workspace`; the report for the model.
fn apply_change(workspace: &mut Workspace, call: &ToolCall) -> Result<String, String> {
    match call.name.as_str() {
        "write" => {
            let args: tools::WriteArgs = tools::parse("write", &call.arguments)?;
            workspace
                .write(&args.path, args.content)
                .map(|r| r.to_string())
                .map_err(|e| e.to_string())
        }
        "edit" => {
            let args: tools::EditArgs = tools::parse("edit", &call.arguments)?;
            workspace
                .edit(
                    &args.path,
                    &args.old_string,
                    &args.new_string,
                    args.replace_all,
                )
                .map(|r| r.to_string())
                .map_err(|e| e.to_string())
        }
        _ => {
            let args: tools::PatchArgs = tools::parse("patch", &call.arguments)?;
            workspace
                .patch(&args.diff)
                .map(|r| r.to_string())
                .map_err(|e| e.to_string())
        }
    }
}

/// A run's outcome as the model reads it.
fn render_outcome(file_name: &str, outcome: &Outcome, written: &[String]) -> String {
    let mut out = String::new();
    let status = match outcome.status {
        Status::Ok => "finished normally (exit code 0)".to_owned(),
        Status::Exit => format!("exited with code {}", outcome.exit_code),
        Status::Error => "failed with an uncaught error (exit code 1)".to_owned(),
        Status::Refused => "was refused before running (exit code 2)".to_owned(),
        Status::Limit => format!(
            "was stopped by a limit: {} (exit code 124)",
            outcome.limit.map_or("unknown", |l| l.explain())
        ),
    };
    let _ = writeln!(out, "`{file_name}` {status} in {} ms.", outcome.duration_ms);
    let section = |out: &mut String, name: &str, text: &str| {
        if text.is_empty() {
            let _ = writeln!(out, "{name}: (empty)");
        } else {
            let text = tools::truncate(
                text,
                12_000,
                "print less, or write results to a file and view it",
            );
            let _ = writeln!(out, "{name}:\n{}", text.trim_end_matches('\n'));
        }
    };
    section(&mut out, "stdout", &outcome.stdout);
    section(&mut out, "stderr", &outcome.stderr);
    if !outcome.diagnostics.is_empty() {
        let _ = writeln!(out, "diagnostics:");
        for d in &outcome.diagnostics {
            let _ = writeln!(out, "  {file_name}:{d}");
        }
    }
    if !written.is_empty() {
        let _ = writeln!(out, "files written by the program:");
        for note in written {
            let _ = writeln!(out, "  {note}");
        }
    }
    out.trim_end().to_owned()
}
