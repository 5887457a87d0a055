//! ES modules: imports from the run's files, top-level await, and what cannot be imported.

mod common;

use common::run_request;
use kiln_core::{Language, RunRequest, Status};

fn module_request(code: &str) -> RunRequest {
    RunRequest::new(Language::Js, code)
        .with_file("util.js", "import { twice } from './lib/math.js';\nexport const name = 'util';\nexport function add(a, b) { return twice(a) + b; }\n")
        .with_file("lib/math.js", "export const twice = (x) => 2 * x;\nexport default function hello() { return 'hello from ' + import.meta.url; }\n")
        .with_file("lib/data.json", "{ \"items\": [1, 2] }")
}

#[test]
fn imports_files_of_the_run() {
    let outcome = run_request(&module_request(
        "import { add, name } from './util.js';\nimport hello from './lib/math';\nimport * as util from './util';\n\
         console.log(add(2, 3), name, typeof hello, Object.keys(util));",
    ));
    assert_eq!(outcome.stderr, "");
    assert_eq!(outcome.stdout, "7 util function [ 'add', 'name' ]\n");
    assert_eq!(outcome.status, Status::Ok);
}

#[test]
fn top_level_await_waits_for_timers() {
    let outcome = run_request(&module_request(
        "const { add } = await import('./util.js');\nawait new Promise((r) => setTimeout(r, 50));\nconsole.log('after', add(1, 1));\nexport {};",
    ));
    assert_eq!(outcome.stdout, "after 3\n", "{}", outcome.stderr);
}

#[test]
fn top_level_await_alone_makes_a_module() {
    let outcome = run_request(&RunRequest::new(
        Language::Js,
        "const v = await Promise.resolve(5);\nconsole.log(v);",
    ));
    assert_eq!(outcome.stdout, "5\n", "{}", outcome.stderr);
}

#[test]
fn dynamic_import_from_a_script() {
    let outcome = run_request(&module_request(
        "import('./util.js').then((m) => console.log(m.add(5, 0)));",
    ));
    assert_eq!(outcome.stdout, "10\n", "{}", outcome.stderr);
}

#[test]
fn json_imports() {
    let outcome = run_request(&module_request(
        "import data from './lib/data.json' with { type: 'json' };\nconsole.log(data.items);",
    ));
    assert_eq!(outcome.stdout, "[ 1, 2 ]\n", "{}", outcome.stderr);
}

#[test]
fn npm_packages_and_builtins_cannot_be_imported() {
    for specifier in ["lodash", "fs", "node:path", "https://esm.sh/react"] {
        let outcome = run_request(&module_request(&format!(
            "import x from '{specifier}';\nconsole.log(x);"
        )));
        assert_eq!(outcome.status, Status::Error, "{specifier}");
        assert_eq!(
            outcome.stderr,
            format!(
                "Uncaught Error: Cannot find module '{specifier}': only files of this workspace can be \
                 imported (./name.js); npm packages and Node built-ins are not available in Kiln\n"
            )
        );
    }
}

#[test]
fn missing_files_are_named() {
    let outcome = run_request(&module_request("import { x } from './nope.js';"));
    assert_eq!(outcome.status, Status::Error);
    assert_eq!(
        outcome.stderr,
        "Uncaught Error: Cannot find module './nope.js' imported from main.js: there is no such file in this workspace\n"
    );
}

#[test]
fn errors_inside_imported_files_point_there() {
    let request = RunRequest::new(Language::Js, "import { boom } from './bad.js';\nboom();")
        .with_file(
            "bad.js",
            "export function boom() {\n  throw new Error('from bad');\n}\n",
        );
    let outcome = run_request(&request);
    assert_eq!(
        outcome.stderr,
        "Uncaught Error: from bad\n    at bad.js:2:9\n"
    );
    // The diagnostic is placed in main.js, where the call came from.
    assert_eq!(
        (outcome.diagnostics[0].line, outcome.diagnostics[0].column),
        (Some(2), Some(5))
    );
}

#[test]
fn mjs_files_are_modules() {
    let request =
        RunRequest::new(Language::Js, "console.log(typeof import.meta)").with_file_name("tool.mjs");
    let outcome = run_request(&request);
    assert_eq!(outcome.stdout, "object\n", "{}", outcome.stderr);
}

#[test]
fn a_program_given_by_a_longer_path_still_finds_its_neighbours() {
    let request = RunRequest::new(
        Language::Js,
        "import { name } from './util.js';\nconsole.log(name);",
    )
    .with_file_name("/home/me/project/main.js")
    .with_file("util.js", "export const name = 'found';");
    let outcome = run_request(&request);
    assert_eq!(outcome.stdout, "found\n", "{}", outcome.stderr);
}
