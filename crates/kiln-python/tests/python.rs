//! Behaviour of the Python runner: output, stdin, exits, errors, files, imports and limits.

use std::sync::Arc;
use std::time::{Duration, Instant};

use kiln_core::{
    Language, LimitKind, Limits, Outcome, RunRequest, Runner, Status, StopSignal, SystemClock,
};
use kiln_python::{EmbeddedStdlib, MemoryModules, ModuleSource, PythonRunner};

/// Runs `request` on a fresh runner, on a thread with the stack RustPython needs.
fn run_with(request: RunRequest, modules: Arc<dyn ModuleSource>, stop: StopSignal) -> Outcome {
    std::thread::Builder::new()
        .stack_size(kiln_python::RECOMMENDED_STACK_BYTES)
        .spawn(move || {
            let mut runner = PythonRunner::new(SystemClock::shared(), modules);
            runner.run(&request, Arc::new(()), &stop)
        })
        .unwrap()
        .join()
        .unwrap()
}

fn run(request: RunRequest) -> Outcome {
    run_with(request, Arc::new(EmbeddedStdlib), StopSignal::new())
}

fn py(code: &str) -> RunRequest {
    RunRequest::new(Language::Python, code)
}

#[test]
fn prints_and_finishes_ok() {
    let outcome = run(py("print('hello', 6 * 7)\nprint(2 ** 100)"));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(
        outcome.stdout,
        "hello 42\n1267650600228229401496703205376\n"
    );
    assert_eq!(outcome.stderr, "");
    assert_eq!(outcome.exit_code, 0);
}

#[test]
fn input_reads_supplied_stdin_then_raises_eof() {
    let code = "name = input('name? ')\nprint('hi', name)\ntry:\n    input()\nexcept EOFError:\n    print('eof')";
    let outcome = run(py(code).with_stdin("Ada\n"));
    assert_eq!(outcome.stdout, "name? hi Ada\neof\n", "{outcome:?}");
    let lines = run(py("import sys\nprint(sys.stdin.read().split())").with_stdin("a b\nc"));
    assert_eq!(lines.stdout, "['a', 'b', 'c']\n");
}

#[test]
fn sys_exit_sets_status_and_code() {
    let outcome = run(py("import sys\nprint('bye')\nsys.exit(3)"));
    assert_eq!((outcome.status, outcome.exit_code), (Status::Exit, 3));
    assert_eq!(outcome.stdout, "bye\n");
    let zero = run(py("import sys\nsys.exit(0)"));
    assert_eq!((zero.status, zero.exit_code), (Status::Ok, 0));
    let message = run(py("import sys\nsys.exit('fatal: no input')"));
    assert_eq!((message.status, message.exit_code), (Status::Exit, 1));
    assert_eq!(message.stderr, "fatal: no input\n");
}

#[test]
fn uncaught_exception_prints_a_cpython_traceback() {
    let code = "def inner(x):\n    return 1 / x\n\ndef outer():\n    return inner(0)\n\nouter()\n";
    let outcome = run(py(code).with_file_name("calc.py"));
    assert_eq!((outcome.status, outcome.exit_code), (Status::Error, 1));
    assert_eq!(
        outcome.stderr,
        "Traceback (most recent call last):\n  File \"calc.py\", line 7, in <module>\n    outer()\n  File \"calc.py\", line 5, in outer\n    return inner(0)\n  File \"calc.py\", line 2, in inner\n    return 1 / x\nZeroDivisionError: division by zero\n"
    );
    assert_eq!(outcome.diagnostics[0].code, "uncaught-exception");
    assert_eq!(outcome.diagnostics[0].line, Some(2));
}

#[test]
fn chained_exceptions_are_both_shown() {
    let code = "try:\n    {}['k']\nexcept KeyError as e:\n    raise ValueError('bad') from e\n";
    let outcome = run(py(code));
    assert!(outcome.stderr.contains("KeyError: 'k'\n\nThe above exception was the direct cause of the following exception:\n\n"), "{}", outcome.stderr);
    assert!(outcome.stderr.ends_with("ValueError: bad\n"));
}

#[test]
fn syntax_errors_are_refused_with_line_and_column() {
    let outcome = run(py("x = 1\nif x >\n    print(x)\n"));
    assert_eq!((outcome.status, outcome.exit_code), (Status::Refused, 2));
    let d = &outcome.diagnostics[0];
    assert_eq!(d.code, "syntax-error");
    assert_eq!(d.line, Some(2));
    assert!(d.column.is_some_and(|c| c >= 1));
    assert!(d.message.starts_with("SyntaxError"), "{}", d.message);
}

#[test]
fn imports_workspace_modules_and_packages() {
    let request = py("import util\nfrom pkg.inner import twice\nprint(util.greet('x'), twice(21))")
        .with_file("util.py", "def greet(n):\n    return 'hello ' + n\n")
        .with_file("pkg/__init__.py", "")
        .with_file("pkg/inner.py", "def twice(v):\n    return v * 2\n");
    let outcome = run(request);
    assert_eq!(outcome.stdout, "hello x 42\n", "{outcome:?}");
}

#[test]
fn errors_in_workspace_modules_show_their_source() {
    let request = py("import broken\nbroken.f()")
        .with_file("broken.py", "def f():\n    return undefined_name\n");
    let outcome = run(request);
    assert!(
        outcome
            .stderr
            .contains("  File \"broken.py\", line 2, in f\n    return undefined_name\n"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome
            .stderr
            .ends_with("NameError: name 'undefined_name' is not defined\n")
    );
}

#[test]
fn open_reads_supplied_files_and_returns_written_ones() {
    let code = "with open('data/in.txt') as f:\n    words = f.read().split()\nwith open('out.txt', 'w') as f:\n    f.write(' '.join(reversed(words)))\nlog = open('log.txt', 'a')\nlog.write('never closed')\nprint(len(words))\ntry:\n    open('missing.txt')\nexcept FileNotFoundError as e:\n    print('missing', e.filename)\ntry:\n    open('../etc/passwd')\nexcept PermissionError:\n    print('denied')";
    let outcome = run(py(code).with_file("data/in.txt", "a b c"));
    assert_eq!(
        outcome.stdout, "3\nmissing missing.txt\ndenied\n",
        "{outcome:?}"
    );
    let written: Vec<_> = outcome
        .files_written
        .iter()
        .map(|f| (f.path.as_str(), f.contents.as_slice()))
        .collect();
    assert_eq!(
        written,
        [
            ("log.txt", b"never closed".as_slice()),
            ("out.txt", b"c b a".as_slice())
        ]
    );
}

#[test]
fn standard_library_modules_import_and_work() {
    let code = r#"
import json, math, re, random, itertools, collections, functools, dataclasses, typing, enum
import datetime, heapq, bisect, textwrap, string, statistics, fractions, decimal, copy, pprint
import operator, io, unittest
print(json.dumps({'b': [1, 2], 'a': None}, sort_keys=True))
print(math.comb(10, 3), re.findall(r'\d+', 'a1b22c333'))
print(list(itertools.accumulate([1, 2, 3])), collections.Counter('abca').most_common(1))
print(functools.reduce(operator.mul, range(1, 6)), fractions.Fraction(3, 6), decimal.Decimal('1.10') + decimal.Decimal('2.205'))
print(statistics.median([3, 1, 2]), datetime.date(2024, 3, 1) - datetime.date(2024, 2, 1))
print(heapq.nsmallest(2, [5, 1, 4]), bisect.bisect([1, 3, 5], 4), textwrap.shorten('hello big world', 10))
@dataclasses.dataclass
class P:
    x: int
    y: int = 0
print(P(1), copy.deepcopy([[1]]), string.ascii_lowercase[:3], enum.Enum('C', 'RED').RED)
"#;
    let outcome = run(py(code));
    assert_eq!(outcome.status, Status::Ok, "{}", outcome.stderr);
    assert_eq!(
        outcome.stdout,
        "{\"a\": null, \"b\": [1, 2]}\n120 ['1', '22', '333']\n[1, 3, 6] [('a', 2)]\n120 1/2 3.305\n2 29 days, 0:00:00\n[1, 4] 2 [...]\nP(x=1, y=0) [[1]] abc C.RED\n"
    );
}

/// What a browser host does: nothing frozen but the bare minimum, the rest supplied on demand.
/// (Native builds of RustPython with a frozen library insist on `encodings` at start-up, so that
/// much stays frozen here.)
struct OnDemand(MemoryModules);

impl ModuleSource for OnDemand {
    fn frozen(&self) -> Vec<(&'static str, rustpython_vm::frozen::FrozenModule)> {
        EmbeddedStdlib
            .frozen()
            .into_iter()
            .filter(|(name, _)| name.starts_with("encodings") || *name == "codecs")
            .collect()
    }

    fn find(&self, name: &str) -> Option<kiln_python::ModuleUnit> {
        self.0.find(name)
    }

    fn module_names(&self) -> Vec<String> {
        self.0.module_names()
    }
}

#[test]
fn modules_can_come_from_the_host_on_demand() {
    let modules = MemoryModules::new()
        .with("greeting", "WORD = 'hi'\n", false)
        .with("shapes", "from shapes.sq import area\n", true)
        .with("shapes.sq", "def area(s):\n    return s * s\n", false);
    let outcome = run_with(
        py("import greeting, shapes\nprint(greeting.WORD, shapes.area(3))"),
        Arc::new(OnDemand(modules)),
        StopSignal::new(),
    );
    assert_eq!(outcome.stdout, "hi 9\n", "{outcome:?}");
    let missing = run_with(
        py("import json"),
        Arc::new(OnDemand(MemoryModules::new())),
        StopSignal::new(),
    );
    assert_eq!(missing.status, Status::Error);
    assert!(
        missing
            .stderr
            .contains("ModuleNotFoundError: No module named 'json'"),
        "{}",
        missing.stderr
    );
}

/// The whole frozen library except `json`, which comes from `json_units` (a browser host's
/// fetched units, or sources).
struct FrozenExceptJson(MemoryModules);

impl ModuleSource for FrozenExceptJson {
    fn frozen(&self) -> Vec<(&'static str, rustpython_vm::frozen::FrozenModule)> {
        EmbeddedStdlib
            .frozen()
            .into_iter()
            .filter(|(name, _)| *name != "json" && !name.starts_with("json."))
            .collect()
    }

    fn find(&self, name: &str) -> Option<kiln_python::ModuleUnit> {
        self.0.find(name)
    }

    fn module_names(&self) -> Vec<String> {
        self.0.module_names()
    }
}

/// `json` from RustPython's `Lib/`, as sources or as units compiled by `compile_unit`.
fn json_modules(compiled: bool) -> MemoryModules {
    let lib = std::path::Path::new(rustpython_pylib::LIB_PATH).join("json");
    let mut modules = MemoryModules::new();
    for (name, file, is_package) in [
        ("json", "__init__.py", true),
        ("json.decoder", "decoder.py", false),
        ("json.encoder", "encoder.py", false),
        ("json.scanner", "scanner.py", false),
    ] {
        let source = std::fs::read_to_string(lib.join(file)).unwrap();
        modules = if compiled {
            let origin = kiln_python::stdlib_origin(name, is_package);
            let unit = kiln_python::compile_unit(&source, &origin).unwrap();
            modules.with_compiled(name, unit, is_package)
        } else {
            modules.with(name, &source, is_package)
        };
    }
    modules
}

#[test]
fn precompiled_units_import_like_their_sources() {
    let program = "import json, sys\n\
        print(json.dumps({'a': [1, 2.5, None, True], 'b': 'é'}, sort_keys=True, indent=1))\n\
        print(json.loads('{\"x\": [1, {\"y\": null}]}'))\n\
        print(json.__file__, json.decoder.__file__, type(json.__spec__.loader).__name__)\n\
        print(json.decoder.JSONDecoder.decode.__code__.co_filename)\n\
        json.loads('{bad')\n";
    let via_units = run_with(
        py(program),
        Arc::new(FrozenExceptJson(json_modules(true))),
        StopSignal::new(),
    );
    let via_source = run_with(
        py(program),
        Arc::new(FrozenExceptJson(json_modules(false))),
        StopSignal::new(),
    );
    assert_eq!(via_units.stdout, via_source.stdout);
    assert_eq!(via_units.stderr, via_source.stderr);
    assert!(
        via_units
            .stdout
            .contains("<stdlib>/json/__init__.py <stdlib>/json/decoder.py"),
        "{}",
        via_units.stdout
    );
    assert!(
        via_units
            .stdout
            .contains("\"b\": \"\\u00e9\"\n}\n{'x': [1, {'y': None}]}\n"),
        "{}",
        via_units.stdout
    );
    // The traceback goes through the library's frames with their file names and lines.
    assert!(
        via_units
            .stderr
            .contains("File \"<stdlib>/json/decoder.py\", line"),
        "{}",
        via_units.stderr
    );
    assert!(
        via_units
            .stderr
            .ends_with("json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)\n"),
        "{}",
        via_units.stderr
    );
}

#[test]
fn a_damaged_unit_is_an_import_error_that_says_what_to_do() {
    let modules = MemoryModules::new().with_compiled("broken", b"kiln\0\0\0\0junk".to_vec(), false);
    let outcome = run_with(
        py("import broken"),
        Arc::new(OnDemand(modules)),
        StopSignal::new(),
    );
    assert_eq!(outcome.status, Status::Error);
    assert!(
        outcome.stderr.contains("ImportError: cannot import broken")
            && outcome.stderr.contains("cargo xtask build"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn no_sockets_or_host_processes() {
    let outcome = run(py("import socket"));
    assert_eq!(outcome.status, Status::Error);
    assert!(
        outcome.stderr.contains("ModuleNotFoundError"),
        "{}",
        outcome.stderr
    );
    let os = run(py("import os\nos.system('rm -rf /')"));
    assert_eq!(os.status, Status::Error);
    assert!(os.stderr.ends_with("PermissionError: [Errno 1] os.system is not available in Kiln: programs run in a sandbox without processes, signals or the host file system\n"), "{}", os.stderr);
    let subprocess = run(py("import subprocess\nsubprocess.run(['ls'])"));
    assert_eq!(subprocess.status, Status::Error, "{subprocess:?}");
}

#[test]
fn each_run_gets_a_fresh_main_but_one_interpreter() {
    let outcome = std::thread::Builder::new()
        .stack_size(kiln_python::RECOMMENDED_STACK_BYTES)
        .spawn(|| {
            let mut runner = PythonRunner::new(SystemClock::shared(), Arc::new(EmbeddedStdlib));
            let stop = StopSignal::new();
            let first = runner.run(&py("x = 1\nprint(x)"), Arc::new(()), &stop);
            let second = runner.run(&py("print('x' in globals())"), Arc::new(()), &stop);
            let v1 = runner.run(
                &py("import m\nprint(m.V)").with_file("m.py", "V = 1"),
                Arc::new(()),
                &stop,
            );
            let v2 = runner.run(
                &py("import m\nprint(m.V)").with_file("m.py", "V = 2"),
                Arc::new(()),
                &stop,
            );
            (first.stdout, second.stdout, v1.stdout, v2.stdout)
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(
        outcome,
        ("1\n".into(), "False\n".into(), "1\n".into(), "2\n".into())
    );
}

#[test]
fn endless_loop_is_stopped_by_the_host() {
    for code in [
        "while True:\n    pass",
        "while True:\n    try:\n        pass\n    except BaseException:\n        pass",
    ] {
        // The host's clock starts when the run does, as in the CLI and the worker (whose
        // interpreter exists before any run); starting it before `PythonRunner::new` let a
        // loaded machine deliver the stop while the interpreter was still being created.
        let stop = StopSignal::new();
        let timer = stop.clone();
        let started = Instant::now();
        let outcome = std::thread::Builder::new()
            .stack_size(kiln_python::RECOMMENDED_STACK_BYTES)
            .spawn(move || {
                let mut runner = PythonRunner::new(SystemClock::shared(), Arc::new(EmbeddedStdlib));
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(300));
                    timer.stop_for(LimitKind::Time);
                });
                runner.run(&py(code), Arc::new(()), &stop)
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(
            (outcome.status, outcome.limit, outcome.exit_code),
            (Status::Limit, Some(LimitKind::Time), 124),
            "{outcome:?}"
        );
        assert!(outcome.stderr.contains("time limit reached"));
        assert!(started.elapsed() < Duration::from_secs(30));
    }
}

#[test]
fn unbounded_recursion_is_a_recursion_error_not_a_crash() {
    let outcome = run(py(
        "import sys\nsys.setrecursionlimit(10**9)\ndef f(n):\n    return f(n + 1)\nf(0)",
    ));
    assert_eq!(outcome.status, Status::Error, "{outcome:?}");
    assert!(
        outcome.stderr.contains("RecursionError"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn output_flood_stops_at_the_output_limit() {
    let limits = Limits {
        output_bytes: Some(10_000),
        ..Limits::default()
    };
    let outcome = run(py("while True:\n    print('flood')").with_limits(limits));
    assert_eq!(
        (outcome.status, outcome.limit),
        (Status::Limit, Some(LimitKind::Output)),
        "{}",
        outcome.stderr
    );
    assert_eq!(outcome.stdout.len(), 10_000);
    assert!(outcome.stderr.contains("output limit reached"));
}

#[test]
fn binary_input_is_refused() {
    let outcome = run(RunRequest::new(Language::Python, vec![0xff_u8, 0xfe, 0]));
    assert_eq!(outcome.status, Status::Refused);
    assert_eq!(outcome.diagnostics[0].code, "not-text");
}

#[test]
fn available_modules_come_from_the_build() {
    let names = std::thread::Builder::new()
        .stack_size(kiln_python::RECOMMENDED_STACK_BYTES)
        .spawn(|| {
            PythonRunner::new(SystemClock::shared(), Arc::new(EmbeddedStdlib)).available_modules()
        })
        .unwrap()
        .join()
        .unwrap();
    for expected in ["json", "math", "re", "collections", "_io", "sys"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
    assert!(!names.iter().any(|n| n == "_socket"));
}

#[test]
fn os_works_on_the_virtual_workspace() {
    let code = "import os, os.path, glob, pathlib\nprint(sorted(os.listdir('.')), os.path.exists('data/a.txt'), os.path.isdir('data'))\nos.mkdir('out')\nwith open('out/r.txt', 'w') as f:\n    f.write('x')\nprint(sorted(glob.glob('**/*.txt', recursive=True)))\nprint(pathlib.Path('data/a.txt').read_text(), os.stat('data/a.txt').st_size)\nos.remove('data/a.txt')\nprint(os.path.exists('data/a.txt'), os.getcwd())\ntry:\n    os.system('ls')\nexcept PermissionError as e:\n    print('denied')";
    let outcome = run(py(code).with_file("data/a.txt", "hello"));
    assert_eq!(
        outcome.stdout,
        "['data', 'main.py'] True True\n['data/a.txt', 'out/r.txt']\nhello 5\nFalse /\ndenied\n",
        "{}",
        outcome.stderr
    );
}

#[test]
fn parse_check_agrees_with_the_runner() {
    let sources = [
        "x = (1,\ny = 2\n",
        "def f(:\n    pass\n",
        "if True:\nprint(1)\n",
        "print(\"hi\" 1)\n",
        "x = 1\n  y = 2\n",
        "for i in range(3)\n    print(i)\n",
        "while True print(1)\n",
        "s = 'abc\n",
        "return 5\n",
        "x = [1, 2\n",
        "def f(x, y=1, z):\n    pass\n",
        "del 1\n",
        "a = 1 +\n",
        "import\n",
        "x === 1\n",
        "break\n",
        "nonlocal x\n",
        "f(**k, *a)\n",
        "x = 1 if y\n",
        "print 'hi'\n",
        "class A\n    pass\n",
        "s = f'{x'\n",
        "x = 1 \\ 2\n",
        "def f(x=1, y):\n    pass\n",
        "f(a=1, 2)\n",
        "f(x for x in y, 1)\n",
        "def f(**k, a):\n    pass\n",
    ];
    let mut mismatches = Vec::new();
    for source in sources {
        let outcome = run(py(source));
        assert_eq!(outcome.status, Status::Refused, "{source:?}: {outcome:?}");
        // Line, column and message agree; end positions may not (the interpreter adjusts some).
        let key = |d: &kiln_core::Diagnostic| (d.code.clone(), d.message.clone(), d.line, d.column);
        let checked: Vec<_> = kiln_python::parse_check(source, "main.py")
            .iter()
            .map(key)
            .collect();
        let refused: Vec<_> = outcome.diagnostics.iter().map(key).collect();
        mismatches.extend((checked != refused).then(|| format!("{checked:?} != {refused:?}")));
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    assert!(kiln_python::parse_check("print(1)\n", "main.py").is_empty());
}

/// A clock that stands still at chosen values, to prove where `time` reads from.
struct StillClock;

impl kiln_core::Clock for StillClock {
    fn wall_time_ns(&self) -> u64 {
        1_800_000_000_500_000_000
    }
    fn monotonic_ns(&self) -> u64 {
        42_000_000_000
    }
}

#[test]
fn time_reads_the_runners_clock() {
    // The browser worker has no clock of RustPython's own: `time` must come from the host's.
    let outcome = std::thread::Builder::new()
        .stack_size(kiln_python::RECOMMENDED_STACK_BYTES)
        .spawn(|| {
            let mut runner = PythonRunner::new(Arc::new(StillClock), Arc::new(EmbeddedStdlib));
            let code = "import time\nprint(time.time(), time.time_ns())\n\
                        print(time.monotonic(), time.perf_counter_ns())";
            runner.run(&py(code), Arc::new(()), &StopSignal::new())
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(
        outcome.stdout, "1800000000.5 1800000000500000000\n42.0 42000000000\n",
        "{outcome:?}"
    );
}

/// The library folder as a browser worker sees it, served by compiling each unit when it is
/// requested (from RustPython's `Lib/`, with the build tool's `compile_unit`).
struct CompilingFolder {
    index: kiln_python::PylibIndex,
    sources: std::collections::HashMap<String, (String, bool, std::path::PathBuf)>,
}

impl CompilingFolder {
    fn new() -> Self {
        let lib = std::path::Path::new(rustpython_pylib::LIB_PATH);
        let mut index = kiln_python::PylibIndex::default();
        let mut sources = std::collections::HashMap::new();
        for module in kiln_python::library_sources(lib).unwrap() {
            let file = kiln_python::PylibIndex::unit_path(&module.name, module.is_package);
            index.insert(
                &module.name,
                kiln_python::IndexEntry {
                    file: file.clone(),
                    package: module.is_package,
                    size: 0,
                    imports: Vec::new(),
                },
            );
            sources.insert(
                file,
                (module.name, module.is_package, lib.join(module.path)),
            );
        }
        CompilingFolder { index, sources }
    }
}

impl kiln_python::UnitFetch for CompilingFolder {
    fn get(&self, path: &str) -> Result<Option<Vec<u8>>, kiln_python::NetworkError> {
        if path == kiln_python::INDEX_FILE {
            return Ok(Some(self.index.to_json().into_bytes()));
        }
        let Some((name, is_package, file)) = self.sources.get(path) else {
            return Ok(None);
        };
        let source = std::fs::read_to_string(file).unwrap();
        let origin = kiln_python::stdlib_origin(name, *is_package);
        Ok(Some(kiln_python::compile_unit(&source, &origin).unwrap()))
    }
}

/// Like the browser: only `encodings`/`codecs` frozen (native RustPython needs them to start),
/// everything else from units.
struct UnitsOnly(kiln_python::IndexedModules<CompilingFolder>);

impl ModuleSource for UnitsOnly {
    fn frozen(&self) -> Vec<(&'static str, rustpython_vm::frozen::FrozenModule)> {
        OnDemand(MemoryModules::new()).frozen()
    }

    fn find(&self, name: &str) -> Option<kiln_python::ModuleUnit> {
        self.0.find(name)
    }

    fn module_names(&self) -> Vec<String> {
        self.0.module_names()
    }
}

#[test]
fn the_library_imports_from_units_alone() {
    // `re` and `collections` hold frozenset constants, which need the VM's constant bag.
    let modules = kiln_python::IndexedModules::new(CompilingFolder::new(), None);
    let outcome = run_with(
        py("import json, re, collections, math, itertools\n\
            print(json.dumps(sorted(collections.Counter(re.findall('a|b', 'abba')).items())), \
            math.isqrt(17), list(itertools.islice(itertools.count(), 3)))\n\
            import nosuchmodule"),
        Arc::new(UnitsOnly(modules)),
        StopSignal::new(),
    );
    assert_eq!(
        outcome.stdout, "[[\"a\", 2], [\"b\", 2]] 4 [0, 1, 2]\n",
        "{outcome:?}"
    );
    assert!(
        outcome
            .stderr
            .ends_with("ModuleNotFoundError: No module named 'nosuchmodule'\n"),
        "{}",
        outcome.stderr
    );
}
