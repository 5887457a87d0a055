//! Path validation: nothing may leave the root, odd characters are rejected with clear messages.

use kiln_vfs::{VPath, VfsError, Workspace};

fn ok(input: &str) -> String {
    VPath::parse(input).unwrap().as_str().to_owned()
}

fn rejected(input: &str) -> String {
    VPath::parse(input).unwrap_err().to_string()
}

#[test]
fn normalises_friendly_spellings() {
    assert_eq!(ok("src/main.py"), "src/main.py");
    assert_eq!(ok("./src/main.py"), "src/main.py");
    assert_eq!(ok("/src/main.py"), "src/main.py");
    assert_eq!(ok("src//lib///x.rs"), "src/lib/x.rs");
    assert_eq!(ok("src/./lib/../main.py"), "src/main.py");
    assert_eq!(ok("dir/"), "dir");
}

#[test]
fn dotdot_escapes_are_rejected() {
    for bad in ["..", "../x", "a/../../x", "/../etc/passwd", "./.."] {
        let msg = rejected(bad);
        assert!(msg.contains("leaves the workspace"), "{bad}: {msg}");
        assert!(
            msg.contains("relative to the workspace root"),
            "{bad}: {msg}"
        );
    }
    assert_eq!(
        rejected("../x"),
        "path `../x` leaves the workspace: paths are relative to the workspace root, like `src/main.py`"
    );
}

#[test]
fn windows_and_home_paths_are_rejected() {
    let msg = rejected("src\\main.py");
    assert!(msg.contains("backslash"), "{msg}");
    assert!(msg.contains("`src/main.py`"), "suggests the fix: {msg}");
    assert!(rejected("C:/x.py").contains("Windows drive"));
    assert!(rejected("~/x.py").contains("home directory"));
}

#[test]
fn control_and_invisible_characters_are_rejected() {
    assert!(rejected("a\0b").contains("U+0000"));
    assert!(rejected("a\nb").contains("control character"));
    let bidi = rejected("evil\u{202E}yp.exe");
    assert!(bidi.contains("RIGHT-TO-LEFT OVERRIDE"), "{bidi}");
    let zw = rejected("ma\u{200B}in.py");
    assert!(zw.contains("ZERO WIDTH SPACE"), "{zw}");
    assert!(rejected("\u{FEFF}main.py").contains("byte order mark"));
}

#[test]
fn spaces_around_components_are_rejected() {
    assert!(rejected("src/main.py ").contains("space"));
    assert!(rejected(" src/main.py").contains("space"));
    assert_eq!(ok("my file.py"), "my file.py");
}

#[test]
fn unicode_is_nfc_normalised() {
    let composed = ok("caf\u{e9}.txt");
    let decomposed = ok("cafe\u{301}.txt");
    assert_eq!(composed, decomposed);
    let mut ws = Workspace::new();
    ws.write("cafe\u{301}.txt", "x").unwrap();
    assert_eq!(ws.read_text("caf\u{e9}.txt").unwrap(), "x");
}

#[test]
fn root_is_not_a_file() {
    assert!(rejected("").contains("empty"));
    assert!(rejected("/").contains("workspace root"));
    assert!(rejected("a/..").contains("workspace root"));
    assert!(VPath::parse_dir("/").unwrap().is_root());
    assert!(VPath::parse_dir(".").unwrap().is_root());
}

#[test]
fn overlong_paths_are_rejected() {
    let long = "a".repeat(300);
    assert!(rejected(&long).contains("longer than 255"));
    let deep = vec!["d"; 70].join("/");
    assert!(rejected(&deep).contains("nested"));
}

#[test]
fn path_helpers() {
    let p = VPath::parse("src/lib/util.py").unwrap();
    assert_eq!(p.file_name(), "util.py");
    assert_eq!(p.extension(), Some("py"));
    assert_eq!(p.parent().unwrap().as_str(), "src/lib");
    assert_eq!(p.depth(), 3);
    assert!(p.starts_with(&VPath::parse("src").unwrap()));
    assert!(!p.starts_with(&VPath::parse("sr").unwrap()));
    assert_eq!(VPath::parse(".bashrc").unwrap().extension(), None);
}

#[test]
fn workspace_operations_reject_escapes_without_changing_anything() {
    let mut ws = Workspace::new();
    let err = ws.write("../outside.txt", "x").unwrap_err();
    assert!(matches!(err, VfsError::Path(_)));
    assert!(ws.is_empty());
    assert!(ws.read("/../../etc/passwd").is_err());
}

#[test]
fn deserialising_rejects_bad_paths() {
    let json = r#"{"files": {"../evil": {"content": {"text": "x"}}}}"#;
    let err = serde_json::from_str::<Workspace>(json).unwrap_err();
    assert!(err.to_string().contains("leaves the workspace"), "{err}");
}
