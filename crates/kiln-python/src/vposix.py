# Kiln's `posix` module: the part of the operating system interface a sandboxed program may have,
# over the run's virtual workspace instead of the host.
#
# `os`, `os.path`, `pathlib`, `glob`, `shutil` and `random` are built on it, so programs that list,
# stat, create and delete workspace files work the same natively and in the browser. Nothing here
# reaches the host: there are no processes, no file descriptors beyond 0-2, no network.
# `_state` (the run's files) is injected by the prelude before this runs.

import sys as _sys
import _stat
import _random

error = OSError

F_OK, X_OK, W_OK, R_OK = 0, 1, 2, 4
O_RDONLY, O_WRONLY, O_RDWR = 0, 1, 2
O_CREAT, O_EXCL, O_TRUNC, O_APPEND = 0o100, 0o200, 0o1000, 0o2000
EX_OK = 0

environ = {b'HOME': b'/', b'PWD': b'/', b'LANG': b'C.UTF-8', b'PATH': b''}
_have_functions = []

_ERRNO_TEXT = {
    1: 'Operation not permitted', 2: 'No such file or directory', 9: 'Bad file descriptor',
    13: 'Permission denied', 17: 'File exists', 20: 'Not a directory', 21: 'Is a directory',
    22: 'Invalid argument', 39: 'Directory not empty',
}


def strerror(code):
    return _ERRNO_TEXT.get(code, 'Unknown error %d' % code)


def _error(cls, code, path):
    return cls(code, strerror(code), path)


def _denied(what):
    def denied(*args, **kwargs):
        raise PermissionError(1, '%s is not available in Kiln: programs run in a sandbox without '
                                 'processes, signals or the host file system' % what)
    denied.__name__ = what.rsplit('.', 1)[-1]
    return denied


system = _denied('os.system')
kill = _denied('os.kill')
chmod = _denied('os.chmod')
chown = _denied('os.chown')
symlink = _denied('os.symlink')
link = _denied('os.link')


def _path(path):
    if isinstance(path, int):
        raise _error(OSError, 9, path)
    path = fspath(path)
    if isinstance(path, bytes):
        path = path.decode('utf-8', 'surrogateescape')
    parts = []
    for part in path.split('/'):
        if part in ('', '.'):
            continue
        if part == '..':
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return '/'.join(parts)


def fspath(path):
    if isinstance(path, (str, bytes)):
        return path
    method = getattr(type(path), '__fspath__', None)
    if method is None:
        raise TypeError('expected str, bytes or os.PathLike object, not ' + type(path).__name__)
    result = method(path)
    if not isinstance(result, (str, bytes)):
        raise TypeError('expected %s.__fspath__() to return str or bytes' % type(path).__name__)
    return result


def _is_dir(rel):
    if rel == '' or rel in _state.dirs:
        return True
    prefix = rel + '/'
    return any(p.startswith(prefix) for p in _state.files) or any(d.startswith(prefix) for d in _state.dirs)


class stat_result(tuple):
    """os.stat_result for a workspace file or folder."""

    n_sequence_fields = 10
    n_fields = 10
    n_unnamed_fields = 0

    def __new__(cls, values):
        return tuple.__new__(cls, tuple(values)[:10])

    st_mode = property(lambda self: self[0])
    st_ino = property(lambda self: self[1])
    st_dev = property(lambda self: self[2])
    st_nlink = property(lambda self: self[3])
    st_uid = property(lambda self: self[4])
    st_gid = property(lambda self: self[5])
    st_size = property(lambda self: self[6])
    st_atime = property(lambda self: self[7])
    st_mtime = property(lambda self: self[8])
    st_ctime = property(lambda self: self[9])
    st_atime_ns = property(lambda self: int(self[7] * 1e9))
    st_mtime_ns = property(lambda self: int(self[8] * 1e9))
    st_ctime_ns = property(lambda self: int(self[9] * 1e9))

    def __repr__(self):
        return ('os.stat_result(st_mode=%d, st_ino=%d, st_dev=%d, st_nlink=%d, st_uid=%d, '
                'st_gid=%d, st_size=%d, st_atime=%d, st_mtime=%d, st_ctime=%d)' % tuple(self))


def stat(path, *, dir_fd=None, follow_symlinks=True):
    rel = _path(path)
    if rel in _state.files:
        return stat_result((_stat.S_IFREG | 0o644, hash(rel) & 0xFFFFFF, 1, 1, 0, 0,
                            len(_state.files[rel]), 0, 0, 0))
    if _is_dir(rel):
        return stat_result((_stat.S_IFDIR | 0o755, hash(rel) & 0xFFFFFF, 1, 2, 0, 0, 0, 0, 0, 0))
    raise _error(FileNotFoundError, 2, path)


lstat = stat


def fstat(fd):
    if fd in (0, 1, 2):
        return stat_result((_stat.S_IFCHR | 0o620, fd, 1, 1, 0, 0, 0, 0, 0, 0))
    raise _error(OSError, 9, None)


def access(path, mode, *, dir_fd=None, effective_ids=False, follow_symlinks=True):
    try:
        stat(path)
    except OSError:
        return False
    return True


def listdir(path='.'):
    rel = _path(path)
    if rel in _state.files:
        raise _error(NotADirectoryError, 20, path)
    if not _is_dir(rel):
        raise _error(FileNotFoundError, 2, path)
    prefix = rel + '/' if rel else ''
    names = set()
    for p in list(_state.files) + list(_state.dirs):
        if p.startswith(prefix) and p != rel:
            names.add(p[len(prefix):].split('/', 1)[0])
    return sorted(names)


class DirEntry:
    """An entry of os.scandir()."""

    def __init__(self, folder, name):
        self.name = name
        self.path = name if folder in ('', '.') else folder.rstrip('/') + '/' + name
        self._rel = _path(self.path)

    def is_dir(self, *, follow_symlinks=True):
        return self._rel not in _state.files and _is_dir(self._rel)

    def is_file(self, *, follow_symlinks=True):
        return self._rel in _state.files

    def is_symlink(self):
        return False

    def is_junction(self):
        return False

    def stat(self, *, follow_symlinks=True):
        return stat(self.path)

    def inode(self):
        return stat(self.path).st_ino

    def __fspath__(self):
        return self.path

    def __repr__(self):
        return '<DirEntry %r>' % self.name


class _ScandirIterator:
    def __init__(self, entries):
        self._entries = iter(entries)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._entries)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._entries = iter(())


def scandir(path='.'):
    folder = fspath(path)
    if isinstance(folder, bytes):
        folder = folder.decode('utf-8', 'surrogateescape')
    return _ScandirIterator([DirEntry(folder, name) for name in listdir(folder)])


def getcwd():
    return '/'


def getcwdb():
    return b'/'


def chdir(path):
    if _path(path) != '':
        raise PermissionError(1, 'changing directory is not supported in Kiln: use paths relative '
                                 'to the workspace', path)


def mkdir(path, mode=0o777, *, dir_fd=None):
    rel = _path(path)
    if rel in _state.files or _is_dir(rel):
        raise _error(FileExistsError, 17, path)
    parent = rel.rsplit('/', 1)[0] if '/' in rel else ''
    if not _is_dir(parent):
        raise _error(FileNotFoundError, 2, path)
    _state.dirs.add(rel)


def rmdir(path, *, dir_fd=None):
    rel = _path(path)
    if rel in _state.files:
        raise _error(NotADirectoryError, 20, path)
    if not _is_dir(rel) or rel == '':
        raise _error(FileNotFoundError, 2, path)
    if listdir(rel):
        raise _error(OSError, 39, path)
    _state.dirs.discard(rel)


def remove(path, *, dir_fd=None):
    rel = _path(path)
    if rel not in _state.files:
        if _is_dir(rel):
            raise _error(IsADirectoryError, 21, path)
        raise _error(FileNotFoundError, 2, path)
    del _state.files[rel]
    _state.written.discard(rel)


unlink = remove


def replace(src, dst, *, src_dir_fd=None, dst_dir_fd=None):
    source, target = _path(src), _path(dst)
    if source not in _state.files:
        raise _error(FileNotFoundError, 2, src)
    if _is_dir(target) and target not in _state.files:
        raise _error(IsADirectoryError, 21, dst)
    _state.files[target] = _state.files.pop(source)
    _state.written.discard(source)
    _state.written.add(target)


rename = replace


def urandom(size):
    """Random bytes from the interpreter's generator (seeded from the host's entropy).

    Not a cryptographic source: Kiln is a playground, not a place for secrets.
    """
    if size < 0:
        raise ValueError('negative argument not allowed')
    if size == 0:
        return b''
    return _random.Random().getrandbits(size * 8).to_bytes(size, 'little')


def getpid():
    return 1


def getppid():
    return 0


def cpu_count():
    return 1


def umask(mask):
    return 0o022


def isatty(fd):
    return False


def device_encoding(fd):
    return None


def write(fd, data):
    if fd == 1:
        _sys.stdout.write(bytes(data).decode('utf-8', 'replace'))
    elif fd == 2:
        _sys.stderr.write(bytes(data).decode('utf-8', 'replace'))
    else:
        raise _error(OSError, 9, None)
    return len(data)


def read(fd, n):
    if fd != 0:
        raise _error(OSError, 9, None)
    return _sys.stdin.read(n).encode('utf-8')


def close(fd):
    if fd not in (0, 1, 2):
        raise _error(OSError, 9, None)


def putenv(key, value):
    pass


def unsetenv(key):
    pass


def _exit(code):
    raise SystemExit(code)


class uname_result(tuple):
    sysname = property(lambda self: self[0])
    nodename = property(lambda self: self[1])
    release = property(lambda self: self[2])
    version = property(lambda self: self[3])
    machine = property(lambda self: self[4])


def uname():
    return uname_result(('Kiln', 'kiln', '1', 'sandbox', 'wasm32'))


class terminal_size(tuple):
    columns = property(lambda self: self[0])
    lines = property(lambda self: self[1])


def get_terminal_size(fd=1):
    return terminal_size((80, 24))
