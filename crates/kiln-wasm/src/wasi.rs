//! The WASI preview1 subset Kiln provides, written over [`Vfs`], the request's stdin and an
//! [`OutputCapture`].
//!
//! Every function returns a WASI errno for problems the program can handle (a missing file, a bad
//! pointer: `EFAULT`) and a host error ([`HostStop`]) only to end the run: `proc_exit`, a limit,
//! a cancel. Guest pointers are checked before every access, so nothing here can panic on them.

use std::fmt;
use std::sync::Arc;

use kiln_core::{LimitKind, OutputCapture, RunRequest, SharedClock, StopSignal, Stream};
use wasmi::errors::HostError;
use wasmi::{Caller, Extern, IntoFunc, Linker, StoreLimits, StoreLimitsBuilder};

use crate::imports::WASI;
use crate::vfs::{FdTable, Handle, Kind, PREOPEN_FD, PREOPEN_NAME, Vfs, normalize};

/// WASI preview1 error numbers (the subset Kiln returns).
pub(crate) mod errno {
    /// A WASI errno.
    pub(crate) type Errno = u16;

    pub(crate) const BADF: Errno = 8;
    pub(crate) const EXIST: Errno = 20;
    pub(crate) const FAULT: Errno = 21;
    pub(crate) const FBIG: Errno = 22;
    pub(crate) const ILSEQ: Errno = 25;
    pub(crate) const INVAL: Errno = 28;
    pub(crate) const ISDIR: Errno = 31;
    pub(crate) const MFILE: Errno = 33;
    pub(crate) const NAMETOOLONG: Errno = 37;
    pub(crate) const NOENT: Errno = 44;
    pub(crate) const NOSPC: Errno = 51;
    pub(crate) const NOTDIR: Errno = 54;
    pub(crate) const SPIPE: Errno = 70;
    pub(crate) const NOTCAPABLE: Errno = 76;
}

use errno::Errno;

mod filetype {
    pub(super) const CHARACTER_DEVICE: u8 = 2;
    pub(super) const DIRECTORY: u8 = 3;
    pub(super) const REGULAR_FILE: u8 = 4;
}

const OFLAGS_CREAT: i32 = 1;
const OFLAGS_DIRECTORY: i32 = 2;
const OFLAGS_EXCL: i32 = 4;
const OFLAGS_TRUNC: i32 = 8;
const FDFLAGS_APPEND: i32 = 1;
const RIGHT_FD_SEEK: u64 = 1 << 2;
const RIGHT_FD_TELL: u64 = 1 << 5;
const RIGHT_FD_WRITE: u64 = 1 << 6;
/// Every right preview1 defines; rights are reported but not enforced.
const RIGHTS_ALL: u64 = (1 << 30) - 1;
/// Standard streams cannot seek: wasi-libc's `isatty` looks for exactly that.
const RIGHTS_STDIO: u64 = RIGHTS_ALL & !RIGHT_FD_SEEK & !RIGHT_FD_TELL;

/// Why a host function ends the run instead of returning an errno.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostStop {
    /// `proc_exit(code)`.
    Exit(i32),
    /// A limit was reached (output size, or the host's time limit seen through the stop signal).
    Limit(LimitKind),
    /// The host cancelled the run.
    Cancelled,
    /// The module cannot be served (no exported memory).
    Fatal(String),
}

impl fmt::Display for HostStop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostStop::Exit(code) => write!(f, "exit with code {code}"),
            HostStop::Limit(limit) => f.write_str(limit.explain()),
            HostStop::Cancelled => f.write_str("cancelled"),
            HostStop::Fatal(message) => f.write_str(message),
        }
    }
}

impl HostError for HostStop {}

/// A WASI call's failure: an errno for the program, or the end of the run.
enum Fail {
    Errno(Errno),
    Stop(HostStop),
}

impl From<Errno> for Fail {
    fn from(errno: Errno) -> Self {
        Fail::Errno(errno)
    }
}

impl From<HostStop> for Fail {
    fn from(stop: HostStop) -> Self {
        Fail::Stop(stop)
    }
}

/// The state of one run that WASI functions work on; wasmi's store data.
pub(crate) struct Host {
    fds: FdTable,
    vfs: Vfs,
    stdin: Vec<u8>,
    stdin_position: usize,
    args: Vec<String>,
    capture: Arc<OutputCapture>,
    decoders: [Utf8Decoder; 2],
    clock: SharedClock,
    stop: StopSignal,
    random: SplitMix64,
    /// wasmi's resource limiter for this store.
    pub(crate) limits: StoreLimits,
}

/// Tables are capped at this many elements; real programs use a few thousand at most.
const TABLE_ELEMENTS_CAP: usize = 10_000_000;
/// A table element's size in wasmi, roughly: tables count against the memory limit at this rate.
const TABLE_ELEMENT_BYTES: u64 = 8;

impl Host {
    pub(crate) fn new(
        request: &RunRequest,
        capture: Arc<OutputCapture>,
        clock: SharedClock,
        stop: StopSignal,
    ) -> Self {
        let memory_cap = request.limits.memory_bytes;
        let table_cap = memory_cap.map_or(TABLE_ELEMENTS_CAP, |bytes| {
            usize::try_from(bytes / TABLE_ELEMENT_BYTES)
                .unwrap_or(usize::MAX)
                .min(TABLE_ELEMENTS_CAP)
        });
        let mut limits = StoreLimitsBuilder::new()
            .table_elements(table_cap)
            .instances(1)
            .memories(16)
            .tables(16);
        if let Some(bytes) = memory_cap {
            limits = limits.memory_size(usize::try_from(bytes).unwrap_or(usize::MAX));
        }
        let seed = clock.wall_time_ns() ^ clock.monotonic_ns().rotate_left(32);
        Host {
            fds: FdTable::new(),
            vfs: Vfs::new(&request.files, request.limits.memory_bytes),
            stdin: request.stdin.clone(),
            stdin_position: 0,
            args: vec![request.display_name().to_owned()],
            capture,
            decoders: [Utf8Decoder::default(), Utf8Decoder::default()],
            clock,
            stop,
            random: SplitMix64(seed),
            limits: limits.build(),
        }
    }

    /// Writes out any incomplete UTF-8 left at the end of the streams and returns the files the
    /// program wrote.
    pub(crate) fn finish(mut self) -> Vec<kiln_core::WorkspaceFile> {
        for (index, stream) in [Stream::Stdout, Stream::Stderr].into_iter().enumerate() {
            let rest = self.decoders[index].finish();
            // The run is over: an output limit reached here changes nothing.
            let _ = self.capture.write(stream, &rest);
        }
        self.vfs.into_written()
    }

    /// The stop the host asked for, if any.
    pub(crate) fn stop_requested(&self) -> Option<HostStop> {
        if !self.stop.is_raised() {
            return None;
        }
        Some(match self.stop.limit() {
            Some(limit) => HostStop::Limit(limit),
            None => HostStop::Cancelled,
        })
    }

    fn emit(&mut self, stream: Stream, bytes: &[u8]) -> Result<(), Fail> {
        let index = usize::from(stream == Stream::Stderr);
        // Bounded chunks: a huge buffer is decoded and forwarded piece by piece, so the output
        // limit stops it before the host holds a copy of all of it.
        for chunk in bytes.chunks(64 * 1024) {
            let text = self.decoders[index].decode(chunk);
            self.capture.write(stream, &text).map_err(HostStop::Limit)?;
        }
        Ok(())
    }

    fn resolve(&self, dir_fd: u32, mem: &Mem<'_>, path: u32, len: u32) -> Result<String, Errno> {
        let base = match self.fds.get(dir_fd)? {
            Handle::Dir { path, .. } => path.clone(),
            _ => return Err(errno::NOTDIR),
        };
        let text = std::str::from_utf8(mem.slice(path, len)?).map_err(|_| errno::ILSEQ)?;
        if text.is_empty() {
            return Err(errno::NOENT);
        }
        let base: Vec<&str> = base.split('/').filter(|part| !part.is_empty()).collect();
        Ok(normalize(&base, text)?.join("/"))
    }

    fn args_sizes_get(&self, mem: &mut Mem<'_>, count: u32, size: u32) -> Result<(), Fail> {
        let bytes: usize = self.args.iter().map(|arg| arg.len() + 1).sum();
        mem.write_u32(count, len_u32(self.args.len())?)?;
        mem.write_u32(size, len_u32(bytes)?)?;
        Ok(())
    }

    fn args_get(&self, mem: &mut Mem<'_>, argv: u32, buffer: u32) -> Result<(), Fail> {
        let mut offset = buffer;
        for (index, arg) in self.args.iter().enumerate() {
            let slot = argv.checked_add(len_u32(index * 4)?).ok_or(errno::FAULT)?;
            mem.write_u32(slot, offset)?;
            mem.write_bytes(offset, arg.as_bytes())?;
            let end = offset
                .checked_add(len_u32(arg.len())?)
                .ok_or(errno::FAULT)?;
            mem.write_bytes(end, &[0])?;
            offset = end.checked_add(1).ok_or(errno::FAULT)?;
        }
        Ok(())
    }

    fn clock_time_get(&self, mem: &mut Mem<'_>, id: i32, out: u32) -> Result<(), Fail> {
        let now = match id {
            0 => self.clock.wall_time_ns(),
            // Monotonic; the CPU-time clocks of a single-threaded run are close to it.
            1..=3 => self.clock.monotonic_ns(),
            _ => return Err(errno::INVAL.into()),
        };
        mem.write_u64(out, now)?;
        Ok(())
    }

    fn fd_write(
        &mut self,
        mem: &mut Mem<'_>,
        fd: u32,
        iovs: u32,
        count: u32,
        written: u32,
    ) -> Result<(), Fail> {
        let handle = self.fds.get(fd)?.clone();
        let mut total: u32 = 0;
        let mut file_position = None;
        for index in 0..count {
            let (buffer, len) = mem.iovec(iovs, index)?;
            let bytes = mem.slice(buffer, len)?;
            match &handle {
                Handle::Stdout => self.emit(Stream::Stdout, bytes)?,
                Handle::Stderr => self.emit(Stream::Stderr, bytes)?,
                Handle::File {
                    path,
                    position,
                    append,
                } => {
                    let at = match (file_position, append) {
                        (_, true) => self.vfs.size(path),
                        (Some(at), false) => at,
                        (None, false) => *position,
                    };
                    self.vfs.write_at(path, at, bytes)?;
                    file_position = Some(at + u64::from(len));
                }
                Handle::Stdin | Handle::Dir { .. } => return Err(errno::BADF.into()),
            }
            total = total.checked_add(len).ok_or(errno::INVAL)?;
        }
        if let (Some(end), Ok(Handle::File { position, .. })) =
            (file_position, self.fds.get_mut(fd))
        {
            *position = end;
        }
        mem.write_u32(written, total)?;
        Ok(())
    }

    fn fd_read(
        &mut self,
        mem: &mut Mem<'_>,
        fd: u32,
        iovs: u32,
        count: u32,
        read: u32,
    ) -> Result<(), Fail> {
        let handle = self.fds.get(fd)?.clone();
        let mut total: u32 = 0;
        for index in 0..count {
            let (buffer, len) = mem.iovec(iovs, index)?;
            let out = mem.slice_mut(buffer, len)?;
            let got = match &handle {
                Handle::Stdin => {
                    let rest = &self.stdin[self.stdin_position..];
                    let got = rest.len().min(out.len());
                    out[..got].copy_from_slice(&rest[..got]);
                    self.stdin_position += got;
                    got
                }
                Handle::File { path, .. } => {
                    let Ok(Handle::File { position, .. }) = self.fds.get_mut(fd) else {
                        return Err(errno::BADF.into());
                    };
                    let got = self.vfs.read_at(path, *position, out);
                    *position += got as u64;
                    got
                }
                Handle::Stdout | Handle::Stderr => return Err(errno::BADF.into()),
                Handle::Dir { .. } => return Err(errno::ISDIR.into()),
            };
            total = total.checked_add(len_u32(got)?).ok_or(errno::INVAL)?;
            if got < out.len() {
                break;
            }
        }
        mem.write_u32(read, total)?;
        Ok(())
    }

    fn fd_seek(
        &mut self,
        mem: &mut Mem<'_>,
        fd: u32,
        offset: i64,
        whence: i32,
        out: u32,
    ) -> Result<(), Fail> {
        let (path, position) = match self.fds.get(fd)? {
            Handle::File { path, position, .. } => (path.clone(), *position),
            Handle::Stdin | Handle::Stdout | Handle::Stderr => return Err(errno::SPIPE.into()),
            Handle::Dir { .. } => return Err(errno::BADF.into()),
        };
        let base = match whence {
            0 => 0,
            1 => position,
            2 => self.vfs.size(&path),
            _ => return Err(errno::INVAL.into()),
        };
        let target = i128::from(base) + i128::from(offset);
        let target = u64::try_from(target).map_err(|_| errno::INVAL)?;
        mem.check(out, 8)?;
        if let Handle::File { position, .. } = self.fds.get_mut(fd)? {
            *position = target;
        }
        mem.write_u64(out, target)?;
        Ok(())
    }

    fn fd_tell(&self, mem: &mut Mem<'_>, fd: u32, out: u32) -> Result<(), Fail> {
        match self.fds.get(fd)? {
            Handle::File { position, .. } => mem.write_u64(out, *position)?,
            Handle::Stdin | Handle::Stdout | Handle::Stderr => return Err(errno::SPIPE.into()),
            Handle::Dir { .. } => return Err(errno::BADF.into()),
        }
        Ok(())
    }

    fn fd_fdstat_get(&self, mem: &mut Mem<'_>, fd: u32, out: u32) -> Result<(), Fail> {
        let (filetype, flags, base, inheriting) = match self.fds.get(fd)? {
            Handle::Stdin | Handle::Stdout | Handle::Stderr => {
                (filetype::CHARACTER_DEVICE, 0, RIGHTS_STDIO, 0)
            }
            Handle::Dir { .. } => (filetype::DIRECTORY, 0, RIGHTS_ALL, RIGHTS_ALL),
            Handle::File { append, .. } => {
                (filetype::REGULAR_FILE, u16::from(*append), RIGHTS_ALL, 0)
            }
        };
        let mut stat = [0u8; 24];
        stat[0] = filetype;
        stat[2..4].copy_from_slice(&flags.to_le_bytes());
        stat[8..16].copy_from_slice(&base.to_le_bytes());
        stat[16..24].copy_from_slice(&inheriting.to_le_bytes());
        mem.write_bytes(out, &stat)?;
        Ok(())
    }

    fn fd_fdstat_set_flags(&mut self, fd: u32, flags: i32) -> Result<(), Fail> {
        if let Handle::File { append, .. } = self.fds.get_mut(fd)? {
            *append = flags & FDFLAGS_APPEND != 0;
        }
        Ok(())
    }

    fn filestat(&self, handle_path: Option<&str>, kind: u8) -> [u8; 64] {
        let (inode, size) = match handle_path {
            Some(path) if kind == filetype::REGULAR_FILE => {
                (self.vfs.inode(path), self.vfs.size(path))
            }
            _ => (1, 0),
        };
        let mut stat = [0u8; 64];
        stat[8..16].copy_from_slice(&inode.to_le_bytes());
        stat[16] = kind;
        stat[24..32].copy_from_slice(&1u64.to_le_bytes());
        stat[32..40].copy_from_slice(&size.to_le_bytes());
        stat
    }

    fn fd_filestat_get(&self, mem: &mut Mem<'_>, fd: u32, out: u32) -> Result<(), Fail> {
        let stat = match self.fds.get(fd)? {
            Handle::Stdin | Handle::Stdout | Handle::Stderr => {
                self.filestat(None, filetype::CHARACTER_DEVICE)
            }
            Handle::Dir { .. } => self.filestat(None, filetype::DIRECTORY),
            Handle::File { path, .. } => self.filestat(Some(path), filetype::REGULAR_FILE),
        };
        mem.write_bytes(out, &stat)?;
        Ok(())
    }

    fn is_preopen(&self, fd: u32) -> Result<(), Errno> {
        match self.fds.get(fd)? {
            Handle::Dir { preopen: true, .. } if fd == PREOPEN_FD => Ok(()),
            _ => Err(errno::BADF),
        }
    }

    fn fd_prestat_get(&self, mem: &mut Mem<'_>, fd: u32, out: u32) -> Result<(), Fail> {
        self.is_preopen(fd)?;
        let mut prestat = [0u8; 8];
        // Tag 0: a directory, followed by the length of its name.
        prestat[4..8].copy_from_slice(&len_u32(PREOPEN_NAME.len())?.to_le_bytes());
        mem.write_bytes(out, &prestat)?;
        Ok(())
    }

    fn fd_prestat_dir_name(
        &self,
        mem: &mut Mem<'_>,
        fd: u32,
        out: u32,
        len: u32,
    ) -> Result<(), Fail> {
        self.is_preopen(fd)?;
        if (len as usize) < PREOPEN_NAME.len() {
            return Err(errno::NAMETOOLONG.into());
        }
        mem.write_bytes(out, PREOPEN_NAME.as_bytes())?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)] // the WASI signature
    fn path_open(
        &mut self,
        mem: &mut Mem<'_>,
        dir_fd: u32,
        path: u32,
        path_len: u32,
        oflags: i32,
        rights: u64,
        fdflags: i32,
        out: u32,
    ) -> Result<(), Fail> {
        let target = self.resolve(dir_fd, mem, path, path_len)?;
        let trailing_slash = mem.slice(path, path_len)?.ends_with(b"/");
        mem.check(out, 4)?;
        let create = oflags & OFLAGS_CREAT != 0;
        let exclusive = create && oflags & OFLAGS_EXCL != 0;
        let directory = oflags & OFLAGS_DIRECTORY != 0;
        let truncate = oflags & OFLAGS_TRUNC != 0;
        let handle = match self.vfs.kind(&target) {
            Some(_) if exclusive => return Err(errno::EXIST.into()),
            Some(Kind::Dir) => {
                if truncate || (create && !directory) || rights & RIGHT_FD_WRITE != 0 {
                    return Err(errno::ISDIR.into());
                }
                Handle::Dir {
                    path: target,
                    preopen: false,
                }
            }
            Some(Kind::File) => {
                if directory || trailing_slash {
                    return Err(errno::NOTDIR.into());
                }
                if truncate {
                    self.vfs.truncate(&target);
                }
                Handle::File {
                    path: target,
                    position: 0,
                    append: fdflags & FDFLAGS_APPEND != 0,
                }
            }
            None => {
                self.vfs.check_parents(&target)?;
                if !create {
                    return Err(errno::NOENT.into());
                }
                if directory {
                    return Err(errno::INVAL.into());
                }
                if trailing_slash {
                    return Err(errno::ISDIR.into());
                }
                self.vfs.create(&target);
                Handle::File {
                    path: target,
                    position: 0,
                    append: fdflags & FDFLAGS_APPEND != 0,
                }
            }
        };
        let fd = self.fds.insert(handle)?;
        mem.write_u32(out, fd)?;
        Ok(())
    }

    fn path_filestat_get(
        &self,
        mem: &mut Mem<'_>,
        dir_fd: u32,
        path: u32,
        path_len: u32,
        out: u32,
    ) -> Result<(), Fail> {
        let target = self.resolve(dir_fd, mem, path, path_len)?;
        let trailing_slash = mem.slice(path, path_len)?.ends_with(b"/");
        let stat = match self.vfs.kind(&target) {
            Some(Kind::Dir) => self.filestat(None, filetype::DIRECTORY),
            Some(Kind::File) if trailing_slash => return Err(errno::NOTDIR.into()),
            Some(Kind::File) => self.filestat(Some(&target), filetype::REGULAR_FILE),
            None => {
                self.vfs.check_parents(&target)?;
                return Err(errno::NOENT.into());
            }
        };
        mem.write_bytes(out, &stat)?;
        Ok(())
    }

    fn random_get(&mut self, mem: &mut Mem<'_>, buffer: u32, len: u32) -> Result<(), Fail> {
        let out = mem.slice_mut(buffer, len)?;
        for chunk in out.chunks_mut(8) {
            let bytes = self.random.next().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

fn len_u32(len: usize) -> Result<u32, Errno> {
    u32::try_from(len).map_err(|_| errno::FAULT)
}

/// The guest's linear memory, with bounds-checked access by guest pointer.
struct Mem<'a>(&'a mut [u8]);

impl Mem<'_> {
    fn range(&self, ptr: u32, len: u32) -> Result<std::ops::Range<usize>, Errno> {
        let start = usize::try_from(ptr).map_err(|_| errno::FAULT)?;
        let len = usize::try_from(len).map_err(|_| errno::FAULT)?;
        let end = start.checked_add(len).ok_or(errno::FAULT)?;
        if end > self.0.len() {
            return Err(errno::FAULT);
        }
        Ok(start..end)
    }

    fn check(&self, ptr: u32, len: u32) -> Result<(), Errno> {
        self.range(ptr, len).map(|_| ())
    }

    fn slice(&self, ptr: u32, len: u32) -> Result<&[u8], Errno> {
        let range = self.range(ptr, len)?;
        Ok(&self.0[range])
    }

    fn slice_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8], Errno> {
        let range = self.range(ptr, len)?;
        Ok(&mut self.0[range])
    }

    fn read_u32(&self, ptr: u32) -> Result<u32, Errno> {
        let mut bytes = [0u8; 4];
        bytes.copy_from_slice(self.slice(ptr, 4)?);
        Ok(u32::from_le_bytes(bytes))
    }

    fn write_bytes(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), Errno> {
        let len = len_u32(bytes.len())?;
        self.slice_mut(ptr, len)?.copy_from_slice(bytes);
        Ok(())
    }

    fn write_u32(&mut self, ptr: u32, value: u32) -> Result<(), Errno> {
        self.write_bytes(ptr, &value.to_le_bytes())
    }

    fn write_u64(&mut self, ptr: u32, value: u64) -> Result<(), Errno> {
        self.write_bytes(ptr, &value.to_le_bytes())
    }

    /// The `index`th iovec of the array at `iovs`: `(buffer, length)`.
    fn iovec(&self, iovs: u32, index: u32) -> Result<(u32, u32), Errno> {
        let at = index
            .checked_mul(8)
            .and_then(|offset| iovs.checked_add(offset));
        let at = at.ok_or(errno::FAULT)?;
        let buffer = self.read_u32(at)?;
        let len = self.read_u32(at.checked_add(4).ok_or(errno::FAULT)?)?;
        Ok((buffer, len))
    }
}

/// Runs a WASI function that needs the guest's memory; `Ok(errno)` for the program, `Err` to stop.
fn with_memory(
    caller: &mut Caller<'_, Host>,
    body: impl FnOnce(&mut Host, &mut Mem<'_>) -> Result<(), Fail>,
) -> Result<i32, wasmi::Error> {
    if let Some(stop) = caller.data().stop_requested() {
        return Err(wasmi::Error::host(stop));
    }
    let Some(memory) = caller.get_export("memory").and_then(Extern::into_memory) else {
        return Err(wasmi::Error::host(HostStop::Fatal(
            "the module calls WASI functions but does not export its memory as `memory`, \
             which WASI needs to pass data"
                .to_owned(),
        )));
    };
    let (bytes, host) = memory.data_and_store_mut(caller);
    finish_call(body(host, &mut Mem(bytes)))
}

/// Runs a WASI function that does not touch the guest's memory.
fn without_memory(
    caller: &mut Caller<'_, Host>,
    body: impl FnOnce(&mut Host) -> Result<(), Fail>,
) -> Result<i32, wasmi::Error> {
    if let Some(stop) = caller.data().stop_requested() {
        return Err(wasmi::Error::host(stop));
    }
    finish_call(body(caller.data_mut()))
}

fn finish_call(result: Result<(), Fail>) -> Result<i32, wasmi::Error> {
    match result {
        Ok(()) => Ok(0),
        Err(Fail::Errno(errno)) => Ok(i32::from(errno)),
        Err(Fail::Stop(stop)) => Err(wasmi::Error::host(stop)),
    }
}

type Call<'a> = Caller<'a, Host>;
type Ret = Result<i32, wasmi::Error>;

fn define<Params, Results>(
    linker: &mut Linker<Host>,
    name: &str,
    func: impl IntoFunc<Host, Params, Results>,
) {
    // Cannot fail: the linker allows shadowing, so a name defined twice would just be replaced
    // (and a test checks every name in `PROVIDED` resolves with its declared type).
    let _ = linker.func_wrap(WASI, name, func);
}

/// A linker with every provided WASI function; built once per runner, used for every run.
pub(crate) fn linker(engine: &wasmi::Engine) -> Linker<Host> {
    let mut linker = Linker::new(engine);
    linker.allow_shadowing(true);
    let l = &mut linker;
    // Pointers and sizes arrive as i32 and mean u32: `as u32` reinterprets the bits.
    define(
        l,
        "args_get",
        |mut c: Call<'_>, argv: i32, buffer: i32| -> Ret {
            with_memory(&mut c, |h, m| h.args_get(m, argv as u32, buffer as u32))
        },
    );
    define(
        l,
        "args_sizes_get",
        |mut c: Call<'_>, count: i32, size: i32| -> Ret {
            with_memory(&mut c, |h, m| {
                h.args_sizes_get(m, count as u32, size as u32)
            })
        },
    );
    define(
        l,
        "environ_get",
        |mut c: Call<'_>, _environ: i32, _buffer: i32| -> Ret {
            without_memory(&mut c, |_| Ok(()))
        },
    );
    define(
        l,
        "environ_sizes_get",
        |mut c: Call<'_>, count: i32, size: i32| -> Ret {
            with_memory(&mut c, |_, m| {
                m.write_u32(count as u32, 0)?;
                m.write_u32(size as u32, 0)?;
                Ok(())
            })
        },
    );
    define(
        l,
        "clock_res_get",
        |mut c: Call<'_>, id: i32, out: i32| -> Ret {
            with_memory(&mut c, |_, m| match id {
                // A microsecond: what `performance.now()` offers in browsers, at best.
                0..=3 => Ok(m.write_u64(out as u32, 1_000)?),
                _ => Err(errno::INVAL.into()),
            })
        },
    );
    define(
        l,
        "clock_time_get",
        |mut c: Call<'_>, id: i32, _precision: i64, out: i32| -> Ret {
            with_memory(&mut c, |h, m| h.clock_time_get(m, id, out as u32))
        },
    );
    define(l, "fd_close", |mut c: Call<'_>, fd: i32| -> Ret {
        without_memory(&mut c, |h| Ok(h.fds.close(fd as u32)?))
    });
    define(
        l,
        "fd_fdstat_get",
        |mut c: Call<'_>, fd: i32, out: i32| -> Ret {
            with_memory(&mut c, |h, m| h.fd_fdstat_get(m, fd as u32, out as u32))
        },
    );
    define(
        l,
        "fd_fdstat_set_flags",
        |mut c: Call<'_>, fd: i32, flags: i32| -> Ret {
            without_memory(&mut c, |h| h.fd_fdstat_set_flags(fd as u32, flags))
        },
    );
    define(
        l,
        "fd_filestat_get",
        |mut c: Call<'_>, fd: i32, out: i32| -> Ret {
            with_memory(&mut c, |h, m| h.fd_filestat_get(m, fd as u32, out as u32))
        },
    );
    define(
        l,
        "fd_prestat_get",
        |mut c: Call<'_>, fd: i32, out: i32| -> Ret {
            with_memory(&mut c, |h, m| h.fd_prestat_get(m, fd as u32, out as u32))
        },
    );
    define(
        l,
        "fd_prestat_dir_name",
        |mut c: Call<'_>, fd: i32, out: i32, len: i32| -> Ret {
            with_memory(&mut c, |h, m| {
                h.fd_prestat_dir_name(m, fd as u32, out as u32, len as u32)
            })
        },
    );
    define(
        l,
        "fd_read",
        |mut c: Call<'_>, fd: i32, iovs: i32, count: i32, out: i32| -> Ret {
            with_memory(&mut c, |h, m| {
                h.fd_read(m, fd as u32, iovs as u32, count as u32, out as u32)
            })
        },
    );
    define(
        l,
        "fd_seek",
        |mut c: Call<'_>, fd: i32, offset: i64, whence: i32, out: i32| -> Ret {
            with_memory(&mut c, |h, m| {
                h.fd_seek(m, fd as u32, offset, whence, out as u32)
            })
        },
    );
    define(l, "fd_tell", |mut c: Call<'_>, fd: i32, out: i32| -> Ret {
        with_memory(&mut c, |h, m| h.fd_tell(m, fd as u32, out as u32))
    });
    define(
        l,
        "fd_write",
        |mut c: Call<'_>, fd: i32, iovs: i32, count: i32, out: i32| -> Ret {
            with_memory(&mut c, |h, m| {
                h.fd_write(m, fd as u32, iovs as u32, count as u32, out as u32)
            })
        },
    );
    define(
        l,
        "path_filestat_get",
        |mut c: Call<'_>, fd: i32, _flags: i32, path: i32, len: i32, out: i32| -> Ret {
            with_memory(&mut c, |h, m| {
                h.path_filestat_get(m, fd as u32, path as u32, len as u32, out as u32)
            })
        },
    );
    define(
        l,
        "path_open",
        |mut c: Call<'_>,
         fd: i32,
         _dirflags: i32,
         path: i32,
         len: i32,
         oflags: i32,
         rights: i64,
         _inheriting: i64,
         fdflags: i32,
         out: i32|
         -> Ret {
            with_memory(&mut c, |h, m| {
                let (fd, path, len, out) = (fd as u32, path as u32, len as u32, out as u32);
                h.path_open(m, fd, path, len, oflags, rights as u64, fdflags, out)
            })
        },
    );
    define(
        l,
        "proc_exit",
        |c: Call<'_>, code: i32| -> Result<(), wasmi::Error> {
            // A stop requested meanwhile wins: the run ends for that reason, not the exit.
            Err(wasmi::Error::host(
                c.data().stop_requested().unwrap_or(HostStop::Exit(code)),
            ))
        },
    );
    define(
        l,
        "random_get",
        |mut c: Call<'_>, buffer: i32, len: i32| -> Ret {
            with_memory(&mut c, |h, m| h.random_get(m, buffer as u32, len as u32))
        },
    );
    define(l, "sched_yield", |mut c: Call<'_>| -> Ret {
        without_memory(&mut c, |_| Ok(()))
    });
    linker
}

/// Decodes a byte stream as UTF-8 across writes: a character split between two `fd_write`s is
/// kept until its end arrives; invalid bytes become U+FFFD.
#[derive(Debug, Default)]
struct Utf8Decoder {
    pending: Vec<u8>,
}

impl Utf8Decoder {
    fn decode(&mut self, bytes: &[u8]) -> String {
        let mut input = std::mem::take(&mut self.pending);
        input.extend_from_slice(bytes);
        let mut out = String::with_capacity(input.len());
        let mut rest = input.as_slice();
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    out.push_str(text);
                    break;
                }
                Err(error) => {
                    let (valid, after) = rest.split_at(error.valid_up_to());
                    out.push_str(&String::from_utf8_lossy(valid));
                    match error.error_len() {
                        Some(len) => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            rest = &after[len..];
                        }
                        None => {
                            self.pending = after.to_vec();
                            break;
                        }
                    }
                }
            }
        }
        out
    }

    fn finish(&mut self) -> String {
        String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned()
    }
}

/// `random_get`'s generator: splitmix64 seeded from the clock. Fast and good enough for games
/// and simulations; **not** cryptographically secure, and the browser's crypto is out of reach of
/// a worker build that must not import from JavaScript.
#[derive(Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoder_joins_split_characters_and_replaces_invalid_bytes() {
        let mut decoder = Utf8Decoder::default();
        let snowman = "☃".as_bytes();
        assert_eq!(decoder.decode(&snowman[..1]), "");
        assert_eq!(decoder.decode(&snowman[1..]), "☃");
        assert_eq!(decoder.decode(b"a\xffb"), "a\u{fffd}b");
        assert_eq!(decoder.decode(&snowman[..2]), "");
        assert_eq!(decoder.finish(), "\u{fffd}");
    }

    #[test]
    fn memory_access_is_bounds_checked() {
        let mut bytes = [0u8; 16];
        let mut mem = Mem(&mut bytes);
        assert_eq!(mem.write_u32(12, 7), Ok(()));
        assert_eq!(mem.read_u32(12), Ok(7));
        assert_eq!(mem.write_u32(13, 7), Err(errno::FAULT));
        assert_eq!(mem.slice(u32::MAX, 2).err(), Some(errno::FAULT));
        assert_eq!(mem.iovec(u32::MAX - 3, 0).err(), Some(errno::FAULT));
        assert_eq!(mem.iovec(0, u32::MAX).err(), Some(errno::FAULT));
    }

    #[test]
    fn splitmix_is_not_constant() {
        let mut random = SplitMix64(0);
        let first = random.next();
        assert_ne!(first, random.next());
    }
}
