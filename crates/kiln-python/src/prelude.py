# Kiln's Python prelude: runs once when the interpreter starts, before any user code.
#
# It connects the interpreter to the host through the native `_kiln` module:
#   _kiln.write(fd, text)       -> output to the run's OutputCapture (may raise _kiln.Stop)
#   _kiln.find_module(name)     -> (source or code object, is_package, origin) from the host's
#                                  ModuleSource, or None
# and gives each run a fresh __main__, the supplied stdin, virtual files for open(), imports of
# workspace .py files, and CPython-format tracebacks.
import sys
import _io
import builtins
import _kiln

ModuleSpec = type(sys.__spec__) if sys.__spec__ is not None else None
if ModuleSpec is None:
    import _frozen_importlib
    ModuleSpec = _frozen_importlib.ModuleSpec


class Stop(BaseException):
    """Raised by Kiln to end a program that reached a limit. Not an error of the program."""


_kiln.Stop = Stop


class _State:
    files = {}          # path -> bytes, the run's virtual workspace
    written = set()     # paths created or changed by the program
    open_writers = []   # files opened for writing and not yet closed
    workspace_modules = set()
    dirs = set()        # folders created by the program (files imply their own folders)


_state = _State()

# The operating system interface, over the virtual workspace (see vposix.py). `os` looks for a
# built-in `posix` module by name.
_posix = type(sys)('posix')
_posix._state = _state
exec(compile(_kiln.posix_source, '<kiln-posix>', 'exec'), _posix.__dict__)
sys.modules['posix'] = _posix
sys.builtin_module_names = tuple(sorted(set(sys.builtin_module_names) | {'posix'}))


class _Buffer:
    """`sys.stdout.buffer`: bytes written here are decoded as UTF-8."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, data):
        self._stream.write(bytes(data).decode('utf-8', 'replace'))
        return len(data)

    def flush(self):
        pass


class _Output:
    """sys.stdout / sys.stderr: every write goes straight to the host, in order."""

    encoding = 'utf-8'
    errors = 'strict'
    closed = False
    newlines = None

    def __init__(self, fd, name):
        self._fd = fd
        self.name = name
        self.buffer = _Buffer(self)

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError('write() argument must be str, not ' + type(s).__name__)
        _kiln.write(self._fd, s)
        return len(s)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def writable(self):
        return True

    def readable(self):
        return False

    def seekable(self):
        return False

    def fileno(self):
        raise _io.UnsupportedOperation('fileno')


def _normalise(file):
    if isinstance(file, int):
        raise OSError(9, 'Bad file descriptor: Kiln programs can only open files by name', file)
    if hasattr(file, '__fspath__'):
        file = file.__fspath__()
    if isinstance(file, bytes):
        file = file.decode('utf-8')
    if not isinstance(file, str):
        raise TypeError('expected str, bytes or os.PathLike object, not ' + type(file).__name__)
    parts = []
    for part in file.replace('\\', '/').split('/'):
        if part in ('', '.'):
            continue
        if part == '..':
            if not parts:
                raise PermissionError(13, 'Permission denied: paths may not leave the workspace', file)
            parts.pop()
            continue
        parts.append(part)
    return '/'.join(parts)


class _WriterMixin:
    def _kiln_init(self, path, mode):
        self.name = path
        self.mode = mode
        self._kiln_path = path
        _state.open_writers.append(self)

    def _kiln_save(self):
        if self.closed:
            return
        value = self.getvalue()
        if isinstance(value, str):
            value = value.encode('utf-8')
        _state.files[self._kiln_path] = value
        _state.written.add(self._kiln_path)

    def flush(self):
        self._kiln_save()

    def close(self):
        self._kiln_save()
        if self in _state.open_writers:
            _state.open_writers.remove(self)
        super().close()


class _TextWriter(_WriterMixin, _io.StringIO):
    pass


class _BytesWriter(_WriterMixin, _io.BytesIO):
    pass


class _TextReader(_io.StringIO):
    pass


class _BytesReader(_io.BytesIO):
    pass


def open(file, mode='r', buffering=-1, encoding=None, errors=None, newline=None, closefd=True,
         opener=None):
    """open() over the run's virtual workspace files (the ones supplied with the run)."""
    path = _normalise(file)
    if not isinstance(mode, str) or not set(mode) <= set('rwxabt+') or len(mode) != len(set(mode)):
        raise ValueError('invalid mode: %r' % (mode,))
    binary = 'b' in mode
    kind = [c for c in mode if c in 'rwxa']
    if len(kind) != 1:
        raise ValueError('Must have exactly one of create/read/write/append mode')
    kind = kind[0]
    exists = path in _state.files
    if path == '' or any(p.startswith(path + '/') for p in _state.files):
        raise IsADirectoryError(21, 'Is a directory', file)
    if kind == 'r' and not exists:
        raise FileNotFoundError(2, 'No such file or directory', file)
    if kind == 'x' and exists:
        raise FileExistsError(17, 'File exists', file)
    initial = b'' if kind in 'wx' else _state.files.get(path, b'')
    writable = kind != 'r' or '+' in mode
    if binary:
        if writable:
            f = _BytesWriter(initial)
            f._kiln_init(path, mode)
        else:
            f = _BytesReader(initial)
            f.name, f.mode = path, mode
    else:
        if encoding is None or encoding == 'locale':
            encoding = 'utf-8'
        text = initial.decode(encoding, errors or 'strict')
        if newline is None:
            text = text.replace('\r\n', '\n').replace('\r', '\n')
        if writable:
            f = _TextWriter(text)
            f._kiln_init(path, mode)
        else:
            f = _TextReader(text)
            f.name, f.mode = path, mode
    if kind == 'a':
        f.seek(0, 2)
    return f


builtins.open = open
_io.open = open
if 'io' in sys.modules:
    sys.modules['io'].open = open

# `signal` (imported by unittest and others) wraps `_signal`, which RustPython only has with host
# access. Handlers can be set and read; nothing ever delivers a signal to a Kiln program.
_signal = type(sys)('_signal')
exec('''
SIG_DFL = 0
SIG_IGN = 1
SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGABRT, SIGFPE, SIGKILL = 1, 2, 3, 4, 6, 8, 9
SIGSEGV, SIGPIPE, SIGALRM, SIGTERM, SIGUSR1, SIGUSR2, SIGCHLD = 11, 13, 14, 15, 10, 12, 17
NSIG = 65

def default_int_handler(signalnum, frame):
    raise KeyboardInterrupt

_handlers = {SIGINT: default_int_handler}

def signal(signalnum, handler):
    if not 0 < signalnum < NSIG:
        raise ValueError('signal number out of range')
    if signalnum in (SIGKILL, 19):
        raise OSError(22, 'Invalid argument')
    old = _handlers.get(signalnum, SIG_DFL)
    _handlers[signalnum] = handler
    return old

def getsignal(signalnum):
    if not 0 < signalnum < NSIG:
        raise ValueError('signal number out of range')
    return _handlers.get(signalnum, SIG_DFL)

def valid_signals():
    return set(range(1, NSIG))

def strsignal(signalnum):
    return None

def alarm(seconds):
    return 0
''', _signal.__dict__)
sys.modules['_signal'] = _signal


import time as _time


def _wall_seconds():
    return _kiln.wall_time_ns() / 1e9


def _monotonic_seconds():
    return _kiln.monotonic_ns() / 1e9


_time.time = _wall_seconds
_time.time_ns = _kiln.wall_time_ns
_time.monotonic = _monotonic_seconds
_time.monotonic_ns = _kiln.monotonic_ns
_time.perf_counter = _monotonic_seconds
_time.perf_counter_ns = _kiln.monotonic_ns

if not _kiln.can_block:
    def _clock_sleep(secs):
        if not isinstance(secs, (int, float)):
            raise TypeError("'%s' object cannot be interpreted as an integer or float" % type(secs).__name__)
        if secs < 0:
            raise ValueError('sleep length must be non-negative')
        deadline = _kiln.monotonic_ns() + int(secs * 1e9)
        while _kiln.monotonic_ns() < deadline:
            pass

    _time.sleep = _clock_sleep


class _WorkspaceFinder:
    """Imports `name.py` and `name/__init__.py` from the run's workspace files."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        base = fullname.replace('.', '/')
        for candidate, is_package in ((base + '/__init__.py', True), (base + '.py', False)):
            if candidate in _state.files:
                spec = ModuleSpec(fullname, cls, origin=candidate, is_package=is_package)
                if is_package:
                    spec.submodule_search_locations = [base]
                return spec
        return None

    @classmethod
    def create_module(cls, spec):
        return None

    @classmethod
    def exec_module(cls, module):
        spec = module.__spec__
        source = _state.files[spec.origin].decode('utf-8')
        module.__file__ = spec.origin
        _state.workspace_modules.add(spec.name)
        exec(compile(source, spec.origin, 'exec'), module.__dict__)


class _HostFinder:
    """Imports modules the host supplies on demand (the browser fetches the standard library)."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        found = _kiln.find_module(fullname)
        if found is None:
            return None
        code, is_package, origin = found
        spec = ModuleSpec(fullname, cls, origin=origin, is_package=is_package)
        spec.loader_state = code
        if is_package:
            spec.submodule_search_locations = []
        return spec

    @classmethod
    def create_module(cls, spec):
        return None

    @classmethod
    def exec_module(cls, module):
        spec = module.__spec__
        module.__file__ = spec.origin
        code = spec.loader_state
        if isinstance(code, str):
            code = compile(code, spec.origin, 'exec')
        # A precompiled unit is a code object already: nothing to compile.
        exec(code, module.__dict__)


sys.meta_path.insert(0, _WorkspaceFinder)
sys.meta_path.append(_HostFinder)


def _source_line(filename, lineno):
    data = _state.files.get(filename)
    if data is None:
        return None
    lines = data.decode('utf-8', 'replace').split('\n')
    if 0 < lineno <= len(lines):
        return lines[lineno - 1].strip()
    return None


def _format_exception_only(exc):
    name = type(exc).__qualname__
    module = type(exc).__module__
    if module not in ('builtins', '__main__'):
        name = module + '.' + name
    lines = []
    if isinstance(exc, SyntaxError):
        lines.append('  File "%s", line %s\n' % (exc.filename or '<string>', exc.lineno))
        if exc.text:
            text = exc.text.rstrip('\n')
            stripped = text.lstrip()
            lines.append('    ' + stripped + '\n')
            if exc.offset:
                caret = max(exc.offset - 1 - (len(text) - len(stripped)), 0)
                lines.append('    ' + ' ' * caret + '^\n')
        message = exc.msg
    else:
        message = str(exc)
    lines.append(name + (': ' + message if message else '') + '\n')
    for note in getattr(exc, '__notes__', None) or ():
        lines.append(str(note) + '\n')
    return lines


def _format_exception(exc, seen):
    seen.add(id(exc))
    lines = []
    cause = exc.__cause__
    context = exc.__context__
    if cause is not None and id(cause) not in seen:
        lines += _format_exception(cause, seen)
        lines.append('\nThe above exception was the direct cause of the following exception:\n\n')
    elif context is not None and not exc.__suppress_context__ and id(context) not in seen:
        lines += _format_exception(context, seen)
        lines.append('\nDuring handling of the above exception, another exception occurred:\n\n')
    tb = exc.__traceback__
    if tb is not None:
        lines.append('Traceback (most recent call last):\n')
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_filename.startswith(('<frozen importlib', '<kiln')):
                tb = tb.tb_next
                continue
            lines.append('  File "%s", line %d, in %s\n' % (code.co_filename, tb.tb_lineno, code.co_name))
            text = _source_line(code.co_filename, tb.tb_lineno)
            if text:
                lines.append('    ' + text + '\n')
            tb = tb.tb_next
    lines += _format_exception_only(exc)
    return lines


def _excepthook(exc_type, exc, tb):
    if exc is None:
        exc = exc_type()
    if tb is not None and exc.__traceback__ is None:
        exc.__traceback__ = tb
    sys.stderr.write(''.join(_format_exception(exc, set())))


sys.excepthook = _excepthook

_max_recursion = _kiln.max_recursion
_set_recursion_limit = sys.setrecursionlimit


def setrecursionlimit(limit):
    """sys.setrecursionlimit, capped so deep recursion is a RecursionError, never a crash."""
    if not isinstance(limit, int):
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(limit).__name__)
    if limit < 1:
        raise ValueError('recursion limit must be greater or equal than 1')
    _set_recursion_limit(min(limit, _max_recursion))


sys.setrecursionlimit = setrecursionlimit

_initial_modules = set(sys.modules)
_stdout = _Output(1, '<stdout>')
_stderr = _Output(2, '<stderr>')


def begin(files, stdin, main_path):
    """Prepares a run: its files, stdin, streams and a fresh __main__."""
    for name in list(_state.workspace_modules):
        sys.modules.pop(name, None)
    _state.workspace_modules.clear()
    _state.files = dict(files)
    _state.written = set()
    _state.open_writers = []
    _state.dirs = set()
    sys.stdin = _io.StringIO(stdin)
    sys.stdout = sys.__stdout__ = _stdout
    sys.stderr = sys.__stderr__ = _stderr
    sys.argv = [main_path]
    _set_recursion_limit(min(1000, _max_recursion))


def end():
    """Closes the run: saves files still open for writing; returns {path: bytes} written."""
    for f in list(_state.open_writers):
        try:
            f.close()
        except Exception:
            pass
    return {path: _state.files[path] for path in _state.written if path in _state.files}
