//! The virtual files a run sees through WASI: the request's workspace files under one preopened
//! directory, and the table of open file descriptors.

use std::collections::{BTreeMap, BTreeSet};

use kiln_core::WorkspaceFile;

use crate::wasi::errno::{self, Errno};

/// The largest file a program may write, whatever the limits (a seek far past the end followed
/// by a write would otherwise ask the host for that much memory).
const MAX_FILE_BYTES: u64 = 1 << 30;

/// A file's contents and whether the program changed it.
#[derive(Debug)]
struct VFile {
    data: Vec<u8>,
    written: bool,
    inode: u64,
}

/// What a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Dir,
    File,
}

/// Files by normalised path (`lib/util.py`); the root directory is the empty path.
#[derive(Debug)]
pub(crate) struct Vfs {
    files: BTreeMap<String, VFile>,
    dirs: BTreeSet<String>,
    /// Bytes all files may hold together (the run's memory limit): writes beyond fail with
    /// `ENOSPC` rather than growing the host's memory without bound.
    capacity: Option<u64>,
    stored: u64,
    next_inode: u64,
}

impl Vfs {
    pub(crate) fn new(files: &[WorkspaceFile], capacity: Option<u64>) -> Self {
        let mut vfs = Vfs {
            files: BTreeMap::new(),
            dirs: BTreeSet::from([String::new()]),
            capacity,
            stored: 0,
            next_inode: 1,
        };
        for file in files {
            let Ok(parts) = normalize(&[], &file.path) else {
                continue;
            };
            if parts.is_empty() {
                continue;
            }
            for depth in 1..parts.len() {
                vfs.dirs.insert(parts[..depth].join("/"));
            }
            let path = parts.join("/");
            if vfs.dirs.contains(&path) {
                continue;
            }
            vfs.stored += file.contents.len() as u64;
            let inode = vfs.take_inode();
            vfs.files.insert(
                path,
                VFile {
                    data: file.contents.clone(),
                    written: false,
                    inode,
                },
            );
        }
        vfs
    }

    fn take_inode(&mut self) -> u64 {
        self.next_inode += 1;
        self.next_inode
    }

    pub(crate) fn kind(&self, path: &str) -> Option<Kind> {
        if self.dirs.contains(path) {
            Some(Kind::Dir)
        } else if self.files.contains_key(path) {
            Some(Kind::File)
        } else {
            None
        }
    }

    /// Checks that every directory on the way to `path` exists.
    pub(crate) fn check_parents(&self, path: &str) -> Result<(), Errno> {
        let mut end = 0;
        while let Some(slash) = path[end..].find('/') {
            let parent = &path[..end + slash];
            match self.kind(parent) {
                Some(Kind::Dir) => {}
                Some(Kind::File) => return Err(errno::NOTDIR),
                None => return Err(errno::NOENT),
            }
            end += slash + 1;
        }
        Ok(())
    }

    pub(crate) fn create(&mut self, path: &str) {
        let inode = self.take_inode();
        self.files.insert(
            path.to_owned(),
            VFile {
                data: Vec::new(),
                written: true,
                inode,
            },
        );
    }

    pub(crate) fn truncate(&mut self, path: &str) {
        if let Some(file) = self.files.get_mut(path) {
            self.stored -= file.data.len() as u64;
            file.data.clear();
            file.written = true;
        }
    }

    pub(crate) fn size(&self, path: &str) -> u64 {
        self.files
            .get(path)
            .map_or(0, |file| file.data.len() as u64)
    }

    pub(crate) fn inode(&self, path: &str) -> u64 {
        self.files.get(path).map_or(1, |file| file.inode)
    }

    /// Copies from `offset` into `out`; returns how many bytes were read.
    pub(crate) fn read_at(&self, path: &str, offset: u64, out: &mut [u8]) -> usize {
        let Some(file) = self.files.get(path) else {
            return 0;
        };
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(file.data.len());
        let count = out.len().min(file.data.len() - start);
        out[..count].copy_from_slice(&file.data[start..start + count]);
        count
    }

    /// Writes `bytes` at `offset`, filling any gap with zeros.
    pub(crate) fn write_at(&mut self, path: &str, offset: u64, bytes: &[u8]) -> Result<(), Errno> {
        let Some(file) = self.files.get_mut(path) else {
            return Err(errno::BADF);
        };
        let end = offset.checked_add(bytes.len() as u64).ok_or(errno::FBIG)?;
        let old_len = file.data.len() as u64;
        let growth = end.saturating_sub(old_len);
        if let Some(capacity) = self.capacity
            && self.stored.saturating_add(growth) > capacity
        {
            return Err(errno::NOSPC);
        }
        if end > MAX_FILE_BYTES {
            return Err(errno::FBIG);
        }
        let (Ok(start), Ok(end)) = (usize::try_from(offset), usize::try_from(end)) else {
            return Err(errno::FBIG);
        };
        if end > file.data.len() {
            // Reserve first: running out of host memory must be an errno, not an abort.
            file.data
                .try_reserve(end - file.data.len())
                .map_err(|_| errno::NOSPC)?;
            file.data.resize(end, 0);
        }
        file.data[start..end].copy_from_slice(bytes);
        file.written = true;
        self.stored += growth;
        Ok(())
    }

    /// The files the program created or changed, with their final contents.
    pub(crate) fn into_written(self) -> Vec<WorkspaceFile> {
        self.files
            .into_iter()
            .filter(|(_, file)| file.written)
            .map(|(path, file)| WorkspaceFile::new(path, file.data))
            .collect()
    }
}

/// Resolves `path` against the directory `base` (already normalised, as components).
///
/// `.` and empty components are skipped and `..` goes up; going above the preopened root is
/// refused with `ENOTCAPABLE`, as WASI hosts do. Leading slashes are tolerated (relative anyway).
pub(crate) fn normalize(base: &[&str], path: &str) -> Result<Vec<String>, Errno> {
    if path.contains('\0') {
        return Err(errno::INVAL);
    }
    let mut parts: Vec<String> = base.iter().map(|part| (*part).to_owned()).collect();
    for component in path.split('/') {
        match component {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(errno::NOTCAPABLE);
                }
            }
            name => parts.push(name.to_owned()),
        }
    }
    Ok(parts)
}

/// An open file descriptor.
#[derive(Debug, Clone)]
pub(crate) enum Handle {
    Stdin,
    Stdout,
    Stderr,
    /// A directory; `preopen` marks the root handed to the program at start.
    Dir {
        path: String,
        preopen: bool,
    },
    File {
        path: String,
        position: u64,
        append: bool,
    },
}

/// File descriptors 0–2 are the standard streams and 3 the preopened root directory.
#[derive(Debug)]
pub(crate) struct FdTable {
    slots: Vec<Option<Handle>>,
}

/// The preopened directory's descriptor and name.
pub(crate) const PREOPEN_FD: u32 = 3;
pub(crate) const PREOPEN_NAME: &str = "/";

impl FdTable {
    pub(crate) fn new() -> Self {
        FdTable {
            slots: vec![
                Some(Handle::Stdin),
                Some(Handle::Stdout),
                Some(Handle::Stderr),
                Some(Handle::Dir {
                    path: String::new(),
                    preopen: true,
                }),
            ],
        }
    }

    pub(crate) fn get(&self, fd: u32) -> Result<&Handle, Errno> {
        self.slots
            .get(fd as usize)
            .and_then(Option::as_ref)
            .ok_or(errno::BADF)
    }

    pub(crate) fn get_mut(&mut self, fd: u32) -> Result<&mut Handle, Errno> {
        self.slots
            .get_mut(fd as usize)
            .and_then(Option::as_mut)
            .ok_or(errno::BADF)
    }

    /// Opens `handle` at the lowest free descriptor.
    pub(crate) fn insert(&mut self, handle: Handle) -> Result<u32, Errno> {
        let index = match self.slots.iter().position(Option::is_none) {
            Some(index) => {
                self.slots[index] = Some(handle);
                index
            }
            None => {
                self.slots.push(Some(handle));
                self.slots.len() - 1
            }
        };
        u32::try_from(index).map_err(|_| errno::MFILE)
    }

    pub(crate) fn close(&mut self, fd: u32) -> Result<(), Errno> {
        let slot = self.slots.get_mut(fd as usize).ok_or(errno::BADF)?;
        slot.take().map(|_| ()).ok_or(errno::BADF)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(normalize(&[], "./a//b/../c").unwrap(), ["a", "c"]);
        assert_eq!(normalize(&["d"], "x").unwrap(), ["d", "x"]);
        assert_eq!(normalize(&[], "/abs").unwrap(), ["abs"]);
        assert_eq!(normalize(&[], ".").unwrap(), Vec::<String>::new());
        assert_eq!(normalize(&[], ".."), Err(errno::NOTCAPABLE));
    }

    #[test]
    fn directories_come_from_file_paths() {
        let vfs = Vfs::new(&[WorkspaceFile::new("lib/deep/a.txt", "x")], None);
        assert_eq!(vfs.kind(""), Some(Kind::Dir));
        assert_eq!(vfs.kind("lib"), Some(Kind::Dir));
        assert_eq!(vfs.kind("lib/deep"), Some(Kind::Dir));
        assert_eq!(vfs.kind("lib/deep/a.txt"), Some(Kind::File));
        assert_eq!(vfs.check_parents("lib/deep/new.txt"), Ok(()));
        assert_eq!(vfs.check_parents("nope/new.txt"), Err(errno::NOENT));
        assert_eq!(vfs.check_parents("lib/deep/a.txt/x"), Err(errno::NOTDIR));
    }

    #[test]
    fn writes_respect_the_capacity() {
        let mut vfs = Vfs::new(&[WorkspaceFile::new("a", "1234")], Some(10));
        assert_eq!(vfs.write_at("a", 4, b"567890"), Ok(()));
        assert_eq!(vfs.write_at("a", 10, b"x"), Err(errno::NOSPC));
        assert_eq!(vfs.write_at("a", 0, b"ab"), Ok(()));
        let mut unlimited = Vfs::new(&[WorkspaceFile::new("b", "")], None);
        assert_eq!(
            unlimited.write_at("b", MAX_FILE_BYTES, b"x"),
            Err(errno::FBIG)
        );
        assert_eq!(unlimited.write_at("b", u64::MAX, b"x"), Err(errno::FBIG));
        let written = vfs.into_written();
        assert_eq!(written, [WorkspaceFile::new("a", "ab34567890")]);
    }
}
