//! `view`: line numbers, windows, long lines, binary and missing files.

use kiln_vfs::{VfsError, Workspace};

fn numbered(n: usize) -> String {
    (1..=n).map(|i| format!("line {i}\n")).collect()
}

#[test]
fn whole_small_file_has_numbers_and_no_footer() {
    let ws = Workspace::from_files([("a.txt", "one\ntwo\n")]).unwrap();
    let view = ws.view("a.txt", None, None).unwrap();
    assert_eq!(view.to_string(), "     1\tone\n     2\ttwo\n");
    assert_eq!(view.total_lines, 2);
}

#[test]
fn window_with_footer() {
    let ws = Workspace::from_files([("a.txt", numbered(1500))]).unwrap();
    let view = ws.view("a.txt", None, Some(200)).unwrap();
    assert_eq!(view.lines.len(), 200);
    let text = view.to_string();
    assert!(text.starts_with("     1\tline 1\n"), "{text}");
    assert!(
        text.ends_with("(showing lines 1–200 of 1,500; call view with offset=201 to see more)\n"),
        "{}",
        &text[text.len() - 120..]
    );
    let view = ws.view("a.txt", Some(1401), Some(200)).unwrap();
    assert_eq!(view.lines.len(), 100);
    assert_eq!(view.lines[0].number, 1401);
    let text = view.to_string();
    assert!(text.contains("  1401\tline 1401\n"), "{text}");
    assert!(
        text.ends_with("(showing lines 1,401–1,500 of 1,500)\n"),
        "{text}"
    );
}

#[test]
fn default_limit_applies() {
    let ws = Workspace::from_files([("a.txt", numbered(3000))]).unwrap();
    let view = ws.view("a.txt", None, None).unwrap();
    assert_eq!(view.lines.len(), kiln_vfs::DEFAULT_VIEW_LINES);
    assert!(view.to_string().contains("offset=1001"));
}

#[test]
fn long_lines_are_cut_with_a_note() {
    let long = "x".repeat(2500);
    let ws = Workspace::from_files([("a.txt", format!("short\n{long}\n"))]).unwrap();
    let view = ws.view("a.txt", None, None).unwrap();
    assert_eq!(view.lines[1].cut, 500);
    assert_eq!(view.lines[1].text.len(), 2000);
    assert!(
        view.to_string()
            .contains("… (line cut: 500 more characters)")
    );
}

#[test]
fn offset_past_end_is_an_error() {
    let ws = Workspace::from_files([("a.txt", "1\n2\n")]).unwrap();
    let err = ws.view("a.txt", Some(5), None).unwrap_err();
    assert!(matches!(
        err,
        VfsError::OffsetPastEnd {
            offset: 5,
            lines: 2,
            ..
        }
    ));
    assert!(err.to_string().contains("between 1 and 2"), "{err}");
}

#[test]
fn empty_file_says_so() {
    let ws = Workspace::from_files([("e.txt", "")]).unwrap();
    assert_eq!(
        ws.view("e.txt", None, None).unwrap().to_string(),
        "(`e.txt` is empty)\n"
    );
}

#[test]
fn binary_file_is_reported_with_size() {
    let mut ws = Workspace::new();
    ws.write("logo.png", vec![0x89u8; 2048]).unwrap();
    let err = ws.view("logo.png", None, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`logo.png` is a binary file (2.0 KiB); it cannot be viewed or edited as text"
    );
}

#[test]
fn missing_file_suggests_same_name_elsewhere() {
    let ws = Workspace::from_files([("pkg/helpers.py", "x"), ("other.py", "y")]).unwrap();
    let err = ws.view("helpers.py", None, None).unwrap_err();
    match &err {
        VfsError::NotFound { suggestions, .. } => {
            assert_eq!(suggestions[0].as_str(), "pkg/helpers.py")
        }
        other => panic!("unexpected {other}"),
    }
    assert!(err.to_string().contains("did you mean"), "{err}");
}

#[test]
fn no_final_newline_and_crlf() {
    let ws = Workspace::from_files([("a.txt", "a\r\nb")]).unwrap();
    assert_eq!(
        ws.view("a.txt", None, None).unwrap().to_string(),
        "     1\ta\n     2\tb\n"
    );
}
