//! Who may do what: allow / ask / deny per tool, and per path pattern for file changes.
//!
//! Rules are checked newest first, so an answer "always" or "for this session" (which adds a
//! rule) wins over the defaults. Every decision is recorded in the [`AgentSession`](crate::AgentSession).

use futures_util::future::LocalBoxFuture;
use globset::{Glob, GlobMatcher};
use serde::{Deserialize, Serialize};

/// What a rule says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Go ahead without asking.
    Allow,
    /// Ask the user first.
    Ask,
    /// Refuse; the model is told and can choose another way.
    Deny,
}

/// One rule: a tool (or `*`, or `edit` for every tool that changes files) and optionally a path
/// glob (`src/**`) the change must fall under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// A tool name, `edit` (for `write`, `edit` and `patch`) or `*`.
    pub tool: String,
    /// A glob the path must match (file-changing tools only); `None` matches every path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// What to do.
    pub permission: Permission,
}

impl Rule {
    /// A rule for every use of `tool`.
    #[must_use]
    pub fn tool(tool: &str, permission: Permission) -> Self {
        Rule {
            tool: tool.to_owned(),
            path: None,
            permission,
        }
    }

    /// A rule for `tool` on paths matching `glob`.
    #[must_use]
    pub fn path(tool: &str, glob: &str, permission: Permission) -> Self {
        Rule {
            tool: tool.to_owned(),
            path: Some(glob.to_owned()),
            permission,
        }
    }

    /// Whether the rule speaks about `tool` on `path`.
    pub(crate) fn matches(&self, tool: &str, path: Option<&str>) -> bool {
        let tool_matches = self.tool == "*"
            || self.tool == tool
            || (self.tool == "edit" && FILE_CHANGING_TOOLS.contains(&tool));
        if !tool_matches {
            return false;
        }
        match (&self.path, path) {
            (None, _) => true,
            (Some(glob), Some(path)) => compile(glob).is_some_and(|m| m.is_match(path)),
            (Some(_), None) => false,
        }
    }
}

fn compile(glob: &str) -> Option<GlobMatcher> {
    Glob::new(glob).ok().map(|g| g.compile_matcher())
}

/// The tools that change workspace files.
pub const FILE_CHANGING_TOOLS: &[&str] = &["write", "edit", "patch"];

/// The rules in force: the user's saved rules over Kiln's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Rules, oldest first; the newest matching rule decides.
    pub rules: Vec<Rule>,
}

impl Default for Policy {
    /// Reading, running and checking are allowed; changing files and fetching URLs ask.
    fn default() -> Self {
        Policy {
            rules: vec![
                Rule::tool("*", Permission::Allow),
                Rule::tool("edit", Permission::Ask),
                Rule::tool("fetch", Permission::Ask),
            ],
        }
    }
}

impl Policy {
    /// Every tool allowed (what `kiln ask --yes` uses).
    #[must_use]
    pub fn allow_all() -> Self {
        Policy {
            rules: vec![Rule::tool("*", Permission::Allow)],
        }
    }

    /// Adds a rule that wins over every earlier one.
    pub fn push(&mut self, rule: Rule) {
        self.rules.push(rule);
    }

    /// What the rules say for `tool` on `path` (`None` when the tool touches no file).
    #[must_use]
    pub fn decide(&self, tool: &str, path: Option<&str>) -> Permission {
        self.rules
            .iter()
            .rev()
            .find(|rule| rule.matches(tool, path))
            .map_or(Permission::Ask, |rule| rule.permission)
    }

    /// Checks that every rule's glob compiles.
    ///
    /// # Errors
    /// The first bad glob, with what is wrong with it.
    pub fn validate(&self) -> Result<(), String> {
        for rule in &self.rules {
            if let Some(glob) = &rule.path
                && let Err(err) = Glob::new(glob)
            {
                return Err(format!(
                    "the permission rule for `{}` has a bad path pattern `{glob}`: {err}",
                    rule.tool
                ));
            }
        }
        Ok(())
    }
}

/// What the agent asks the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionRequest {
    /// The tool.
    pub tool: String,
    /// The workspace path it would change, when there is one.
    pub path: Option<String>,
    /// What exactly would happen: a diff, a URL, a command.
    pub detail: String,
}

/// The user's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "answer")]
pub enum Answer {
    /// Yes, this time.
    Once,
    /// Yes, and do not ask again for this tool (and path) in this session.
    Session,
    /// Yes, and remember it (the host saves the policy).
    Always,
    /// No; the reason, if the user gave one, goes back to the model.
    Deny {
        /// Why, in the user's words.
        reason: Option<String>,
    },
}

/// Asks the user (a dialog in the app, a prompt on the terminal).
pub trait Approver {
    /// The user's answer to `request`.
    fn ask<'a>(&'a self, request: &'a PermissionRequest) -> LocalBoxFuture<'a, Answer>;
}

/// How a tool call was allowed or refused, recorded for the session's export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The tool call's id.
    pub call_id: String,
    /// The tool.
    pub tool: String,
    /// The path it concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// What the rules said.
    pub rule: Permission,
    /// The user's answer, when asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
    /// Whether the call went ahead.
    pub allowed: bool,
}
