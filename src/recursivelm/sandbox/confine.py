"""The worker walls itself in, in Python, when bubblewrap is not installed ("unshare" containment).

Runs inside the worker before any model code, from the "confine" part of the host's start message:
1. New mount, pid, network, ipc, uts and cgroup namespaces (unshare(2)). As root they are made by host root
   and owned by the host's user namespace, so once the worker has switched to its unprivileged uid it
   holds no capability over any of them. Not root: a user namespace comes first, mapping only our own
   uid, and every capability it gave is dropped once the setup is done.
2. A fork: the child is pid 1 of the new pid namespace; the parent only waits for it and passes on its
   exit status (it closes the channel, so the host sees EOF when the worker dies). pid 1 forks again: it
   stays a minimal init (reaps orphans, holds nothing), and the worker goes on as pid 2.
3. A root filesystem rebuilt from an allowlist, as bubblewrap does: a small tmpfs holding the system
   directories, a few /etc files, this Python and the recursivelm package bound read-only, a minimal
   /dev, a fresh /proc of its own pid namespace, and a size-limited tmpfs at /tmp (home and working
   directory). pivot_root into it and detach the host's tree: nothing of the host is left beneath.
Then (every containment, bubblewrap included) `seal()` installs a seccomp filter: see BLOCKED_SYSCALLS.
"""

from __future__ import annotations

import ctypes
import os
import platform
import signal

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC = 0x20000, 0x02000000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWTIME = 0x10000000, 0x20000000, 0x40000000, 0x80
NAMESPACE_FLAGS = (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID
                   | CLONE_NEWNET | CLONE_NEWTIME)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC, MS_PRIVATE, MS_RELATIME = 1024, 2048, 4096, 16384, 1 << 18, 1 << 21
MNT_DETACH = 2
# statvfs flags a read-only remount must keep (a user namespace may not clear them): ST_* -> MS_*
_KEPT_MOUNT_FLAGS = {2: MS_NOSUID, 4: MS_NODEV, 8: MS_NOEXEC, 1024: MS_NOATIME, 2048: MS_NODIRATIME,
                     4096: MS_RELATIME}
PR_SET_PDEATHSIG, PR_SET_SECCOMP, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 22, 24, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL, SECCOMP_MODE_FILTER = 4, 2

NOBODY = 65534  # the uid and gid the sandbox's init process runs as on a root host
ROOT_TMPFS_BYTES = 4 << 20  # the tmpfs the new root is built in: directories and mount points only
DEV_NODES = ("null", "zero", "full", "random", "urandom", "tty")
DEV_LINKS = {"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1",
             "stderr": "/proc/self/fd/2"}

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> int:
    if result < 0 or (result != 0 and what.startswith("prctl")):
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")
    return result


def prctl(option: int, arg2: int = 0, arg3: int | ctypes.c_void_p = 0) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(arg2), arg3, ctypes.c_ulong(0), ctypes.c_ulong(0)), f"prctl({option})")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: None if s is None else s.encode()  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {source or ''} on {target}")


# ---------------------------------------------------------------------------------------------
# Syscall numbers: the two architectures we filter. Elsewhere the filter is not installed and
# `seccomp_supported()` says so (isolation says so too).

_ARCHES = {
    # machine: (AUDIT_ARCH_*, {name: number})
    "x86_64": (0xC000003E, dict(
        ptrace=101, process_vm_readv=310, process_vm_writev=311, mount=165, umount2=166, pivot_root=155,
        chroot=161, unshare=272, setns=308, kexec_load=246, kexec_file_load=320, init_module=175,
        finit_module=313, delete_module=176, bpf=321, perf_event_open=298, keyctl=250, add_key=248,
        request_key=249, memfd_create=319, memfd_secret=447, userfaultfd=323, io_uring_setup=425,
        io_uring_enter=426, io_uring_register=427, shmget=29, open_by_handle_at=304, name_to_handle_at=303,
        swapon=167, swapoff=168, reboot=169, acct=163, syslog=103, open_tree=428, move_mount=429, fsopen=430,
        fsconfig=431, fsmount=432, fspick=433, mount_setattr=442, kcmp=312, pidfd_getfd=438, quotactl=179,
        sethostname=170, setdomainname=171, vhangup=153, settimeofday=164, iopl=172, ioperm=173,
        clone=56, clone3=435)),
    "aarch64": (0xC00000B7, dict(
        ptrace=117, process_vm_readv=270, process_vm_writev=271, mount=40, umount2=39, pivot_root=41,
        chroot=51, unshare=97, setns=268, kexec_load=104, kexec_file_load=294, init_module=105,
        finit_module=273, delete_module=106, bpf=280, perf_event_open=241, keyctl=219, add_key=217,
        request_key=218, memfd_create=279, memfd_secret=447, userfaultfd=282, io_uring_setup=425,
        io_uring_enter=426, io_uring_register=427, shmget=194, open_by_handle_at=265, name_to_handle_at=264,
        swapon=224, swapoff=225, reboot=142, acct=89, syslog=116, open_tree=428, move_mount=429, fsopen=430,
        fsconfig=431, fsmount=432, fspick=433, mount_setattr=442, kcmp=272, pidfd_getfd=438, quotactl=60,
        sethostname=161, setdomainname=162, vhangup=58, settimeofday=170,
        clone=220, clone3=435)),
}

# What model code may not call (EPERM), once the worker is set up. Namespaces and mounts: no way back
# to the host's (or any new) view; ptrace & co.: no reading another process; kernel surfaces
# (modules, kexec, bpf, perf, keyrings, io_uring, userfaultfd) that bring privilege-escalation bugs;
# memory outside RLIMIT_AS (memfd_create/memfd_secret, SysV shared memory: shmget); host-wide settings.
BLOCKED_SYSCALLS = (
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen",
    "fsconfig", "fsmount", "fspick", "mount_setattr", "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
    "pidfd_getfd", "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "bpf",
    "perf_event_open", "keyctl", "add_key", "request_key", "memfd_create", "memfd_secret", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "shmget", "open_by_handle_at", "name_to_handle_at",
    "swapon", "swapoff", "reboot", "acct", "syslog", "quotactl", "sethostname", "setdomainname", "vhangup",
    "settimeofday", "iopl", "ioperm",
)
# clone(2) may make threads and processes, not namespaces. clone3(2) passes its flags in memory, where
# a filter cannot look: it answers ENOSYS, and the C library falls back to clone(2).
X32_SYSCALL_BIT = 0x40000000


def seccomp_supported() -> bool:
    return platform.machine() in _ARCHES


def _filter_program() -> list[tuple[int, int, int, int]]:
    """The BPF program: (code, jt, jf, k) per instruction. Anything of another architecture (i386 via
    int 0x80, x32) is refused: its numbers would mean other calls."""
    import errno as errnos

    arch, numbers = _ARCHES[platform.machine()]
    ld_w_abs, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    allow, eperm = 0x7FFF0000, 0x00050000 | errnos.EPERM
    enosys = 0x00050000 | errnos.ENOSYS
    blocked = sorted({numbers[name] for name in BLOCKED_SYSCALLS if name in numbers})
    # Layout: checks..., [n-3] ret ALLOW, [n-2] ret EPERM, [n-1] ret ENOSYS; jumps are relative.
    body: list[tuple[str, int, object, object]] = [("ld", 4, None, None), ("jeq", arch, 0, "EPERM"),
                                                    ("ld", 0, None, None)]
    if platform.machine() == "x86_64":
        body.append(("jge", X32_SYSCALL_BIT, "EPERM", 0))
    body += [("jeq", nr, "EPERM", 0) for nr in blocked]
    body.append(("jeq", numbers["clone3"], "ENOSYS", 0))
    body.append(("jeq", numbers["clone"], 0, "ALLOW"))
    body.append(("ld", 16, None, None))  # clone's flags: args[0], low 32 bits
    body.append(("jset", NAMESPACE_FLAGS, "EPERM", "ALLOW"))
    labels = {"ALLOW": len(body), "EPERM": len(body) + 1, "ENOSYS": len(body) + 2}
    program = []
    for i, (op, k, jt, jf) in enumerate(body):
        if op == "ld":
            program.append((ld_w_abs, 0, 0, k))
            continue
        rel = lambda target: target if isinstance(target, int) else labels[target] - i - 1  # noqa: E731
        program.append(({"jeq": jeq, "jge": jge, "jset": jset}[op], rel(jt), rel(jf), k))
    program += [(ret, 0, 0, allow), (ret, 0, 0, eperm), (ret, 0, 0, enosys)]
    return program


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def seal() -> bool:
    """no_new_privs, then the seccomp filter, for this thread and everything it starts from now on.
    Call before any other thread exists. Returns whether a filter was installed (not on other arches)."""
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    if not seccomp_supported():
        return False
    program = _filter_program()
    filters = (_SockFilter * len(program))(*[_SockFilter(*ins) for ins in program])
    fprog = _SockFprog(len(program), ctypes.cast(filters, ctypes.POINTER(_SockFilter)))
    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.cast(ctypes.pointer(fprog), ctypes.c_void_p))
    return True


# ---------------------------------------------------------------------------------------------
# Namespaces and the new root


def enter(spec: dict, keep_fds: tuple[int, ...]) -> None:
    """Make the namespaces, fork twice (this returns only in the worker, pid 2 of the new pid namespace) and
    build the new root. `spec`: see containment.confine_spec. Raises OSError when the kernel refuses."""
    uid, gid = os.getuid(), os.getgid()
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP
    if spec["user_namespace"]:
        flags |= CLONE_NEWUSER
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")
    if spec["user_namespace"]:  # map only ourselves: inside, we are our own uid, with capabilities here only
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
    child = os.fork()
    if child:
        _wait_and_pass_on(child, keep_fds)
    # The waiting parent gone (killed alone): end with it. (getppid() is 0 here, the parent being outside
    # the pid namespace, so a death before this line is not seen; the host kills the whole group anyway.)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    _build_root(spec)
    # Not root: every capability goes now. Root: only the bounding set; the worker still needs setuid &
    # co. to switch to its own uid, which then leaves it none (worker.drop_root verifies that).
    drop_capabilities(bounding_only=not spec["user_namespace"])
    # We are pid 1, which the kernel shields from signals sent inside the namespace (a worker could not
    # even kill itself) and to which orphans are handed: a small init stays pid 1, the worker is pid 2.
    worker = os.fork()
    if worker:
        _init(worker, keep_fds, root=not spec["user_namespace"])
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _init(worker: int, fds: tuple[int, ...], root: bool) -> None:
    """pid 1 of the sandbox: reap every orphan, and exit as the worker did (which ends the namespace)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # no handler: the namespace's processes cannot signal us
    for fd in (0, 1, *fds):
        try:
            os.close(fd)
        except OSError:
            pass
    if root:  # it needs no right at all; and nothing is left for a cell to ptrace or signal
        os.setgroups([])
        os.setresgid(NOBODY, NOBODY, NOBODY)
        os.setresuid(NOBODY, NOBODY, NOBODY)
    seal()
    while True:
        try:
            pid, status = os.wait()
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(1)
        if pid == worker:
            code = os.waitstatus_to_exitcode(status)
            os._exit(128 - code if code < 0 else code)


def _wait_and_pass_on(child: int, fds: tuple[int, ...]) -> None:
    """The parent outside the pid namespace: hold nothing of the channel, wait, exit as the child did."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    for fd in (0, 1, *fds):
        try:
            os.close(fd)
        except OSError:
            pass
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
    code = os.waitstatus_to_exitcode(status)
    os._exit(128 - code if code < 0 else code)  # a signal death reads as 128+N, as from a shell


def _bind_read_only(source: str, target: str) -> None:
    _mount(source, target, None, MS_BIND | MS_REC)
    kept = 0
    for st_flag, ms_flag in _KEPT_MOUNT_FLAGS.items():
        if os.statvfs(target).f_flag & st_flag:
            kept |= ms_flag
    _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | kept)
    for sub in _submounts(target):  # a recursive bind keeps submounts writable: make them read-only too
        flags = sum(ms for st, ms in _KEPT_MOUNT_FLAGS.items() if os.statvfs(sub).f_flag & st)
        _mount(None, sub, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | flags)


def _submounts(path: str) -> list[str]:
    prefix = path.rstrip("/") + "/"
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            point = line.split()[4]
            for escaped, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
                point = point.replace(escaped, char)  # how mountinfo writes these characters
            if point.startswith(prefix):
                found.append(point)
    return found


def _makedirs(path: str) -> None:
    os.makedirs(path, mode=0o755, exist_ok=True)
    os.chmod(path, 0o755)  # the umask must not narrow it: an unprivileged worker walks through it


def _build_root(spec: dict) -> None:
    new_root = spec["root"]
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing we mount reaches the host's namespace
    _mount("tmpfs", new_root, "tmpfs", MS_NOSUID | MS_NODEV, f"mode=0755,size={ROOT_TMPFS_BYTES}")
    at = lambda p: new_root + p  # noqa: E731
    for path in spec["system_dirs"]:
        if os.path.islink(path):
            os.symlink(os.readlink(path), at(path))
        elif os.path.isdir(path):
            _makedirs(at(path))
            _bind_read_only(path, at(path))
    _makedirs(at("/etc"))
    for name in spec["etc_files"]:
        source = "/etc/" + name
        if not os.path.exists(source):
            continue
        if os.path.isdir(source):
            _makedirs(at(source))
        else:
            open(at(source), "w").close()
        _bind_read_only(source, at(source))
    # The private tmpfs before the binds: Python or the package may live below /tmp (a virtualenv or a
    # clone made there), and a bind made first would be hidden under it.
    _makedirs(at(spec["workdir"]))
    _mount("tmpfs", at(spec["workdir"]), "tmpfs", MS_NOSUID | MS_NODEV,
           f"mode=0755,size={int(spec['workdir_bytes'])}")
    for path in spec["binds"]:
        _makedirs(at(path))
        _bind_read_only(path, at(path))
    _makedirs(at("/dev"))
    for name in DEV_NODES:
        if os.path.exists("/dev/" + name):
            open(at("/dev/" + name), "w").close()
            _mount("/dev/" + name, at("/dev/" + name), None, MS_BIND)
    for name, target in DEV_LINKS.items():
        os.symlink(target, at("/dev/" + name))
    _makedirs(at("/proc"))
    _mount("proc", at("/proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    # Into the new root; the old one is stacked beneath it by pivot_root(".", ".") and then detached.
    os.chdir(new_root)
    _check(_libc.syscall(ctypes.c_long(_pivot_root_nr()), b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), "umount2 the host's root")
    os.chdir("/")
    _mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    hostname = spec["hostname"].encode()
    _check(_libc.sethostname(hostname, len(hostname)), "sethostname")


def _pivot_root_nr() -> int:
    machine = platform.machine()
    if machine not in _ARCHES:
        raise OSError(f"pivot_root: the syscall number for {machine} is not known here")
    return _ARCHES[machine][1]["pivot_root"]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_capabilities(bounding_only: bool = False) -> None:
    """Every capability, from every set (bounding, ambient, permitted, effective), for good; or only
    from the bounding and ambient sets (none can be gained again, those held stay)."""
    with open("/proc/sys/kernel/cap_last_cap") as f:
        last = int(f.read())
    for cap in range(last + 1):
        try:
            prctl(PR_CAPBSET_DROP, cap)
        except OSError:
            pass  # not in the bounding set already
    try:
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    except OSError:
        pass  # a kernel without ambient capabilities
    if bounding_only:
        return
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")
