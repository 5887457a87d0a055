//! `kiln`: run JavaScript, Python and WebAssembly with the same runners as the browser.
//!
//! See `CONTRACTS.md` ("Command line") for the interface scripts rely on: arguments, output,
//! exit codes and the `--json` shape.

#![deny(clippy::unwrap_used)]

mod ask;
mod check;
mod run;
mod sandbox;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// The `kiln` command line.
#[derive(Parser, Debug)]
#[command(
    name = "kiln",
    version,
    about = "Run JavaScript, Python and WebAssembly in Kiln's sandboxed runners"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a program: a .js/.mjs, .py, .wasm or .wat file, or `-` for code on stdin.
    Run(RunArgs),
    /// Check a program without running it: its language, which runner takes it, and diagnostics.
    Check(CheckArgs),
    /// Ask the coding assistant to work on a workspace folder (with your own provider key).
    Ask(AskArgs),
}

/// Arguments of `kiln ask`.
#[derive(Args, Debug)]
pub(crate) struct AskArgs {
    /// The provider: openai, openai-responses, anthropic, gemini, openrouter or
    /// openai-compatible (Ollama, LM Studio, llama.cpp). Default: the one whose key is set.
    #[arg(long)]
    pub(crate) provider: Option<String>,
    /// The provider's base URL (for example http://localhost:11434/v1 for Ollama).
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// The model id (default: the provider's first model in Kiln's catalogue).
    #[arg(long, value_name = "M")]
    pub(crate) model: Option<String>,
    /// The folder loaded into the virtual workspace (default: an empty workspace).
    #[arg(long, value_name = "DIR")]
    pub(crate) workspace: Option<String>,
    /// Approve every tool call that would ask.
    #[arg(long)]
    pub(crate) yes: bool,
    /// Write the agent's changes back to the workspace folder (otherwise a diff is printed).
    #[arg(long)]
    pub(crate) apply: bool,
    /// Write the session as JSON (the app's export format) to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) transcript: Option<String>,
    /// What the assistant should do.
    pub(crate) prompt: String,
}

/// Arguments of `kiln check`.
#[derive(Args, Debug)]
pub(crate) struct CheckArgs {
    /// The program to check, or `-` to read code from stdin (then `--lang` is required).
    pub(crate) file: String,
    /// The language (js, python, wasm; also javascript, py, wat), when the file does not say.
    #[arg(long)]
    pub(crate) lang: Option<String>,
    /// Print one JSON object instead of one diagnostic per line.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Arguments of `kiln run`.
#[derive(Args, Debug)]
pub(crate) struct RunArgs {
    /// The program: a .js/.mjs, .py, .wasm or .wat file, or `-` to read code from stdin.
    pub(crate) file: String,
    /// The language (js, python, wasm; also javascript, py, wat). Required with `-`.
    #[arg(long)]
    pub(crate) lang: Option<String>,
    /// Wall-clock limit in seconds (fractions allowed).
    #[arg(long, default_value_t = 10.0)]
    pub(crate) timeout: f64,
    /// A file whose contents are the program's standard input.
    #[arg(long, value_name = "FILE")]
    pub(crate) stdin: Option<String>,
    /// Print one JSON object with the outcome instead of the program's output.
    #[arg(long)]
    pub(crate) json: bool,
    /// WebAssembly: call this export with these arguments instead of `_start`.
    #[arg(long, num_args = 1.., value_name = "NAME ARGS", allow_hyphen_values = true)]
    pub(crate) invoke: Vec<String>,
    /// Engine step budget (wasm fuel, JS loop iterations).
    #[arg(long)]
    pub(crate) steps: Option<u64>,
    /// Memory limit in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 512)]
    pub(crate) memory: u64,
    /// Output limit in bytes (stdout and stderr together).
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    pub(crate) max_output: u64,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let usage = err.use_stderr();
            let _ = err.print();
            // Usage errors are exit 2 (CONTRACTS.md); --help and --version are not errors.
            return ExitCode::from(if usage { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Check(args) => check::check(&args),
        Command::Ask(args) => ask::ask(&args),
    }
}
