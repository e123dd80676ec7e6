"""Kernel isolation for the fork server and its children.

Set up once in the server (`setup`), then cheaply per run:

- network: a new, empty network namespace (only a down loopback), so no
  connection leaves the sandbox;
- filesystem: a private mount namespace whose root is a new, read-only tmpfs
  holding only what a program needs to run: /usr and /lib*, the interpreter's
  prefixes and library directories (sys.prefix, base_prefix, site-packages;
  never the project checkout, whose build/ holds stage outputs, nor any task
  data), a few files of /etc (time zone, loader cache), a minimal /dev, and a
  private tmpfs of per-run working directories (the only writable place; it
  vanishes with the server). Expected outputs and datasets are on no path a
  run can open;
- processes: a fresh PID namespace per run (`before_fork`), so when the run's
  first process ends the kernel kills every process it left behind; each run
  mounts a /proc of its own namespace over the server's, so it sees its own
  processes only (measured cost: ~0.35 ms per fork, for the mount namespace
  and the proc mount; see README); plus a subreaper sweep for machines without
  PID namespaces;
- identity: when the server is real root, each run drops to an unprivileged
  uid of its own (100000 + server pid), which makes RLIMIT_NPROC effective
  (root is exempt) and leaves no capability to undo the mounts.

Namespaces need root or unprivileged user namespaces. Where neither is
allowed (e.g. Docker's default seccomp profile), `setup` falls back to
"process" mode: an in-process audit hook refuses network, writes outside the
working directory, reads outside the interpreter's paths (the checkout and
datasets included) and of other processes' /proc entries, exec and ctypes.
That guard is best effort: a determined program can get around an audit hook
in its own process, which `report()` says. Every run's result carries the
report.
"""

from __future__ import annotations

import ctypes
import os
import signal
import stat
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC = 32, 4096, 16384
MNT_DETACH = 2
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
MS_NOATIME, MS_NODIRATIME, MS_RELATIME, MS_PRIVATE = 1024, 2048, 1 << 21, 1 << 18
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 1, 36, 38

_libc = ctypes.CDLL(None, use_errno=True)


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def prctl(option: int, arg: int) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0), f"prctl({option})")


def _mount(src, target: str, fstype, flags: int, data) -> None:
    enc = lambda s: s.encode() if isinstance(s, str) else s  # noqa: E731
    _check(
        _libc.mount(enc(src), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
        f"mount {target}",
    )


def _preserved_flags(path: str) -> int:
    """Per-mount flags to keep on remount (a user namespace must not clear them)."""
    st = os.statvfs(path)
    flags = 0
    for st_flag, ms_flag in (
        (os.ST_NOSUID, MS_NOSUID),
        (os.ST_NODEV, MS_NODEV),
        (os.ST_NOEXEC, MS_NOEXEC),
        (os.ST_NOATIME, MS_NOATIME),
        (os.ST_NODIRATIME, MS_NODIRATIME),
        (os.ST_RELATIME, MS_RELATIME),
    ):
        if st.f_flag & st_flag:
            flags |= ms_flag
    return flags


class Isolation:
    """What the server managed to set up; consulted before and inside each fork.

    A plain class, not a dataclass: `dataclasses` imports `inspect`, and every
    module the server imports is copied by every fork."""

    def __init__(self, scratch: str):
        self.scratch = scratch
        self.namespaces = "none"  # "root", "user" or "none"
        self.network = False
        self.filesystem = False
        self.pid_namespace = False
        self.run_uid: int | None = None  # uid each run drops to, when the server is real root
        self.server_pid = os.getpid()
        # read once: the child consults it after dropping to another uid
        self.real_root = _is_real_root()
        self.private_root = False  # the new root of `_build_root`
        self.private_proc = False  # each run mounts a /proc of its own PID namespace
        # process mode: where the audit hook lets a program read (prefixes, with a
        # trailing separator, and single files)
        self.readable_paths: tuple[str, ...] = ()
        self.notes: list[str] = []
        self._own_pidns: int | None = None

    def report(self) -> dict:
        return {
            "mode": "namespaces" if self.namespaces != "none" else "process",
            "network_namespace": self.network,
            "readonly_filesystem": self.filesystem,
            "private_root": self.private_root,
            "pid_namespace_per_run": self.pid_namespace,
            "private_proc": self.private_proc,
            "unprivileged_uid": self.run_uid,
            "rlimits": True,
            "nproc_limit": self.nproc_binds,
            "subreaper": True,
            "audit_hook": self.needs_audit_hook,
            "read_guard": "audit hook, best effort" if self.needs_audit_hook and not
                          self.private_root else None,
            "notes": list(self.notes),
        }

    @property
    def nproc_binds(self) -> bool:
        """RLIMIT_NPROC never binds uid 0 of the initial user namespace."""
        return self.run_uid is not None or not self.real_root

    @property
    def needs_audit_hook(self) -> bool:
        return not (self.network and self.filesystem and self.private_root
                    and self.pid_namespace and self.nproc_binds)

    # -- per run, in the server -------------------------------------------------
    def before_fork(self) -> None:
        """Make the next fork's child the first process of a fresh PID namespace."""
        if self.pid_namespace:
            unshare(CLONE_NEWPID)

    def after_fork(self) -> None:
        """Back to our own namespace for children, in the server after each fork.

        Needed before the next unshare(CLONE_NEWPID), and meanwhile the server
        could not even start a thread (clone fails with EINVAL)."""
        if self.pid_namespace:
            _check(_libc.setns(self._own_pidns, CLONE_NEWPID), "setns")

    def sweep(self) -> int:
        """Kill and reap every process left below the server; returns how many.

        With a PID namespace per run the kernel already did this; without one,
        orphans of the run (daemons, double forks) were reparented to us, the
        subreaper, so they are our children and we can find them.
        """
        killed = 0
        for _ in range(1000):
            kids = _children(self.server_pid)
            if not kids:
                break
            for pid in kids:
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
                except ProcessLookupError:
                    pass
            for pid in kids:
                try:
                    os.waitpid(pid, 0)
                except ChildProcessError:
                    pass
        return killed

    # -- per run, in the child --------------------------------------------------
    def enter_child(self) -> None:
        """Last steps in the child before the program runs: its own /proc, identity
        and privileges."""
        if self.private_proc:
            # A mount namespace of its own, so the proc mount (which shows the
            # namespace of the process that mounts it) covers the server's view
            # for this run only; without capabilities the run cannot unmount it.
            unshare(CLONE_NEWNS)
            _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
        if self.run_uid is not None:
            os.setgroups([])
            os.setgid(self.run_uid)
            os.setuid(self.run_uid)
        elif self.namespaces == "user":
            _drop_capabilities()
        prctl(PR_SET_NO_NEW_PRIVS, 1)

    def nproc_limit(self, max_processes: int) -> int:
        if self.run_uid is not None:
            return max_processes
        if self.namespaces == "user":
            return max_processes + 1  # the server is counted in its user namespace
        if not self.nproc_binds:
            return max_processes  # root: the limit does not bind (the audit hook refuses fork)
        # Same uid as everything else of ours: allow what runs now plus the program's.
        return _count_processes(os.getuid()) + max_processes


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(x) for x in f.read().split()]
        return kids
    except OSError:
        pass
    for entry in os.listdir("/proc"):  # kernels without CONFIG_PROC_CHILDREN
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def _count_processes(uid: int) -> int:
    n = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    n += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                pass
    return n


def _drop_capabilities() -> None:
    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    data = (Data * 2)()
    _check(_libc.capset(ctypes.byref(Header(0x20080522, 0)), data), "capset")


def checkout_root() -> str:
    """The project checkout (it holds build/ with stage outputs: never shown to a run)."""
    import effiskel

    return os.path.dirname(os.path.dirname(os.path.realpath(effiskel.__file__)))


def interpreter_paths() -> set[str]:
    """Directories a program needs to read to run and import modules: the
    interpreter's prefixes and the directories on sys.path, not the checkout."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))}
    paths |= {p for p in sys.path if p and os.path.isdir(p)}
    checkout = checkout_root()
    return {os.path.realpath(p) for p in paths} - {checkout}


SYSTEM_DIRS = ("/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin")
ETC_FILES = ("/etc/localtime", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
             "/etc/nsswitch.conf", "/etc/passwd", "/etc/group", "/etc/timezone")
DEVICES = ("null", "zero", "full", "random", "urandom")


def _minimal(paths) -> list[str]:
    """`paths` without those inside another one of them."""
    out: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(p == q or p.startswith(q.rstrip("/") + "/") for q in out):
            out.append(p)
    return out


def _blocked_ancestor(path: str) -> str | None:
    """The first directory on `path` that other users cannot traverse, if any."""
    current = "/"
    for part in path.strip("/").split("/"):
        current = os.path.join(current, part)
        try:
            if not os.stat(current).st_mode & stat.S_IXOTH:
                return current
        except OSError:
            return None
    return None


def _bind(src: str, root: str, writable: bool = False) -> None:
    """Bind `src` at the same path under `root`, read-only unless `writable`."""
    dst = root + src
    if os.path.isdir(src):
        os.makedirs(dst, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if not os.path.exists(dst):
            open(dst, "w").close()
    _mount(src, dst, None, MS_BIND | MS_REC, None)
    if not writable:
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | _preserved_flags(src)
        _mount(None, dst, None, flags, None)


def _copy_link(path: str, root: str) -> None:
    os.makedirs(os.path.dirname(root + path), exist_ok=True)
    os.symlink(os.readlink(path), root + path)


def _build_root(scratch: str) -> list[str]:
    """Make a new root holding only what a program needs and pivot into it.

    Called in the server's private mount namespace, after the server imported
    everything it will need (the checkout is not there any more afterwards).
    `scratch` (a tmpfs) stays at its path, writable. Returns notes."""
    notes = []
    root = os.path.join(scratch, "fs")
    os.mkdir(root, 0o755)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=0755")
    for d in SYSTEM_DIRS:
        if os.path.islink(d):
            _copy_link(d, root)
        elif os.path.isdir(d):
            _bind(d, root)
    needed = interpreter_paths()
    binds = [p for p in _minimal(needed)
             if not any(p == d or p.startswith(d + "/") for d in SYSTEM_DIRS)]
    for p in binds:
        _bind(p, root)
    checkout = checkout_root()
    if any(checkout.startswith(p.rstrip("/") + "/") for p in binds + list(SYSTEM_DIRS)):
        # The checkout lies inside a bound directory: cover it, then put back
        # what the interpreter needs from inside it (e.g. .venv).
        _mount("tmpfs", root + checkout, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
        for p in _minimal(q for q in needed if q.startswith(checkout + "/")):
            _bind(p, root)
        notes.append(f"checkout {checkout} hidden inside a bound directory")
    for f in ETC_FILES:
        if os.path.islink(f):
            _copy_link(f, root)
        elif os.path.exists(f):
            _bind(f, root)
    os.makedirs(root + "/dev", mode=0o755)
    for name in DEVICES:
        if os.path.exists("/dev/" + name):
            _bind("/dev/" + name, root, writable=True)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{root}/dev/{name}")
    os.makedirs(root + "/proc", mode=0o555)
    # The server's own view of /proc (it reopens memfds through /proc/self/fd);
    # each run covers it with a proc of its own PID namespace (enter_child).
    _mount("/proc", root + "/proc", None, MS_BIND | MS_REC, None)
    os.makedirs(root + "/tmp", mode=0o755)
    os.makedirs(root + scratch, exist_ok=True)
    _mount(scratch, root + scratch, None, MS_BIND, None)
    old = os.path.join(root, ".old")
    os.mkdir(old)
    os.chdir(root)
    number = SYS_PIVOT_ROOT.get(os.uname().machine)
    if number is None:
        raise OSError(f"pivot_root: unknown syscall number on {os.uname().machine}")
    _check(_libc.syscall(number, b".", b".old"), "pivot_root")
    os.chdir("/")
    _check(_libc.umount2(b"/.old", MNT_DETACH), "umount old root")
    os.rmdir("/.old")
    _mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None)
    return notes


def _is_real_root() -> bool:
    if os.geteuid() != 0:
        return False
    try:
        with open("/proc/self/uid_map") as f:
            return f.read().split() == ["0", "0", "4294967295"]
    except OSError:
        return False


def setup(scratch: str, mode: str = "auto", scratch_mb: int = 1024,
          private_proc: bool = True) -> Isolation:
    """Isolate the calling (server) process; `mode` "auto" tries namespaces, "process" skips them.

    `private_proc` False leaves runs the server's view of /proc (host pids
    visible): only to measure what the per-run proc mount costs.

    `scratch` must be an existing empty directory; in namespace mode a private
    tmpfs is mounted over it (invisible outside), else it is used as is.
    """
    iso = Isolation(scratch=scratch)
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    if iso.real_root:
        iso.run_uid = 100000 + os.getpid()
    if mode == "process":
        iso.notes.append("namespaces disabled by configuration")
        _check_uid_can_run(iso)
        iso.readable_paths = readable_paths(scratch)
        return iso
    uid, gid = os.getuid(), os.getgid()
    try:
        unshare(CLONE_NEWNET | CLONE_NEWNS)
        iso.namespaces = "root"
    except OSError as e:
        try:
            unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS)
            with open("/proc/self/setgroups", "w") as f:
                f.write("deny")
            with open("/proc/self/uid_map", "w") as f:
                f.write(f"0 {uid} 1")
            with open("/proc/self/gid_map", "w") as f:
                f.write(f"0 {gid} 1")
            iso.namespaces = "user"
        except OSError as e2:
            iso.notes.append(f"no namespaces: {e}; user namespaces: {e2}")
            _check_uid_can_run(iso)
            iso.readable_paths = readable_paths(scratch)
            return iso
    iso.network = True
    try:
        _mount(None, "/", None, MS_REC | MS_PRIVATE, None)
        _mount("tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV, f"size={scratch_mb}m,mode=0711")
        iso.notes += _build_root(scratch)
        iso.private_root = iso.filesystem = True
    except OSError as e:
        iso.notes.append(f"filesystem isolation failed: {e}")
    try:
        iso._own_pidns = os.open("/proc/self/ns/pid", os.O_RDONLY)
        iso.pid_namespace = True
        iso.before_fork()  # prove the cycle works once
        iso.after_fork()
    except OSError as e:
        iso.pid_namespace = False
        iso.notes.append(f"no PID namespace per run: {e}")
    iso.private_proc = iso.pid_namespace and iso.private_root and private_proc
    if iso.pid_namespace and iso.private_root and not private_proc:
        iso.notes.append("runs see the server's /proc (private_proc disabled)")
    if not iso.private_root:
        iso.readable_paths = readable_paths(scratch)
    return iso


def _check_uid_can_run(iso: Isolation) -> None:
    """Without a mount namespace nothing can be exposed: keep root's uid if an
    unprivileged one could not even import the standard library."""
    if iso.run_uid is None:
        return
    blocked = sorted({b for p in interpreter_paths() if (b := _blocked_ancestor(p))})
    if blocked:
        iso.run_uid = None
        iso.notes.append(f"runs keep uid 0: other users cannot traverse {blocked}; "
                         "RLIMIT_NPROC does not bind root, so the audit hook refuses fork")


# --------------------------------------------------------------------------------
# Process-mode guard: an audit hook installed in the child right before the program.

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_PATH_EVENTS = {
    "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
    "os.symlink", "os.link", "os.truncate", "os.utime", "shutil.rmtree", "os.mkfifo",
    "os.mknod",
}
_DENIED_EVENTS = {
    "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
    "os.exec", "os.posix_spawn", "os.spawn", "os.system", "subprocess.Popen", "pty.spawn",
    "ctypes.dlopen", "ctypes.dlsym", "ctypes.call_function", "ctypes.cdata",
    "os.startfile", "os.forkpty",
}


def readable_paths(scratch: str) -> tuple[str, ...]:
    """What a program may read in process mode: the system and interpreter
    directories (as prefixes ending in a separator) and a few device files."""
    prefixes = [os.path.realpath(d) for d in SYSTEM_DIRS + ("/etc",) if os.path.isdir(d)]
    prefixes += interpreter_paths()
    checkout = checkout_root()
    # a prefix holding the checkout would let a program read build/: keep what is inside it
    inner = [p for p in prefixes if p.startswith(checkout + "/")]
    prefixes = [p for p in _minimal(prefixes) if not checkout.startswith(p.rstrip("/") + "/")]
    prefixes = _minimal(prefixes + inner)
    return tuple(p.rstrip("/") + "/" for p in prefixes) + tuple(
        "/dev/" + d for d in DEVICES)


def install_audit_hook(workdir: str, readable: tuple[str, ...] = (), program: str = "",
                       deny_fork: bool = False) -> None:
    """Refuse what kernel isolation would have stopped. In-process only: a
    determined program can get around it, which `report()` says.

    `readable`: prefixes (ending in a separator) and files a program may read
    besides its working directory, its own program file and its own /proc
    entries. `deny_fork`: refuse os.fork too, for root without a uid to drop
    to (RLIMIT_NPROC does not bind root, so a fork bomb could not be stopped
    otherwise)."""
    root = os.path.realpath(workdir) + os.sep
    getpid, getpgrp = os.getpid, os.getpgrp
    realpath, fspath = os.path.realpath, os.fspath
    allowed_devices = ("/dev/null", "/dev/zero")
    own_proc = (f"/proc/{getpid()}/", "/proc/self/", "/proc/thread-self/")
    prefixes = tuple(p for p in readable if p.endswith(os.sep)) + own_proc + (root,)
    files = {p for p in readable if not p.endswith(os.sep)} | {program, root.rstrip(os.sep)}

    def resolve(path) -> str:
        if isinstance(path, bytes):
            path = path.decode(errors="replace")
        return realpath(fspath(path))

    def outside(path) -> bool:
        if isinstance(path, int):
            return False
        p = resolve(path)
        return not (p + os.sep).startswith(root) and p not in allowed_devices

    def unreadable(path) -> bool:
        if isinstance(path, int):
            return False
        p = resolve(path)
        return p not in files and not (p + os.sep).startswith(prefixes)

    def hook(event, args):
        if event in _DENIED_EVENTS or (deny_fork and event == "os.fork"):
            raise PermissionError(f"sandbox: {event} is not allowed")
        if event == "open":
            path, mode, flags = args
            if path is None:
                return
            writing = (mode is not None and any(c in mode for c in "wax+")) or (
                flags is not None and flags & _WRITE_FLAGS
            )
            if writing and outside(path):
                raise PermissionError(f"sandbox: writing {path!r} is not allowed")
            if not writing and unreadable(path):
                raise PermissionError(f"sandbox: reading {path!r} is not allowed")
        elif event in ("os.listdir", "os.scandir"):
            path = args[0] if args else "."
            if path is not None and unreadable("." if path == "" else path):
                raise PermissionError(f"sandbox: listing {path!r} is not allowed")
        elif event in _PATH_EVENTS:
            for a in args[:2]:
                if isinstance(a, (str, bytes, os.PathLike)) and outside(a):
                    raise PermissionError(f"sandbox: {event} on {a!r} is not allowed")
        elif event in ("os.kill", "os.killpg"):
            # Only the program's own process group (it is a session leader):
            # without a PID namespace it could otherwise signal anything of
            # its uid, or everything when that uid is root.
            target = args[0]
            own = (0, getpid(), -getpgrp()) if event == "os.kill" else (0, getpgrp())
            if target not in own:
                raise PermissionError("sandbox: signalling other processes is not allowed")

    sys.addaudithook(hook)
