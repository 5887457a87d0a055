//! `diff` between snapshots, and that `patch` can replay it.

use kiln_vfs::{ChangeKind, Workspace, diff};

#[test]
fn diff_lists_added_modified_deleted_and_round_trips_through_patch() {
    let mut ws = Workspace::from_files([
        ("keep.txt", "same\n"),
        ("mod.py", "a = 1\nb = 2\nc = 3\n"),
        ("gone.txt", "bye\n"),
        ("tail.txt", "no newline"),
    ])
    .unwrap();
    let original = ws.clone();
    let before = ws.snapshot();
    ws.edit("mod.py", "b = 2", "b = 20", false).unwrap();
    ws.remove("gone.txt").unwrap();
    ws.write("new/file.txt", "hello\nworld\n").unwrap();
    ws.write("tail.txt", "no newline, still").unwrap();
    let d = diff(&before, &ws.snapshot());
    let kinds: Vec<(String, ChangeKind)> = d
        .files
        .iter()
        .map(|f| (f.path.to_string(), f.change.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("gone.txt".to_owned(), ChangeKind::Deleted),
            ("mod.py".to_owned(), ChangeKind::Modified),
            ("new/file.txt".to_owned(), ChangeKind::Added),
            ("tail.txt".to_owned(), ChangeKind::Modified),
        ]
    );
    let text = d.to_string();
    assert!(
        text.contains("--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n"),
        "{text}"
    );
    assert!(
        text.contains("--- /dev/null\n+++ b/new/file.txt\n"),
        "{text}"
    );
    assert!(text.contains("-b = 2\n+b = 20\n"), "{text}");
    assert!(text.contains("\\ No newline at end of file"), "{text}");
    assert!(!text.contains("keep.txt"), "{text}");

    let mut replay = original;
    replay.patch(&text).unwrap();
    assert_eq!(replay.snapshot(), ws.snapshot());
}

#[test]
fn no_changes_means_empty_diff() {
    let ws = Workspace::from_files([("a", "1")]).unwrap();
    let d = ws.diff_since(&ws.snapshot());
    assert!(d.is_empty());
    assert_eq!(d.to_string(), "");
}

#[test]
fn binary_changes_are_summarised() {
    let mut ws = Workspace::new();
    ws.write("img.png", vec![0xffu8, 1]).unwrap();
    let before = ws.snapshot();
    ws.write("img.png", vec![0xffu8, 2, 3]).unwrap();
    let text = ws.diff_since(&before).to_string();
    assert_eq!(
        text,
        "Binary files a/img.png (2 B) and b/img.png (3 B) differ\n"
    );
}

#[test]
fn empty_new_file_round_trips() {
    let mut ws = Workspace::new();
    let original = ws.clone();
    let before = ws.snapshot();
    ws.write("empty.txt", "").unwrap();
    let text = ws.diff_since(&before).to_string();
    assert_eq!(text, "--- /dev/null\n+++ b/empty.txt\n");
    let mut replay = original;
    replay.patch(&text).unwrap();
    assert_eq!(replay.read_text("empty.txt").unwrap(), "");
}
