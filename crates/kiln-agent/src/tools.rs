//! The tools the model may call: their JSON schemas, argument parsing with clear errors, and
//! output truncation. Execution lives in [`crate::agent`], which owns the workspace, the
//! permissions and the host.

use kiln_assistant::ToolSpec;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Most characters of one tool result sent to the model; the rest is cut with a note.
pub const MAX_TOOL_OUTPUT_CHARS: usize = 30_000;

/// Which tools an agent (or a sub-agent) has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolSet {
    /// Everything.
    Full,
    /// What a `task` sub-agent gets: reading, searching, running and checking — no file changes,
    /// no fetching, no further sub-agents.
    SubAgent,
}

/// The names of the tools in `set`.
#[must_use]
pub fn names(set: ToolSet) -> &'static [&'static str] {
    match set {
        ToolSet::Full => &[
            "ls",
            "glob",
            "grep",
            "view",
            "write",
            "edit",
            "patch",
            "run",
            "diagnostics",
            "fetch",
            "task",
            "todo",
        ],
        ToolSet::SubAgent => &["ls", "glob", "grep", "view", "run", "diagnostics"],
    }
}

/// The specs (name, description, JSON schema) of the tools in `set`, for the request.
#[must_use]
pub fn specs(set: ToolSet) -> Vec<ToolSpec> {
    names(set).iter().filter_map(|name| spec(name)).collect()
}

fn tool(name: &str, description: &str, properties: Value, required: &[&str]) -> ToolSpec {
    ToolSpec {
        name: name.to_owned(),
        description: description.to_owned(),
        parameters: json!({
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        }),
    }
}

/// The spec of one tool.
#[must_use]
pub fn spec(name: &str) -> Option<ToolSpec> {
    let path = |what: &str| json!({"type": "string", "description": what});
    Some(match name {
        "ls" => tool(
            "ls",
            "List a directory of the workspace as a tree with sizes. Dependency and cache folders \
             (node_modules, __pycache__, .git) are hidden.",
            json!({
                "path": path("Directory relative to the workspace root; default: the root."),
                "ignore": {"type": "array", "items": {"type": "string"},
                           "description": "Extra glob patterns to hide, like `*.log` or `build/`."},
            }),
            &[],
        ),
        "glob" => tool(
            "glob",
            "Find workspace files whose path matches a glob such as `**/*.py` or `src/*.js`.",
            json!({
                "pattern": {"type": "string", "description": "The glob."},
                "path": path("Only search under this directory."),
            }),
            &["pattern"],
        ),
        "grep" => tool(
            "grep",
            "Search file contents with a regular expression (Rust regex syntax) or literal text; \
             returns `path:line: text` for each matching line.",
            json!({
                "pattern": {"type": "string", "description": "What to look for."},
                "literal": {"type": "boolean", "description": "Treat the pattern as plain text."},
                "case_insensitive": {"type": "boolean"},
                "include": {"type": "string", "description": "Only files matching this glob, like `*.py`."},
                "path": path("Only search under this directory."),
            }),
            &["pattern"],
        ),
        "view" => tool(
            "view",
            "Read a workspace file with line numbers. Long files come in windows: pass offset \
             (1-based line) and limit to see more.",
            json!({
                "path": path("The file."),
                "offset": {"type": "integer", "minimum": 1, "description": "First line to show."},
                "limit": {"type": "integer", "minimum": 1, "description": "How many lines."},
            }),
            &["path"],
        ),
        "write" => tool(
            "write",
            "Create a file, or replace a file's whole content. Prefer `edit` for changes to \
             existing files.",
            json!({
                "path": path("The file; folders are created as needed."),
                "content": {"type": "string", "description": "The complete new content."},
            }),
            &["path", "content"],
        ),
        "edit" => tool(
            "edit",
            "Replace an exact piece of text in a file. `old_string` must match the file exactly \
             (including indentation) and only once, unless replace_all is true; include enough \
             surrounding lines to make it unique. View the file first.",
            json!({
                "path": path("The file."),
                "old_string": {"type": "string", "description": "The exact text to replace."},
                "new_string": {"type": "string", "description": "The replacement."},
                "replace_all": {"type": "boolean", "description": "Replace every occurrence."},
            }),
            &["path", "old_string", "new_string"],
        ),
        "patch" => tool(
            "patch",
            "Apply a unified diff (as `diff -u` or `git diff` print it) to one or more files: \
             all hunks apply or none do. `--- /dev/null` creates a file, `+++ /dev/null` deletes one.",
            json!({"diff": {"type": "string", "description": "The unified diff."}}),
            &["diff"],
        ),
        "run" => tool(
            "run",
            "Run a workspace file or a snippet in Kiln's sandboxed runners (JavaScript, Python, \
             WebAssembly) and get its stdout, stderr, exit status and diagnostics. Programs can \
             import and open workspace files; files they write are saved to the workspace.",
            json!({
                "path": path("A workspace file to run."),
                "code": {"type": "string", "description": "Code to run instead of a file."},
                "language": {"type": "string", "enum": ["js", "python", "wasm"],
                             "description": "The snippet's language (files: from the name)."},
                "stdin": {"type": "string", "description": "Text for standard input."},
                "timeout_ms": {"type": "integer", "minimum": 100, "maximum": 60000,
                               "description": "Time limit; default 10000."},
            }),
            &[],
        ),
        "diagnostics" => tool(
            "diagnostics",
            "Check files without running them: syntax errors with line and column, imports that \
             cannot work here, risky patterns, endless loops. Without a path, checks every \
             program file of the workspace.",
            json!({"path": path("One file to check.")}),
            &[],
        ),
        "fetch" => tool(
            "fetch",
            "Download a URL and return it as text (web pages as Markdown). Subject to the \
             browser's CORS rules; the user is asked first.",
            json!({
                "url": {"type": "string", "description": "An http(s) URL."},
                "max_chars": {"type": "integer", "minimum": 100, "description": "Cut the text after this many characters (default 30000)."},
            }),
            &["url"],
        ),
        "task" => tool(
            "task",
            "Hand a self-contained research task to a sub-agent with its own context. It can \
             read, search, run and check files but not change them, and returns a summary. Use \
             it for broad searches so your own context stays small.",
            json!({
                "description": {"type": "string", "description": "A short title (3-6 words)."},
                "prompt": {"type": "string", "description": "Everything the sub-agent needs to know and what to report."},
            }),
            &["description", "prompt"],
        ),
        "todo" => tool(
            "todo",
            "Keep a visible task list for multi-step work: send the whole list each time, with \
             each item's status.",
            json!({
                "todos": {"type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "content": {"type": "string"},
                        "status": {"type": "string", "enum": ["pending", "in_progress", "done"]},
                    },
                    "required": ["content", "status"],
                    "additionalProperties": false,
                }},
            }),
            &["todos"],
        ),
        _ => return None,
    })
}

/// `ls` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LsArgs {
    #[serde(default)]
    pub(crate) path: Option<String>,
    #[serde(default)]
    pub(crate) ignore: Vec<String>,
}

/// `glob` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GlobArgs {
    pub(crate) pattern: String,
    #[serde(default)]
    pub(crate) path: Option<String>,
}

/// `grep` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GrepArgs {
    pub(crate) pattern: String,
    #[serde(default)]
    pub(crate) literal: bool,
    #[serde(default)]
    pub(crate) case_insensitive: bool,
    #[serde(default)]
    pub(crate) include: Option<String>,
    #[serde(default)]
    pub(crate) path: Option<String>,
}

/// `view` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ViewArgs {
    pub(crate) path: String,
    #[serde(default)]
    pub(crate) offset: Option<usize>,
    #[serde(default)]
    pub(crate) limit: Option<usize>,
}

/// `write` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WriteArgs {
    pub(crate) path: String,
    pub(crate) content: String,
}

/// `edit` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EditArgs {
    pub(crate) path: String,
    pub(crate) old_string: String,
    pub(crate) new_string: String,
    #[serde(default)]
    pub(crate) replace_all: bool,
}

/// `patch` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatchArgs {
    pub(crate) diff: String,
}

/// `run` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RunArgs {
    #[serde(default)]
    pub(crate) path: Option<String>,
    #[serde(default)]
    pub(crate) code: Option<String>,
    #[serde(default)]
    pub(crate) language: Option<String>,
    #[serde(default)]
    pub(crate) stdin: Option<String>,
    #[serde(default)]
    pub(crate) timeout_ms: Option<u64>,
}

/// `diagnostics` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DiagnosticsArgs {
    #[serde(default)]
    pub(crate) path: Option<String>,
}

/// `fetch` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FetchArgs {
    pub(crate) url: String,
    #[serde(default)]
    pub(crate) max_chars: Option<usize>,
}

/// `task` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TaskArgs {
    pub(crate) description: String,
    pub(crate) prompt: String,
}

/// `todo` arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TodoArgs {
    pub(crate) todos: Vec<crate::Todo>,
}

/// Parses a tool's arguments, or says exactly what is wrong with them and what the tool takes.
pub(crate) fn parse<T: DeserializeOwned>(tool: &str, arguments: &Value) -> Result<T, String> {
    let arguments = if arguments.is_null() {
        Value::Object(serde_json::Map::new())
    } else {
        arguments.clone()
    };
    serde_json::from_value(arguments).map_err(|err| {
        let expected = spec(tool).map_or_else(String::new, |spec| {
            let required: Vec<String> = spec.parameters["required"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            let all: Vec<String> = spec.parameters["properties"]
                .as_object()
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            format!(
                " `{tool}` takes {{{}}}{}",
                all.join(", "),
                if required.is_empty() {
                    String::new()
                } else {
                    format!(", of which {} required", required.join(", "))
                }
            )
        });
        format!("bad arguments for `{tool}`: {err}.{expected}")
    })
}

/// Cuts `text` to `max` characters, keeping the start and the end, with a note saying how much
/// was left out and how to see it.
#[must_use]
pub fn truncate(text: &str, max: usize, how_to_see_more: &str) -> String {
    let total = text.chars().count();
    if total <= max {
        return text.to_owned();
    }
    let head_chars = max * 2 / 3;
    let tail_chars = max - head_chars;
    let head: String = text.chars().take(head_chars).collect();
    let tail: String = text.chars().skip(total - tail_chars).collect();
    format!(
        "{head}\n… [{} characters cut; {how_to_see_more}] …\n{tail}",
        total - head_chars - tail_chars
    )
}
