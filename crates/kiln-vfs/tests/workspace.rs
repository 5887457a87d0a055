//! Files, directories, limits, undo and serialisation.

use kiln_vfs::{Content, Limits, VfsError, Workspace};

#[test]
fn write_creates_then_overwrites() {
    let mut ws = Workspace::new();
    let first = ws.write("src/a.py", "x = 1\n").unwrap();
    assert!(first.created);
    assert_eq!(first.bytes, 6);
    assert!(
        first.to_string().starts_with("Created `src/a.py`"),
        "{first}"
    );
    let second = ws.write("src/a.py", "x = 2\ny = 3\n").unwrap();
    assert!(!second.created);
    assert_eq!(second.lines, 2);
    assert!(second.to_string().starts_with("Overwrote"), "{second}");
    assert!(ws.is_dir("src"));
    assert!(ws.is_file("/src/a.py"));
}

#[test]
fn utf8_bytes_are_stored_as_text() {
    let mut ws = Workspace::new();
    ws.write("a.txt", b"hello".to_vec()).unwrap();
    assert_eq!(ws.read("a.txt").unwrap(), &Content::Text("hello".into()));
    ws.write("b.bin", vec![0xff, 0x00, 0xfe]).unwrap();
    assert!(ws.read("b.bin").unwrap().is_binary());
    assert!(matches!(
        ws.read_text("b.bin"),
        Err(VfsError::Binary { bytes: 3, .. })
    ));
}

#[test]
fn files_and_directories_cannot_collide() {
    let mut ws = Workspace::new();
    ws.write("a", "file").unwrap();
    let err = ws.write("a/b.txt", "x").unwrap_err();
    assert!(matches!(err, VfsError::NotADirectory { .. }), "{err}");
    ws.write("d/x.txt", "x").unwrap();
    let err = ws.write("d", "x").unwrap_err();
    assert!(err.to_string().contains("is a directory"), "{err}");
}

#[test]
fn empty_directories_can_be_created_and_removed() {
    let mut ws = Workspace::new();
    ws.create_dir("empty/inner").unwrap();
    assert!(ws.is_dir("empty"));
    assert!(ws.is_dir("empty/inner"));
    assert_eq!(ws.remove("empty/inner").unwrap(), None);
    assert!(ws.is_dir("empty"), "parent stays as an empty directory");
    ws.write("d/f.txt", "x").unwrap();
    assert!(matches!(
        ws.remove("d"),
        Err(VfsError::DirectoryNotEmpty { files: 1, .. })
    ));
    assert_eq!(ws.remove_dir_all("d").unwrap(), 1);
    assert!(!ws.is_dir("d"));
}

#[test]
fn remove_and_rename() {
    let mut ws =
        Workspace::from_files([("a.txt", "1"), ("src/x.py", "2"), ("src/y.py", "3")]).unwrap();
    assert_eq!(ws.remove("a.txt").unwrap(), Some(Content::Text("1".into())));
    assert!(matches!(ws.remove("a.txt"), Err(VfsError::NotFound { .. })));
    ws.rename("src", "lib").unwrap();
    assert_eq!(ws.read_text("lib/x.py").unwrap(), "2");
    assert!(!ws.is_dir("src"));
    ws.rename("lib/x.py", "lib/z.py").unwrap();
    assert!(matches!(
        ws.rename("lib/z.py", "lib/y.py"),
        Err(VfsError::AlreadyExists { .. })
    ));
    let names: Vec<String> = ws.files().map(|(p, _)| p.to_string()).collect();
    assert_eq!(names, ["lib/y.py", "lib/z.py"]);
}

#[test]
fn rename_keeps_history() {
    let mut ws = Workspace::new();
    ws.write("a.txt", "one").unwrap();
    ws.write("a.txt", "two").unwrap();
    ws.rename("a.txt", "b.txt").unwrap();
    ws.undo("b.txt").unwrap();
    assert_eq!(ws.read_text("b.txt").unwrap(), "one");
}

#[test]
fn undo_restores_revisions_in_order_and_then_errors() {
    let mut ws = Workspace::new();
    ws.write("a.txt", "1").unwrap();
    ws.write("a.txt", "2").unwrap();
    ws.edit("a.txt", "2", "3", false).unwrap();
    ws.undo("a.txt").unwrap();
    assert_eq!(ws.read_text("a.txt").unwrap(), "2");
    ws.undo("a.txt").unwrap();
    assert_eq!(ws.read_text("a.txt").unwrap(), "1");
    let err = ws.undo("a.txt").unwrap_err();
    assert!(matches!(err, VfsError::NoRevision { .. }));
    assert!(err.to_string().contains("no earlier revision"), "{err}");
    assert!(matches!(
        ws.undo("missing.txt"),
        Err(VfsError::NotFound { .. })
    ));
}

#[test]
fn identical_write_records_no_revision() {
    let mut ws = Workspace::new();
    ws.write("a.txt", "1").unwrap();
    let report = ws.write("a.txt", "1").unwrap();
    assert!(report.unchanged);
    assert!(ws.undo("a.txt").is_err());
}

#[test]
fn history_is_bounded() {
    let mut ws = Workspace::with_limits(Limits {
        max_revisions: 3,
        ..Limits::default()
    });
    for i in 0..10 {
        ws.write("a.txt", i.to_string()).unwrap();
    }
    let file = ws.get(&"a.txt".parse().unwrap()).unwrap();
    assert_eq!(file.revisions.len(), 3);
    for expected in ["8", "7", "6"] {
        ws.undo("a.txt").unwrap();
        assert_eq!(ws.read_text("a.txt").unwrap(), expected);
    }
    assert!(ws.undo("a.txt").is_err());
}

#[test]
fn modified_counter_is_monotonic() {
    let mut ws = Workspace::new();
    ws.write("a", "1").unwrap();
    ws.write("b", "1").unwrap();
    ws.write("a", "2").unwrap();
    let a = ws.get(&"a".parse().unwrap()).unwrap().modified;
    let b = ws.get(&"b".parse().unwrap()).unwrap().modified;
    assert!(a > b, "{a} > {b}");
}

#[test]
fn file_size_cap() {
    let mut ws = Workspace::with_limits(Limits {
        max_file_bytes: 10,
        ..Limits::default()
    });
    ws.write("ok.txt", "0123456789").unwrap();
    let err = ws.write("big.txt", "0123456789A").unwrap_err();
    assert!(
        matches!(
            err,
            VfsError::FileTooLarge {
                bytes: 11,
                max: 10,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("at most 10 B"), "{err}");
    assert!(!ws.is_file("big.txt"));
    // An edit that grows the file past the cap fails too, leaving it unchanged.
    assert!(ws.edit("ok.txt", "0", "00", false).is_err());
    assert_eq!(ws.read_text("ok.txt").unwrap(), "0123456789");
}

#[test]
fn total_size_and_file_count_caps() {
    let mut ws = Workspace::with_limits(Limits {
        max_total_bytes: 10,
        max_files: 3,
        ..Limits::default()
    });
    ws.write("a", "12345").unwrap();
    ws.write("b", "12345").unwrap();
    assert_eq!(ws.total_bytes(), 10);
    let err = ws.write("c", "1").unwrap_err();
    assert!(
        matches!(err, VfsError::WorkspaceTooLarge { bytes: 11, max: 10 }),
        "{err}"
    );
    // Replacing a file with a smaller one is fine.
    ws.write("a", "1").unwrap();
    ws.write("c", "1").unwrap();
    let err = ws.write("d", "").unwrap_err();
    assert!(matches!(err, VfsError::TooManyFiles { max: 3 }), "{err}");
    assert_eq!(ws.len(), 3);
}

#[test]
fn missing_file_suggests_close_paths() {
    let ws = Workspace::from_files([("src/main.py", ""), ("src/util.py", ""), ("README.md", "")])
        .unwrap();
    let err = ws.read("main.py").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("did you mean `src/main.py`"), "{msg}");
    let err = ws.read("src/mian.py").unwrap_err();
    assert!(err.to_string().contains("`src/main.py`"), "{err}");
    let err = ws.read("src/x.py").unwrap_err();
    assert!(
        !err.to_string().contains("README"),
        "unrelated paths are not suggested: {err}"
    );
    let err = ws.read("nothing/like/it.zzz").unwrap_err();
    assert!(err.to_string().contains("use ls or glob"), "{err}");
    assert!(matches!(ws.read("src"), Err(VfsError::IsDirectory { .. })));
}

#[test]
fn serde_round_trip_keeps_text_binary_history_and_limits() {
    let mut ws = Workspace::with_limits(Limits {
        max_files: 42,
        ..Limits::default()
    });
    ws.write("src/main.py", "print('hi')\n").unwrap();
    ws.write("src/main.py", "print('hello')\n").unwrap();
    ws.write("img/logo.png", vec![0x89, b'P', b'N', b'G', 0xff])
        .unwrap();
    ws.create_dir("empty").unwrap();
    let json = serde_json::to_string(&ws).unwrap();
    assert!(json.contains(r#""base64":"iVBOR/8=""#), "{json}");
    assert!(json.contains(r#""text":"print('hello')\n""#), "{json}");
    let back: Workspace = serde_json::from_str(&json).unwrap();
    assert_eq!(back, ws);
    assert_eq!(back.limits().max_files, 42);
    let mut back = back;
    back.undo("src/main.py").unwrap();
    assert_eq!(back.read_text("src/main.py").unwrap(), "print('hi')\n");
    assert!(back.is_dir("empty"));
}

#[test]
fn minimal_json_uses_default_limits() {
    let ws: Workspace =
        serde_json::from_str(r#"{"files": {"a.txt": {"content": {"text": "x"}}}}"#).unwrap();
    assert_eq!(ws.limits(), Limits::default());
    assert_eq!(ws.read_text("a.txt").unwrap(), "x");
}

#[test]
fn to_files_and_snapshot_are_sorted() {
    let ws = Workspace::from_files([("b.txt", "2"), ("a/z.txt", "1"), ("a.txt", "0")]).unwrap();
    let names: Vec<String> = ws
        .to_files()
        .into_iter()
        .map(|(p, _)| p.to_string())
        .collect();
    assert_eq!(names, ["a.txt", "a/z.txt", "b.txt"]);
    assert_eq!(ws.snapshot().len(), 3);
}
