//! `patch`: unified diffs applied atomically, tolerant of offsets, with precise errors.

use kiln_vfs::{ChangeKind, VfsError, Workspace};

const MAIN: &str = "import sys\n\ndef greet(name):\n    print('hi', name)\n\ndef main():\n    greet(sys.argv[1])\n\nmain()\n";

fn ws() -> Workspace {
    Workspace::from_files([("src/main.py", MAIN), ("README.md", "# Demo\n")]).unwrap()
}

fn patch_err(ws: &mut Workspace, diff: &str) -> String {
    let before = ws.clone();
    let err = ws.patch(diff).unwrap_err();
    assert_eq!(
        *ws, before,
        "a failed patch must leave the workspace untouched"
    );
    assert!(
        matches!(err, VfsError::Patch(_) | VfsError::Path(_)),
        "{err:?}"
    );
    err.to_string()
}

#[test]
fn applies_a_git_style_diff() {
    let mut ws = ws();
    let diff = "diff --git a/src/main.py b/src/main.py
index 123..456 100644
--- a/src/main.py
+++ b/src/main.py
@@ -3,2 +3,2 @@
 def greet(name):
-    print('hi', name)
+    print('hello', name)
";
    let report = ws.patch(diff).unwrap();
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.files[0].change, ChangeKind::Modified);
    assert_eq!((report.files[0].added, report.files[0].removed), (1, 1));
    assert!(report.files[0].notes.is_empty(), "{report}");
    assert_eq!(
        ws.read_text("src/main.py").unwrap(),
        MAIN.replace("'hi'", "'hello'")
    );
    assert!(
        report
            .to_string()
            .contains("modified `src/main.py` (1 hunk, +1 -1)"),
        "{report}"
    );
    ws.undo("src/main.py").unwrap();
    assert_eq!(ws.read_text("src/main.py").unwrap(), MAIN);
}

#[test]
fn tolerates_wrong_line_numbers_and_notes_the_offset() {
    let mut ws = ws();
    let diff = "--- a/src/main.py
+++ b/src/main.py
@@ -20,3 +20,3 @@
 def main():
-    greet(sys.argv[1])
+    greet(sys.argv[-1])
 
";
    let report = ws.patch(diff).unwrap();
    assert!(
        ws.read_text("src/main.py")
            .unwrap()
            .contains("sys.argv[-1]")
    );
    let notes = &report.files[0].notes;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("hunk 1 applied at line 6 (14 lines above the header's line 20)"),
        "{notes:?}"
    );
}

#[test]
fn nearest_match_wins_when_context_repeats() {
    let text = "x = 0\nvalue = 1\nx = 0\nx = 0\nvalue = 1\nx = 0\n";
    let mut ws = Workspace::from_files([("a.py", text)]).unwrap();
    // The header says line 5; the context also occurs at line 2, but line 5 is nearer.
    let diff = "--- a.py\n+++ a.py\n@@ -5,1 +5,1 @@\n-value = 1\n+value = 2\n";
    ws.patch(diff).unwrap();
    assert_eq!(
        ws.read_text("a.py").unwrap(),
        "x = 0\nvalue = 1\nx = 0\nx = 0\nvalue = 2\nx = 0\n"
    );
}

#[test]
fn ambiguous_context_without_line_numbers_fails() {
    let text = "a\nb\na\nb\n";
    let mut ws = Workspace::from_files([("f.txt", text)]).unwrap();
    let msg = patch_err(&mut ws, "--- f.txt\n+++ f.txt\n@@ @@\n a\n-b\n+c\n");
    assert!(msg.contains("`f.txt` hunk 1 of 1"), "{msg}");
    assert!(
        msg.contains("found at several places (lines 1, 3)"),
        "{msg}"
    );
}

#[test]
fn header_without_numbers_applies_when_unique() {
    let mut ws = ws();
    ws.patch("--- a/README.md\n+++ b/README.md\n@@\n-# Demo\n+# Demo app\n")
        .unwrap();
    assert_eq!(ws.read_text("README.md").unwrap(), "# Demo app\n");
}

#[test]
fn failing_hunk_changes_nothing_and_names_the_hunk() {
    let mut ws = ws();
    let diff = "--- a/README.md
+++ b/README.md
@@ -1 +1 @@
-# Demo
+# Changed
--- a/src/main.py
+++ b/src/main.py
@@ -1,2 +1,2 @@
-import sys
+import os
 
@@ -6,2 +6,2 @@
 def main():
-    greet(sys.argv[2])
+    greet(sys.argv[3])
";
    let msg = patch_err(&mut ws, diff);
    assert!(
        msg.starts_with("patch not applied (nothing was changed)"),
        "{msg}"
    );
    assert!(
        msg.contains("`src/main.py` hunk 2 of 2 (`@@ -6,2 +6,2 @@`)"),
        "{msg}"
    );
    assert!(msg.contains("not found"), "{msg}");
    assert!(
        msg.contains("The hunk expects these lines:\n  def main():\n      greet(sys.argv[2])\n"),
        "{msg}"
    );
    assert!(
        msg.contains(
            "line 7 is `    greet(sys.argv[1])` where the hunk expects `    greet(sys.argv[2])`"
        ),
        "{msg}"
    );
    assert_eq!(ws.read_text("README.md").unwrap(), "# Demo\n");
}

#[test]
fn creates_and_deletes_files() {
    let mut ws = ws();
    let diff = "--- /dev/null
+++ b/src/util.py
@@ -0,0 +1,2 @@
+def helper():
+    return 42
--- a/README.md
+++ /dev/null
@@ -1 +0,0 @@
-# Demo
";
    let report = ws.patch(diff).unwrap();
    assert_eq!(report.files[0].change, ChangeKind::Added);
    assert_eq!(report.files[1].change, ChangeKind::Deleted);
    assert_eq!(
        ws.read_text("src/util.py").unwrap(),
        "def helper():\n    return 42\n"
    );
    assert!(!ws.is_file("README.md"));
}

#[test]
fn creating_an_existing_file_fails() {
    let mut ws = ws();
    let msg = patch_err(
        &mut ws,
        "--- /dev/null\n+++ b/README.md\n@@ -0,0 +1 @@\n+x\n",
    );
    assert!(msg.contains("`README.md` already exists"), "{msg}");
}

#[test]
fn patching_a_missing_file_fails_with_suggestion() {
    let mut ws = ws();
    let msg = patch_err(
        &mut ws,
        "--- a/main.py\n+++ b/main.py\n@@ -1 +1 @@\n-import sys\n+import os\n",
    );
    assert!(
        msg.contains("`main.py` does not exist (did you mean `src/main.py`?)"),
        "{msg}"
    );
}

#[test]
fn no_newline_markers() {
    let mut ws = Workspace::from_files([("a.txt", "one\ntwo")]).unwrap();
    // Adds a final newline.
    ws.patch("--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n one\n-two\n\\ No newline at end of file\n+two\n").unwrap();
    assert_eq!(ws.read_text("a.txt").unwrap(), "one\ntwo\n");
    // Removes it again.
    ws.patch(
        "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n one\n-two\n+2\n\\ No newline at end of file\n",
    )
    .unwrap();
    assert_eq!(ws.read_text("a.txt").unwrap(), "one\n2");
    // A diff that forgets the marker still applies and keeps the file's ending.
    ws.patch("--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n-one\n+1\n 2\n")
        .unwrap();
    assert_eq!(ws.read_text("a.txt").unwrap(), "1\n2");
}

#[test]
fn wrong_counts_and_stripped_blank_context_are_tolerated() {
    let mut ws = ws();
    // The header claims 9 lines; the blank context line lost its leading space.
    let diff = "--- a/src/main.py\n+++ b/src/main.py\n@@ -1,9 +1,9 @@\n import sys\n\n-def greet(name):\n+def greet(name='you'):\n";
    ws.patch(diff).unwrap();
    assert!(
        ws.read_text("src/main.py")
            .unwrap()
            .contains("def greet(name='you'):\n")
    );
}

#[test]
fn whitespace_differences_are_tolerated_with_a_note() {
    let mut ws = Workspace::from_files([("a.py", "if x:\n\tpass   \n")]).unwrap();
    let report = ws
        .patch("--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n if x:\n-    pass\n+    return\n")
        .unwrap();
    assert_eq!(ws.read_text("a.py").unwrap(), "if x:\n    return\n");
    assert!(
        report.files[0].notes[0].contains("whitespace was ignored"),
        "{report}"
    );
}

#[test]
fn removed_line_that_looks_like_a_header_is_read_by_counts() {
    let mut ws =
        Workspace::from_files([("q.sql", "-- old comment\n++ weird\nselect 1;\n")]).unwrap();
    let diff = "--- a/q.sql\n+++ b/q.sql\n@@ -1,3 +1,3 @@\n--- old comment\n+++ new comment\n-++ weird\n+++ fine\n select 1;\n";
    let report = ws.patch(diff).unwrap();
    assert_eq!(report.files.len(), 1);
    assert_eq!(
        ws.read_text("q.sql").unwrap(),
        "++ new comment\n++ fine\nselect 1;\n"
    );
}

#[test]
fn multiple_hunks_apply_in_order_with_drift() {
    let text: String = (1..=30).map(|i| format!("l{i}\n")).collect();
    let mut ws = Workspace::from_files([("n.txt", text)]).unwrap();
    // Both headers are 2 lines too low; the second is found via the first's drift.
    let diff = "--- a/n.txt\n+++ b/n.txt\n@@ -7,3 +7,4 @@\n l5\n+new\n l6\n l7\n@@ -22,3 +23,2 @@\n l20\n-l21\n l22\n";
    let report = ws.patch(diff).unwrap();
    let out = ws.read_text("n.txt").unwrap();
    assert!(out.contains("l5\nnew\nl6\n"), "{out}");
    assert!(out.contains("l20\nl22\n"), "{out}");
    assert_eq!(
        report.files[0].notes.len(),
        1,
        "only the first hunk is off from where the drift predicts: {report}"
    );
}

#[test]
fn rename_via_patch() {
    let mut ws = ws();
    let report = ws
        .patch("--- a/README.md\n+++ b/docs/README.md\n@@ -1 +1 @@\n-# Demo\n+# Docs\n")
        .unwrap();
    assert!(matches!(report.files[0].change, ChangeKind::Renamed { .. }));
    assert!(!ws.is_file("README.md"));
    assert_eq!(ws.read_text("docs/README.md").unwrap(), "# Docs\n");
}

#[test]
fn garbage_and_escaping_paths_are_rejected() {
    let mut ws = ws();
    let msg = patch_err(&mut ws, "please change line 3");
    assert!(msg.contains("no `--- `/`+++ ` file headers found"), "{msg}");
    let msg = patch_err(&mut ws, "@@ -1 +1 @@\n-a\n+b\n");
    assert!(msg.contains("before any"), "{msg}");
    let msg = patch_err(
        &mut ws,
        "--- /dev/null\n+++ ../escape.txt\n@@ -0,0 +1 @@\n+x\n",
    );
    assert!(msg.contains("leaves the workspace"), "{msg}");
}

#[test]
fn limits_are_checked_before_anything_changes() {
    let mut ws = Workspace::with_limits(kiln_vfs::Limits {
        max_file_bytes: 20,
        ..Default::default()
    });
    ws.write("a.txt", "small\n").unwrap();
    ws.write("b.txt", "b\n").unwrap();
    let before = ws.clone();
    let diff = "--- a/b.txt\n+++ b/b.txt\n@@ -1 +1 @@\n-b\n+B\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-small\n+this line is far too long for the cap\n";
    let err = ws.patch(diff).unwrap_err();
    assert!(matches!(err, VfsError::FileTooLarge { .. }), "{err}");
    assert_eq!(ws, before);
}

#[test]
fn crlf_files_keep_crlf() {
    let mut ws = Workspace::from_files([("w.txt", "a\r\nb\r\n")]).unwrap();
    ws.patch("--- a/w.txt\n+++ b/w.txt\n@@ -1,2 +1,3 @@\n a\n+x\n b\n")
        .unwrap();
    assert_eq!(ws.read_text("w.txt").unwrap(), "a\r\nx\r\nb\r\n");
}

#[test]
fn deleting_with_stale_content_fails() {
    let mut ws = ws();
    let msg = patch_err(
        &mut ws,
        "--- a/README.md\n+++ /dev/null\n@@ -1 +0,0 @@\n-# Something else\n",
    );
    assert!(msg.contains("`README.md` hunk 1 of 1"), "{msg}");
    assert!(msg.contains("  # Something else\n"), "{msg}");
}

#[test]
fn binary_files_cannot_be_patched() {
    let mut ws = ws();
    ws.write("b.bin", vec![0xffu8, 0]).unwrap();
    let msg = patch_err(&mut ws, "--- a/b.bin\n+++ b/b.bin\n@@ -1 +1 @@\n-x\n+y\n");
    assert!(msg.contains("`b.bin` is a binary file"), "{msg}");
}

#[test]
fn same_file_twice_applies_in_sequence_and_undo_restores_the_original() {
    let mut ws = Workspace::from_files([("a.txt", "1\n2\n3\n")]).unwrap();
    let diff = "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-1\n+one\n--- a/a.txt\n+++ b/a.txt\n@@ -3 +3 @@\n-3\n+three\n";
    ws.patch(diff).unwrap();
    assert_eq!(ws.read_text("a.txt").unwrap(), "one\n2\nthree\n");
    ws.undo("a.txt").unwrap();
    assert_eq!(
        ws.read_text("a.txt").unwrap(),
        "1\n2\n3\n",
        "one patch is one revision"
    );
}
