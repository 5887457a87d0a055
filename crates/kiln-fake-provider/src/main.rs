//! `kiln-fake-provider [SCENARIO.json]`: runs the fake model-provider server until killed.
//!
//! Prints `kiln-fake-provider listening on http://127.0.0.1:PORT` on standard output once
//! ready. The scenario format is described in the library docs; without a file the script is
//! empty (every request gets a "no scripted reply left" error).

use std::process::ExitCode;

use kiln_fake_provider::{FakeProvider, Scenario};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") || args.len() > 1 {
        eprintln!("usage: kiln-fake-provider [SCENARIO.json]");
        return ExitCode::from(2);
    }
    let scenario = match args.first() {
        None => Scenario::default(),
        Some(path) => {
            let parsed = std::fs::read_to_string(path)
                .map_err(|e| e.to_string())
                .and_then(|text| {
                    serde_json::from_str::<Scenario>(&text).map_err(|e| e.to_string())
                });
            match parsed {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("kiln-fake-provider: cannot read {path}: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    match FakeProvider::start_on(scenario.port, scenario.replies) {
        Ok(server) => {
            println!("kiln-fake-provider listening on {}", server.url());
            server.wait();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kiln-fake-provider: cannot listen: {e}");
            ExitCode::FAILURE
        }
    }
}
