"""Kernel isolation for the fork server and its children.

Set up once in the server (`setup`), then cheaply per run:

- network: a new, empty network namespace (only a down loopback), so no
  connection leaves the sandbox;
- filesystem: a private mount namespace where every mount is read-only except
  a private tmpfs holding the per-run working directories; it vanishes with
  the server, so nothing a program writes is left behind;
- processes: a fresh PID namespace per run (`before_fork`), so when the run's
  first process ends the kernel kills every process it left behind, and a
  program cannot see or signal anything outside; plus a subreaper sweep for
  machines without PID namespaces;
- identity: when the server is real root, each run drops to an unprivileged
  uid of its own (100000 + server pid), which makes RLIMIT_NPROC effective
  (root is exempt) and leaves no capability to undo the mounts.

Namespaces need root or unprivileged user namespaces. Where neither is
allowed (e.g. Docker's default seccomp profile), `setup` falls back to
"process" mode: an in-process audit hook refuses network, writes outside the
working directory, exec and ctypes. `report()` states which layers are active,
and every run's result carries it.
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


def _mount_points() -> list[str]:
    points = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            raw = line.split()[4]
            # mountinfo escapes space, tab, newline and backslash as octal
            points.append(raw.encode().decode("unicode_escape").encode("latin-1").decode())
    return points


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
        self.notes: list[str] = []
        self._own_pidns: int | None = None

    def report(self) -> dict:
        return {
            "mode": "namespaces" if self.namespaces != "none" else "process",
            "network_namespace": self.network,
            "readonly_filesystem": self.filesystem,
            "pid_namespace_per_run": self.pid_namespace,
            "unprivileged_uid": self.run_uid,
            "rlimits": True,
            "nproc_limit": self.nproc_binds,
            "subreaper": True,
            "audit_hook": self.needs_audit_hook,
            "notes": list(self.notes),
        }

    @property
    def nproc_binds(self) -> bool:
        """RLIMIT_NPROC never binds uid 0 of the initial user namespace."""
        return self.run_uid is not None or not self.real_root

    @property
    def needs_audit_hook(self) -> bool:
        return not (self.network and self.filesystem and self.pid_namespace and self.nproc_binds)

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
        """Last steps in the child before the program runs: identity and privileges."""
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


def interpreter_paths() -> set[str]:
    """Directories a program needs to read to run and import modules."""
    import effiskel

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)),
             os.path.dirname(os.path.dirname(os.path.abspath(effiskel.__file__)))}
    paths |= {p for p in sys.path if p and os.path.isdir(p)}
    return {os.path.realpath(p) for p in paths}


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


def _expose(paths: set[str]) -> list[str]:
    """Let an unprivileged uid reach `paths` inside our private mount namespace.

    A directory on the way that others cannot traverse (typically /root, when
    Python lives in /root/.pyenv) is covered by a world-traversable tmpfs into
    which only the needed children are bind-mounted back; the rest of it is
    hidden from programs. Returns the directories so covered."""
    covered = []
    for _ in range(16):  # a needed child may itself be blocked: repeat
        blocked = sorted({b for p in paths if (b := _blocked_ancestor(p))}, key=len)
        if not blocked:
            return covered
        top = blocked[0]
        keep = os.open(top, os.O_PATH | os.O_DIRECTORY)
        try:
            children = {os.path.relpath(p, top).split("/")[0] for p in paths
                        if p.startswith(top + "/")}
            _mount("tmpfs", top, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
            for child in sorted(children):
                src, dst = f"/proc/self/fd/{keep}/{child}", os.path.join(top, child)
                if os.path.isdir(src):
                    os.mkdir(dst)
                else:
                    open(dst, "w").close()
                _mount(src, dst, None, MS_BIND | MS_REC, None)
        finally:
            os.close(keep)
        covered.append(top)
    raise OSError(f"could not expose {sorted(paths)}")


def _is_real_root() -> bool:
    if os.geteuid() != 0:
        return False
    try:
        with open("/proc/self/uid_map") as f:
            return f.read().split() == ["0", "0", "4294967295"]
    except OSError:
        return False


def setup(scratch: str, mode: str = "auto", scratch_mb: int = 1024) -> Isolation:
    """Isolate the calling (server) process; `mode` "auto" tries namespaces, "process" skips them.

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
            return iso
    iso.network = True
    try:
        _mount(None, "/", None, MS_REC | MS_PRIVATE, None)
        _mount("tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV, f"size={scratch_mb}m,mode=0711")
        if iso.run_uid is not None:
            covered = _expose(interpreter_paths())
            if covered:
                iso.notes.append(f"hidden from programs except the interpreter: {covered}")
        failed = []
        for point in _mount_points():
            if point == scratch or point.startswith(scratch + "/"):
                continue
            try:
                flags = MS_REMOUNT | MS_BIND | MS_RDONLY | _preserved_flags(point)
                _mount(None, point, None, flags, None)
            except OSError as e:
                failed.append(f"{point} ({e.strerror})")
        # A mount that stayed writable is a hole only if the program can write
        # there; pseudo filesystems below /proc and /sys are not such places.
        holes = [p for p in failed if not p.startswith(("/proc", "/sys"))]
        iso.filesystem = not holes
        if failed:
            iso.notes.append(f"could not make read-only: {', '.join(failed[:10])}")
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


def install_audit_hook(workdir: str, deny_fork: bool = False) -> None:
    """Refuse what kernel isolation would have stopped. In-process only: a
    determined program can get around it, which `report()` says. `deny_fork`:
    refuse os.fork too, for root without a uid to drop to (RLIMIT_NPROC does
    not bind root, so a fork bomb could not be stopped otherwise)."""
    root = os.path.realpath(workdir) + os.sep
    getpid, getpgrp = os.getpid, os.getpgrp
    realpath, fspath = os.path.realpath, os.fspath
    allowed_devices = ("/dev/null", "/dev/zero")

    def outside(path) -> bool:
        if isinstance(path, int):
            return False
        p = realpath(fspath(path) if not isinstance(path, bytes) else path.decode(errors="replace"))
        return not (p + os.sep).startswith(root) and p not in allowed_devices

    def hook(event, args):
        if event in _DENIED_EVENTS or (deny_fork and event == "os.fork"):
            raise PermissionError(f"sandbox: {event} is not allowed")
        if event == "open":
            path, mode, flags = args
            writing = (mode is not None and any(c in mode for c in "wax+")) or (
                flags is not None and flags & _WRITE_FLAGS
            )
            if writing and path is not None and outside(path):
                raise PermissionError(f"sandbox: writing {path!r} is not allowed")
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
