//! `ls`, `glob` and `grep`, including ignores, caps and truncation notes.

use kiln_vfs::{GrepOptions, LsOptions, VfsError, Workspace};

fn project() -> Workspace {
    let mut ws = Workspace::from_files([
        ("README.md", "# Demo\nTODO: write docs\n"),
        (
            "src/main.py",
            "import util\n\ndef main():\n    util.run()  # TODO\n",
        ),
        ("src/util.py", "def run():\n    print('Run')\n"),
        ("src/deep/x.py", "x = 1\n"),
        ("node_modules/lib/index.js", "// TODO in deps\n"),
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("build/out.txt", "TODO\n"),
    ])
    .unwrap();
    ws.write("img/logo.png", vec![0xffu8, 0x00, b'T', b'O', b'D', b'O'])
        .unwrap();
    ws
}

#[test]
fn ls_tree_with_sizes_and_default_ignores() {
    let ws = project();
    let text = ws.ls("/", &[]).unwrap().to_string();
    let expected = "/
  build/
    out.txt (5 B)
  img/
    logo.png (6 B, binary)
  src/
    deep/
      x.py (6 B)
    main.py (48 B)
    util.py (28 B)
  README.md (24 B)
(hidden by ignore patterns: `.git`, `node_modules`)
";
    assert_eq!(text, expected);
}

#[test]
fn ls_extra_ignores_and_subdirectory() {
    let ws = project();
    let listing = ws.ls("src", &["deep/", "*.md"]).unwrap();
    let text = listing.to_string();
    assert!(text.starts_with("src/\n"), "{text}");
    assert!(!text.contains("x.py"), "{text}");
    assert!(text.contains("main.py"), "{text}");
    assert_eq!(listing.ignored.len(), 1);
    // Listing an ignored directory explicitly still shows its content.
    let text = ws.ls("node_modules", &[]).unwrap().to_string();
    assert!(text.contains("index.js"), "{text}");
}

#[test]
fn ls_caps_entries_with_note() {
    let files: Vec<(String, String)> = (0..30)
        .map(|i| (format!("f{i:02}.txt"), String::new()))
        .collect();
    let ws = Workspace::from_files(files).unwrap();
    let listing = ws
        .ls_with(
            "",
            &LsOptions {
                max_entries: 10,
                ..LsOptions::default()
            },
        )
        .unwrap();
    assert_eq!(listing.entries.len(), 10);
    assert_eq!(listing.omitted, 20);
    assert!(
        listing
            .to_string()
            .contains("… 20 more entries; use glob to narrow")
    );
}

#[test]
fn ls_missing_dir_and_empty_workspace() {
    let ws = project();
    assert!(matches!(ws.ls("nope", &[]), Err(VfsError::NotFound { .. })));
    assert_eq!(
        Workspace::new().ls("", &[]).unwrap().to_string(),
        "/\n  (empty)\n"
    );
    assert!(matches!(
        ws.ls("", &["[unclosed"]),
        Err(VfsError::Glob { .. })
    ));
}

#[test]
fn glob_matches_sorted_paths() {
    let ws = project();
    let all_py = ws.glob("**/*.py", None).unwrap();
    let names: Vec<&str> = all_py.paths.iter().map(|p| p.as_str()).collect();
    assert_eq!(names, ["src/deep/x.py", "src/main.py", "src/util.py"]);
    let under = ws.glob("*.py", Some("src")).unwrap();
    let names: Vec<&str> = under.paths.iter().map(|p| p.as_str()).collect();
    assert_eq!(names, ["src/main.py", "src/util.py"]);
    let braces = ws.glob("{README.md,src/util.py}", None).unwrap();
    assert_eq!(braces.paths.len(), 2);
}

#[test]
fn glob_no_match_hints_at_double_star() {
    let ws = project();
    let text = ws.glob("*.py", None).unwrap().to_string();
    assert!(text.contains("No files match `*.py`"), "{text}");
    assert!(text.contains("`**/*.py`"), "{text}");
}

#[test]
fn glob_caps_with_note() {
    let files: Vec<(String, String)> = (0..25)
        .map(|i| (format!("d/f{i:02}.rs"), String::new()))
        .collect();
    let ws = Workspace::from_files(files).unwrap();
    let m = ws.glob_capped("**/*.rs", None, 5).unwrap();
    assert_eq!(m.paths.len(), 5);
    assert_eq!(m.omitted, 20);
    assert!(
        m.to_string()
            .contains("… 20 more matches not shown (25 in total)")
    );
}

#[test]
fn glob_invalid_pattern() {
    let err = project().glob("src/[", None).unwrap_err();
    assert!(err.to_string().starts_with("invalid glob `src/[`"), "{err}");
}

#[test]
fn grep_regex_with_line_numbers_skips_binary() {
    let ws = project();
    let result = ws.grep("TODO", &GrepOptions::default()).unwrap();
    let text = result.to_string();
    assert!(text.contains("README.md:2: TODO: write docs\n"), "{text}");
    assert!(
        text.contains("src/main.py:4:     util.run()  # TODO\n"),
        "{text}"
    );
    assert!(!text.contains("logo.png"), "{text}");
    assert_eq!(result.binary_skipped, 1);
    assert!(text.contains("(1 binary files skipped)"), "{text}");
}

#[test]
fn grep_include_literal_and_case() {
    let ws = project();
    let opts = GrepOptions {
        include: Some("*.py".into()),
        ..GrepOptions::default()
    };
    let result = ws.grep("def \\w+\\(", &opts).unwrap();
    let hits: Vec<String> = result
        .matches
        .iter()
        .map(|m| format!("{}:{}", m.path, m.line))
        .collect();
    assert_eq!(hits, ["src/main.py:3", "src/util.py:1"]);

    let opts = GrepOptions {
        literal: true,
        ..GrepOptions::default()
    };
    assert_eq!(ws.grep("util.run()", &opts).unwrap().matches.len(), 1);

    let opts = GrepOptions {
        case_insensitive: true,
        include: Some("src/*.py".into()),
        ..GrepOptions::default()
    };
    let result = ws.grep("run", &opts).unwrap();
    assert_eq!(result.matches.len(), 3, "{result}");
}

#[test]
fn grep_invalid_regex_suggests_literal() {
    let err = project().grep("foo(", &GrepOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("invalid regex `foo(`"), "{msg}");
    assert!(msg.contains("literal: true"), "{msg}");
}

#[test]
fn grep_caps_with_note() {
    let text: String = (0..50).map(|i| format!("hit {i}\n")).collect();
    let ws = Workspace::from_files([("a.txt", text)]).unwrap();
    let result = ws
        .grep(
            "hit",
            &GrepOptions {
                max_results: 10,
                ..GrepOptions::default()
            },
        )
        .unwrap();
    assert_eq!(result.matches.len(), 10);
    assert_eq!(result.omitted, 40);
    assert!(
        result
            .to_string()
            .contains("… 40 more matching lines not shown (50 in total)")
    );
}

#[test]
fn grep_no_matches() {
    let ws = project();
    let text = ws
        .grep(
            "zzz",
            &GrepOptions {
                under: Some("src".into()),
                ..GrepOptions::default()
            },
        )
        .unwrap()
        .to_string();
    assert_eq!(text, "No matches for `zzz` in 3 files\n");
}
