//! The system prompts: what the model is told about this environment.

use std::fmt::Write as _;

use kiln_vfs::Workspace;

use crate::tools::ToolSet;

/// The main agent's system prompt: who it works for, where it runs, what it can use, how to work.
pub(crate) fn system(environment: &str, workspace: &Workspace, set: ToolSet) -> String {
    let mut prompt = String::from(
        "You are Kiln's coding assistant, a pair programmer working inside Kiln: a code \
         playground that runs entirely on the user's device, in a browser tab or the `kiln` \
         command line. There is no server and no shell. The user's project is a virtual \
         workspace of files, and programs run in sandboxed interpreters compiled to \
         WebAssembly.\n\n",
    );
    prompt.push_str("## Runners\n");
    prompt.push_str(environment.trim());
    prompt.push_str(
        "\n\nPrograms have no network, no subprocesses and no threads that run in parallel; \
         they can read and write workspace files and standard input/output. Every run has a \
         time limit (10 s unless you ask for another) and memory and output limits.\n\n",
    );
    prompt.push_str("## How to work\n");
    prompt.push_str(
        "- Look before you change: use ls, glob, grep and view to find and read the code.\n\
         - Change files with edit (exact text replacement) or patch (unified diff); use write \
           for new files or complete rewrites.\n\
         - After a change, run the program (or its tests) and read the output and errors; fix \
           what fails and run again until it works. Use diagnostics to check syntax without \
           running.\n\
         - Tools that change files or fetch URLs may need the user's approval. If a call is \
           denied, do not repeat it: take another approach or ask the user.\n\
         - Keep answers short and concrete; say what you changed and what you verified.\n",
    );
    if set == ToolSet::Full {
        prompt.push_str(
            "- For work with several steps, keep a todo list with the todo tool. For broad \
               searches, hand a task to a sub-agent so your context stays small.\n",
        );
    }
    prompt.push_str("\n## Workspace\n");
    prompt.push_str(&workspace_summary(workspace));
    prompt
}

/// The prompt of a `task` sub-agent.
pub(crate) fn sub_agent(environment: &str, workspace: &Workspace) -> String {
    let mut prompt = String::from(
        "You are a research sub-agent of Kiln's coding assistant. You get one task, do it with \
         the tools you have (reading, searching, running and checking files; you cannot change \
         files), and end with a concise report of what you found, with file paths and line \
         numbers. Your report is all the main agent sees.\n\n## Runners\n",
    );
    prompt.push_str(environment.trim());
    prompt.push_str("\n\n## Workspace\n");
    prompt.push_str(&workspace_summary(workspace));
    prompt
}

/// The instructions for summarising older messages when the context fills up.
pub(crate) const COMPACTION: &str = "You summarise a coding session between a user and an AI \
    assistant so the assistant can continue without the full history. Write a summary that \
    keeps: the user's goals and requests (in their words where it matters), decisions made, \
    files created or changed and what they contain now, commands run and their results, errors \
    still open, and what the assistant was about to do next. Be specific (paths, names, line \
    numbers); leave out pleasantries. Reply with the summary only.";

fn workspace_summary(workspace: &Workspace) -> String {
    if workspace.is_empty() {
        return "The workspace is empty.\n".to_owned();
    }
    let mut summary = format!(
        "{} files, {} in total.",
        workspace.len(),
        kiln_vfs::human_bytes(workspace.total_bytes())
    );
    if let Ok(listing) = workspace.ls_with(
        "",
        &kiln_vfs::LsOptions {
            max_entries: 60,
            ..kiln_vfs::LsOptions::default()
        },
    ) {
        let _ = write!(summary, "\n{listing}");
    }
    summary.push('\n');
    summary
}
