//! `edit`: exact replacement, ambiguity, not-found hints, replace_all.

use kiln_vfs::{VfsError, Workspace};

fn ws(text: &str) -> Workspace {
    Workspace::from_files([("a.py", text)]).unwrap()
}

fn edit_err(ws: &mut Workspace, old: &str, new: &str, all: bool) -> String {
    let before = ws.snapshot();
    let err = ws.edit("a.py", old, new, all).unwrap_err();
    assert_eq!(
        ws.snapshot(),
        before,
        "a failed edit must not change the file"
    );
    err.to_string()
}

#[test]
fn unique_replacement_with_diff() {
    let mut ws = ws("def f():\n    return 1\n\nprint(f())\n");
    let report = ws.edit("a.py", "return 1", "return 2", false).unwrap();
    assert_eq!(report.replacements, 1);
    assert_eq!(
        ws.read_text("a.py").unwrap(),
        "def f():\n    return 2\n\nprint(f())\n"
    );
    assert!(
        report.diff.contains("-    return 1\n+    return 2\n"),
        "{}",
        report.diff
    );
    assert!(
        report.diff.starts_with("--- a/a.py\n+++ b/a.py\n"),
        "{}",
        report.diff
    );
    assert!(
        report
            .to_string()
            .starts_with("Edited `a.py` (1 replacement)"),
        "{report}"
    );
}

#[test]
fn ambiguous_edit_lists_lines() {
    let mut ws = ws("x = 1\ny = 2\nx = 1\nz = 3\nx = 1\n");
    let msg = edit_err(&mut ws, "x = 1", "x = 9", false);
    assert!(msg.contains("found 3 times"), "{msg}");
    assert!(msg.contains("(lines 1, 3, 5)"), "{msg}");
    assert!(msg.contains("include more surrounding context"), "{msg}");
    assert!(msg.contains("replace_all"), "{msg}");
}

#[test]
fn replace_all_replaces_every_occurrence() {
    let mut ws = ws("x = 1\ny = 2\nx = 1\n");
    let report = ws.edit("a.py", "x = 1", "x = 9", true).unwrap();
    assert_eq!(report.replacements, 2);
    assert_eq!(ws.read_text("a.py").unwrap(), "x = 9\ny = 2\nx = 9\n");
}

#[test]
fn not_found_mentions_whitespace_only_match() {
    let mut ws = ws("def f():\n\treturn 1\n");
    let msg = edit_err(
        &mut ws,
        "def f():\n    return 1",
        "def f():\n    return 2",
        false,
    );
    assert!(msg.contains("not found"), "{msg}");
    assert!(msg.contains("lines 1–2"), "{msg}");
    assert!(
        msg.contains("whitespace and indentation were ignored"),
        "{msg}"
    );
    assert!(
        msg.contains("\treturn 1\n"),
        "shows the file's exact text: {msg}"
    );
    assert!(
        msg.contains("Line 2 is indented with 1 tab but old has 4 spaces."),
        "{msg}"
    );
}

#[test]
fn not_found_without_any_near_match() {
    let mut ws = ws("a = 1\n");
    let msg = edit_err(&mut ws, "completely different", "x", false);
    assert!(msg.contains("old text not found in `a.py`"), "{msg}");
    assert!(!msg.contains("whitespace"), "{msg}");
}

#[test]
fn not_found_points_at_first_line_when_rest_differs() {
    let mut ws = ws("fn main() {\n    run();\n}\n");
    let msg = edit_err(&mut ws, "fn main() {\n    walk();\n}", "x", false);
    assert!(msg.contains("first line appears at line 1"), "{msg}");
}

#[test]
fn empty_and_identical_old_are_rejected() {
    let mut ws = ws("a\n");
    assert!(edit_err(&mut ws, "", "x", false).contains("old text is empty"));
    assert!(edit_err(&mut ws, "a", "a", false).contains("identical"));
}

#[test]
fn missing_and_binary_files() {
    let mut ws = Workspace::from_files([("src/a.py", "x")]).unwrap();
    ws.write("blob.bin", vec![0u8, 0xff]).unwrap();
    let err = ws.edit("a.py", "x", "y", false).unwrap_err();
    assert!(matches!(err, VfsError::NotFound { .. }));
    assert!(err.to_string().contains("`src/a.py`"), "{err}");
    let err = ws.edit("blob.bin", "x", "y", false).unwrap_err();
    assert!(matches!(err, VfsError::Binary { .. }), "{err}");
}

#[test]
fn crlf_files_accept_lf_old_text() {
    let mut ws = ws("a = 1\r\nb = 2\r\n");
    ws.edit("a.py", "a = 1\nb = 2", "a = 1\nb = 3", false)
        .unwrap();
    assert_eq!(ws.read_text("a.py").unwrap(), "a = 1\r\nb = 3\r\n");
}

#[test]
fn edit_can_be_undone() {
    let mut ws = ws("v1\n");
    ws.edit("a.py", "v1", "v2", false).unwrap();
    ws.undo("a.py").unwrap();
    assert_eq!(ws.read_text("a.py").unwrap(), "v1\n");
}
