//! Virtual files through `path_open`, `fd_read`, `fd_write`, `fd_seek` and friends.

use kiln_core::{Status, WorkspaceFile};

use crate::{program, program_with_imports, request, run, wat_string};

/// Writes "hello file\n" to `out.txt`, then opens it again and prints what it reads back.
#[test]
fn a_written_file_reads_back_and_is_returned() {
    let wat = program(
        r#"  (data (i32.const 64) "out.txt")
  (data (i32.const 80) "hello file\n")
  (func (export "_start")
    (local $fd i32)
    ;; O_CREAT | O_TRUNC
    (call $print_i32 (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 7)
      (i32.const 9) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 200)))
    (call $newline)
    (local.set $fd (i32.load (i32.const 200)))
    (call $print_i32 (local.get $fd))
    (call $newline)
    (drop (call $write (local.get $fd) (i32.const 80) (i32.const 11)))
    (drop (call $fd_close (local.get $fd)))
    (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 7)
      (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 200)))
    (local.set $fd (i32.load (i32.const 200)))
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 100))
    (drop (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $print (i32.const 1024) (i32.load (i32.const 8))))"#,
    );
    let outcome = run(&request(wat.as_str()));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    // The first free descriptor after stdio and the preopened directory is 4.
    assert_eq!(outcome.stdout, "0\n4\nhello file\n");
    assert_eq!(
        outcome.files_written,
        [WorkspaceFile::new("out.txt", "hello file\n")]
    );
}

/// `cat PATH`: opens the path (relative to the preopened directory) and prints the file.
fn cat(path: &str) -> String {
    program(&format!(
        r#"  (data (i32.const 64) "{path}")
  (func (export "_start")
    (local $fd i32) (local $errno i32)
    (local.set $errno (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const {len})
      (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 200)))
    (if (local.get $errno) (then (call $print_i32 (local.get $errno)) (return)))
    (local.set $fd (i32.load (i32.const 200)))
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 1000))
    (drop (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $print (i32.const 1024) (i32.load (i32.const 8))))"#,
        path = wat_string(path),
        len = path.len()
    ))
}

#[test]
fn workspace_files_can_be_read_by_relative_paths() {
    for path in ["data.txt", "./data.txt", "/data.txt", "lib/../data.txt"] {
        let outcome = run(&request(cat(path).as_str())
            .with_file("data.txt", "from the workspace\n")
            .with_file("lib/util.txt", "util\n"));
        assert_eq!(outcome.stdout, "from the workspace\n", "{path}");
        assert!(outcome.files_written.is_empty(), "reading changes nothing");
    }
    let outcome = run(&request(cat("lib/util.txt").as_str()).with_file("lib/util.txt", "util\n"));
    assert_eq!(outcome.stdout, "util\n");
}

/// `open(path_ptr, path_len, oflags, dirfd) -> errno`, with paths in memory at fixed places.
fn opener() -> String {
    program(
        r#"  (data (i32.const 300) "missing.txt")
  (data (i32.const 320) "data.txt")
  (data (i32.const 340) "lib")
  (data (i32.const 360) "data.txt/x")
  (data (i32.const 380) "../escape")
  (data (i32.const 400) "nodir/new.txt")
  (func (export "open") (param $path i32) (param $len i32) (param $oflags i32) (param $dir i32)
    (result i32)
    (call $path_open (local.get $dir) (i32.const 0) (local.get $path) (local.get $len)
      (local.get $oflags) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 200)))"#,
    )
}

fn open_errno(path: (u32, u32), oflags: u32, dir: u32) -> String {
    let args = [path.0, path.1, oflags, dir]
        .iter()
        .map(u32::to_string)
        .collect();
    let request = request(opener().as_str())
        .with_file("data.txt", "data")
        .with_file("lib/util.txt", "util")
        .with_entry("open", args);
    let outcome = run(&request);
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    outcome.stdout.trim_end().to_owned()
}

#[test]
fn path_open_reports_posix_errnos() {
    const CREAT: u32 = 1;
    const DIRECTORY: u32 = 2;
    const EXCL: u32 = 4;
    const TRUNC: u32 = 8;
    let missing = (300, 11);
    let data = (320, 8);
    let lib = (340, 3);
    let under_file = (360, 10);
    let escape = (380, 9);
    let no_dir = (400, 13);
    assert_eq!(open_errno(missing, 0, 3), "44", "ENOENT");
    assert_eq!(open_errno(data, 0, 3), "0");
    assert_eq!(open_errno(data, CREAT | EXCL, 3), "20", "EEXIST");
    assert_eq!(open_errno(lib, 0, 3), "0", "directories open");
    assert_eq!(open_errno(lib, CREAT | EXCL, 3), "20", "EEXIST");
    assert_eq!(open_errno(lib, TRUNC, 3), "31", "EISDIR");
    assert_eq!(open_errno(data, DIRECTORY, 3), "54", "ENOTDIR");
    assert_eq!(open_errno(under_file, 0, 3), "54", "ENOTDIR");
    assert_eq!(
        open_errno(no_dir, CREAT, 3),
        "44",
        "ENOENT for a missing parent"
    );
    assert_eq!(open_errno(escape, 0, 3), "76", "ENOTCAPABLE");
    assert_eq!(open_errno(data, 0, 9), "8", "EBADF");
    assert_eq!(
        open_errno(data, 0, 1),
        "54",
        "ENOTDIR: stdout is no directory"
    );
    assert_eq!(open_errno((65530, 20), 0, 3), "21", "EFAULT");
}

#[test]
fn seek_append_and_truncate() {
    // Opens log.txt (existing "12345") for append, writes "67", seeks to 1 from the start and
    // reads 3 bytes; then truncates notes.txt and writes into it after a seek past the end.
    let wat = program(
        r#"  (data (i32.const 64) "log.txt")
  (data (i32.const 72) "67")
  (data (i32.const 80) "notes.txt")
  (func (export "_start")
    (local $fd i32)
    (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 7)
      (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 1) (i32.const 200)))
    (local.set $fd (i32.load (i32.const 200)))
    (drop (call $write (local.get $fd) (i32.const 72) (i32.const 2)))
    (drop (call $fd_seek (local.get $fd) (i64.const 1) (i32.const 0) (i32.const 208)))
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 3))
    (drop (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $print (i32.const 1024) (i32.load (i32.const 8)))
    (call $newline)
    ;; seeking before the start: EINVAL
    (call $print_i32 (call $fd_seek (local.get $fd) (i64.const -10) (i32.const 1) (i32.const 208)))
    (call $newline)
    ;; stdout cannot seek: ESPIPE
    (call $print_i32 (call $fd_seek (i32.const 1) (i64.const 0) (i32.const 0) (i32.const 208)))
    (call $newline)
    ;; O_TRUNC, then write "67" at offset 2 (the gap fills with zeros)
    (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 80) (i32.const 9)
      (i32.const 8) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 200)))
    (local.set $fd (i32.load (i32.const 200)))
    (drop (call $fd_seek (local.get $fd) (i64.const 2) (i32.const 0) (i32.const 208)))
    (drop (call $write (local.get $fd) (i32.const 72) (i32.const 2))))"#,
    );
    let outcome = run(&request(wat.as_str())
        .with_file("log.txt", "12345")
        .with_file("notes.txt", "old notes"));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout, "234\n28\n70\n");
    assert_eq!(
        outcome.files_written,
        [
            WorkspaceFile::new("log.txt", "1234567"),
            WorkspaceFile::new("notes.txt", "\0\x0067")
        ]
    );
}

#[test]
fn preopened_directory_is_described() {
    let wat = program_with_imports(
        r#"  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fdstat (param i32 i32) (result i32)))"#,
        r#"  (func (export "_start")
    (call $print_i32 (call $prestat (i32.const 3) (i32.const 200)))
    (call $print_i32 (i32.load8_u (i32.const 200)))
    (call $print_i32 (i32.load (i32.const 204)))
    (call $print_i32 (call $name (i32.const 3) (i32.const 1024) (i32.const 1)))
    (call $print (i32.const 1024) (i32.const 1))
    (call $newline)
    ;; no more preopens: EBADF
    (call $print_i32 (call $prestat (i32.const 4) (i32.const 200)))
    (call $newline)
    ;; filetypes: stdout is a character device (2), fd 3 a directory (3)
    (drop (call $fdstat (i32.const 1) (i32.const 200)))
    (call $print_i32 (i32.load8_u (i32.const 200)))
    (drop (call $fdstat (i32.const 3) (i32.const 200)))
    (call $print_i32 (i32.load8_u (i32.const 200))))"#,
    );
    let outcome = run(&request(wat.as_str()));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout, "0010/\n8\n23");
}

#[test]
fn file_sizes_through_filestat() {
    let wat = program_with_imports(
        r#"  (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))"#,
        r#"  (data (i32.const 64) "data.txt")
  (data (i32.const 80) "nope")
  (func (export "_start")
    (call $print_i32 (call $stat (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 8) (i32.const 200)))
    (call $newline)
    ;; filetype 4: regular file, then the size
    (call $print_i32 (i32.load8_u (i32.const 216)))
    (call $newline)
    (call $print_i32 (i32.wrap_i64 (i64.load (i32.const 232))))
    (call $newline)
    (call $print_i32 (call $stat (i32.const 3) (i32.const 0) (i32.const 80) (i32.const 4) (i32.const 200))))"#,
    );
    let outcome = run(&request(wat.as_str()).with_file("data.txt", "twelve bytes"));
    assert_eq!(outcome.stdout, "0\n4\n12\n44");
}

#[test]
fn bad_guest_pointers_are_efault_not_panics() {
    let wat = program(
        r#"  (func (export "bad_iovec") (result i32)
    (call $fd_write (i32.const 1) (i32.const 65535) (i32.const 1) (i32.const 8)))
  (func (export "bad_buffer") (result i32)
    (i32.store (i32.const 0) (i32.const 65000))
    (i32.store (i32.const 4) (i32.const 1000))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "huge_count") (result i32)
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const -1) (i32.const 8)))"#,
    );
    for export in ["bad_iovec", "bad_buffer", "huge_count"] {
        let outcome = run(&request(wat.as_str()).with_entry(export, vec![]));
        assert_eq!(outcome.status, Status::Ok, "{export}: {outcome:?}");
        assert_eq!(outcome.stdout, "21\n", "{export}");
    }
}
