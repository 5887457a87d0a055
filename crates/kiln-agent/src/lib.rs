//! Kiln's coding agent: an OpenCode-class assistant that lives on the user's device.
//!
//! An [`Agent`] holds a conversation ([`AgentSession`]) over a virtual
//! [`Workspace`](kiln_vfs::Workspace). [`Agent::send`] gives the model the user's message, the
//! system prompt (what this environment is) and the tools; runs the tool calls it makes —
//! reading, searching and changing files, running programs through the host's
//! [`Environment`], checking them, fetching URLs, delegating to sub-agents, keeping a todo list —
//! and feeds the results back until the model is done. File changes and fetches go through the
//! [`Policy`] (allow / ask / deny, per tool and path) and the user's [`Approver`]; every decision
//! is recorded. Near the model's context window the older part of the conversation is summarised
//! ([`compaction`]); the full history stays in the session.
//!
//! The crate is platform-neutral: the host supplies the provider client and HTTP transport
//! ([`kiln_assistant`], [`kiln_core::http`]), the runners and analyzer (an [`Environment`]) and
//! the approver; the CLI does it in-process, the browser app through its workers.
//!
//! ```
//! use kiln_agent::{Permission, Policy, Rule};
//!
//! let mut policy = Policy::default();
//! assert_eq!(policy.decide("view", Some("main.py")), Permission::Allow);
//! assert_eq!(policy.decide("edit", Some("main.py")), Permission::Ask);
//! policy.push(Rule::path("edit", "tests/**", Permission::Allow));
//! assert_eq!(policy.decide("write", Some("tests/test_app.py")), Permission::Allow);
//! assert_eq!(policy.decide("fetch", None), Permission::Ask);
//! ```
#![cfg_attr(not(test), forbid(clippy::unwrap_used))]

mod agent;
pub mod compaction;
mod env;
mod permissions;
mod prompt;
pub mod tools;

use kiln_assistant::{Session, ToolCall, Usage};
use serde::{Deserialize, Serialize};

pub use agent::{Agent, AgentError, AgentOptions, Finish, Host};
pub use env::{CheckReport, Environment, RunSpec, describe_runners};
pub use permissions::{
    Answer, Approver, Decision, FILE_CHANGING_TOOLS, Permission, PermissionRequest, Policy, Rule,
};

/// A conversation with the agent as stored and exported: the messages plus the permission
/// decisions and the todo list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentSession {
    /// Messages, usage and cost.
    pub session: Session,
    /// Every permission decision, in order.
    #[serde(default)]
    pub decisions: Vec<Decision>,
    /// The agent's task list as last set.
    #[serde(default)]
    pub todos: Vec<Todo>,
}

/// One item of the agent's task list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Todo {
    /// What to do.
    pub content: String,
    /// How far it is.
    pub status: TodoStatus,
}

/// The state of a [`Todo`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TodoStatus {
    /// Not started.
    Pending,
    /// Being worked on.
    InProgress,
    /// Finished.
    Done,
}

/// What the agent reports while it works (for the chat view or the terminal).
#[derive(Debug, Clone, PartialEq)]
pub enum AgentEvent {
    /// More of the model's answer.
    Text(String),
    /// More of the model's visible reasoning.
    Reasoning(String),
    /// Something the user should know: a retry after a rate limit, a turn limit, a compaction.
    Notice(String),
    /// A tool call is about to run.
    ToolStarted(ToolCall),
    /// A tool call finished.
    ToolFinished {
        /// The call's id.
        call_id: String,
        /// The tool.
        name: String,
        /// What it returned to the model.
        output: String,
        /// Whether it failed.
        is_error: bool,
    },
    /// The user is being asked.
    PermissionAsked(PermissionRequest),
    /// A permission decision was made (by a rule or the user).
    PermissionDecided(Decision),
    /// The user answered "always": the host should save this policy.
    PolicyChanged(Policy),
    /// The todo list changed.
    Todos(Vec<Todo>),
    /// A model response finished, with its usage and cost (if the model's price is known).
    TurnFinished {
        /// Tokens of this response.
        usage: Usage,
        /// Its cost in US dollars.
        cost_usd: Option<f64>,
    },
    /// Older messages were summarised.
    Compacted {
        /// How many messages the summary replaced.
        replaced_messages: usize,
    },
    /// Something a `task` sub-agent did.
    Task {
        /// The task's title.
        description: String,
        /// What happened.
        event: Box<AgentEvent>,
    },
}
