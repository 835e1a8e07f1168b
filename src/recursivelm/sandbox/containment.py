"""How the isolated sandbox's worker is walled in: the mechanism, its command line, the worker's
environment, its resource limits, and a plain description of what is active.

Three levels, strongest first; `containment="auto"` takes the first that works on this machine:
- "bwrap" (bubblewrap): new pid, network, ipc, uts and cgroup namespaces (and a user namespace when not
  root). The filesystem is rebuilt from an allowlist: the system directories, a few harmless /etc files,
  this Python and the recursivelm package, all read-only, plus a private size-limited tmpfs at /tmp that
  is the worker's home and working directory. Nothing else of the host (home directories, /tmp, /work,
  /var, /proc of the host) exists in its view.
- "unshare": no tool needed. The worker makes the same namespaces itself (unshare(2), a user namespace
  first when not root) and rebuilds the same allowlisted filesystem before any model code runs
  (confine.py). The fallback of a machine without bubblewrap.
- "none": no namespaces at all. Refused unless the user opts in (allow_network=True or the environment
  variable RECURSIVELM_ALLOW_NO_NETNS=1), with a loud warning.

When the host runs as root, the worker switches to an unprivileged uid of its own (random, unused by the
host) before any model code runs, so file permissions and the process limit bind it; "unshare" refuses
to run model code as root at all. Every mode then installs a seccomp filter (confine.BLOCKED_SYSCALLS).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import platform
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from . import confine

log = logging.getLogger("recursivelm.sandbox")  # the isolated sandbox's logger

BWRAP, UNSHARE, NONE = "bwrap", "unshare", "none"
CONTAINMENTS = ("auto", BWRAP, UNSHARE, NONE)
ALLOW_NO_NETNS_ENV = "RECURSIVELM_ALLOW_NO_NETNS"

GiB, MiB = 1 << 30, 1 << 20

# The filesystem the bwrap worker sees: these system directories read-only (symlinks mirrored as links)...
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# ...and from /etc only what the dynamic linker, time zones and user lookups read (no secrets).
ETC_ALLOWLIST = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "alternatives", "passwd", "group",
                 "nsswitch.conf", "mime.types")
SANDBOX_WORKDIR = "/tmp"  # the private tmpfs inside the sandbox (bwrap, unshare): home, cwd, the only writable place
WORKER_PATH = "/usr/local/bin:/usr/bin:/bin"
WORKER_HOSTNAME = "rlm-sandbox"

# Unprivileged uids for root hosts: a random one per sandbox, so concurrent sandboxes never share a
# process count, and far above the ranges distributions hand out (users, subuid ranges for containers).
SANDBOX_UID_BASE = 1_500_000_000
SANDBOX_UID_SPAN = 100_000_000
PROBE_TIMEOUT_S = 20.0  # one trial start of a containment, to see whether it works on this machine


@dataclass(frozen=True)
class SandboxLimits:
    """Every limit of the isolated sandbox, with its default. Pass `IsolatedSandbox(limits=...)` to change."""

    memory_bytes: int = 4 * GiB  # RLIMIT_AS of each worker process (address space; the context counts)
    cpu_seconds: int = 3_600  # RLIMIT_CPU: CPU time of one worker process over its life (a backstop)
    max_processes: int = 128  # RLIMIT_NPROC: processes and threads of the sandbox's user (see describe())
    max_open_files: int = 256  # RLIMIT_NOFILE
    max_file_bytes: int = 256 * MiB  # RLIMIT_FSIZE: the largest file the worker may write
    workdir_bytes: int = 512 * MiB  # size of the private tmpfs working directory (bwrap, unshare)
    max_cell_output_chars: int = 1_000_000  # printed output one cell sends back; the rest is cut, with a note
    max_message_bytes: int = 64 * MiB  # the largest message the host accepts from the worker
    max_inbox_bytes: int = 128 * MiB  # messages received but not yet handled; past it, the worker waits
    max_concurrent_subcalls: int = 64  # sub-calls one worker may have in flight at once
    kill_grace_s: float = 2.0  # past a cell's timeout, how long the worker gets to stop it before SIGKILL
    start_timeout_s: float = 60.0  # starting a worker and loading the context into it

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value <= 0:
                raise ValueError(f"sandbox limit {name} must be > 0, got {value!r}")


class SandboxUnavailable(RuntimeError):
    """The requested containment cannot be had here. The message says what to install or allow."""


class WeakIsolationWarning(UserWarning):
    """The worker runs with less isolation than bubblewrap gives (the message says what is missing)."""


@dataclass(frozen=True)
class Plan:
    """What contains one worker: the mechanism and whether the worker gives up root."""

    mode: str  # BWRAP | UNSHARE | NONE
    drop_root: bool  # the host is root and the worker switches to an unprivileged uid of its own
    user_namespace: bool  # the mechanism made a user namespace (non-root host): the process count is per sandbox
    passed_over: tuple[str, ...] = ()  # why each stronger containment was not used

    @property
    def limits_processes(self) -> bool:
        """RLIMIT_NPROC binds only a non-root user; and it counts all processes of that user, so it is
        set only where that user is the sandbox's alone (its own uid, or its own user namespace)."""
        return self.drop_root or self.user_namespace

    @property
    def private_workdir_is_tmpfs(self) -> bool:
        return self.mode in (BWRAP, UNSHARE)


def host_is_root() -> bool:
    return os.geteuid() == 0


def new_sandbox_uid() -> int:
    return SANDBOX_UID_BASE + secrets.randbelow(SANDBOX_UID_SPAN)


def package_dir() -> Path:
    """The recursivelm package directory the worker imports from (bound read-only into the sandbox)."""
    return Path(__file__).resolve().parent.parent


def python_dirs() -> list[str]:
    """The directories this Python needs (prefixes, the executable's directory), outside SYSTEM_DIRS."""
    candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                  os.path.dirname(sys.executable), os.path.dirname(os.path.realpath(sys.executable))}
    dirs = sorted({os.path.realpath(c) for c in candidates if c} | {os.path.normpath(c) for c in candidates if c})
    kept: list[str] = []
    for d in dirs:
        if _under_any(d, SYSTEM_DIRS) or _under_any(d, kept):
            continue
        kept.append(d)
    return kept


def bound_dirs() -> list[str]:
    """This Python's directories and the package, each once (the package may sit inside the venv)."""
    bound: list[str] = []
    for d in python_dirs() + [str(package_dir())]:
        if not _under_any(d, bound):
            bound.append(d)
    return bound


def _under_any(path: str, roots) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


# ---------------------------------------------------------------------------------------------
# Command lines


def bwrap_command(python_argv: list[str], limits: SandboxLimits, drop_root: bool) -> list[str]:
    """bwrap with a filesystem rebuilt from an allowlist, every namespace new, and a private tmpfs."""
    args = ["bwrap", "--die-with-parent", "--new-session", "--hostname", WORKER_HOSTNAME]
    if host_is_root():
        # As root, bwrap makes no user namespace (it would map the worker to host root anyway). The
        # worker keeps just what it needs to chown its tmpfs and switch to its own uid; without the
        # switch it keeps no capability at all.
        args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                 "--cap-drop", "ALL"]
        if drop_root:
            args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_CHOWN"]
    else:
        args += ["--unshare-all"]
    for d in SYSTEM_DIRS:
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    # bwrap would make /etc 0700 (as the parent of the files below): the unprivileged worker could not
    # read them (pwd.getpwuid failed).
    args += ["--perms", "0755", "--dir", "/etc"]
    for name in ETC_ALLOWLIST:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    # The private tmpfs first: Python may live below /tmp (a venv made there) and is bound on top of it.
    args += ["--dev", "/dev", "--proc", "/proc", "--size", str(limits.workdir_bytes), "--tmpfs", SANDBOX_WORKDIR]
    made: set[str] = {SANDBOX_WORKDIR, "/etc"}
    for d in bound_dirs():
        # Parents like /root are 0700 on the host; bwrap would copy that. Make them traversable so the
        # unprivileged worker reaches the one directory bound below them (and nothing else is there).
        for parent in reversed(Path(d).parents):
            p = str(parent)
            if p != "/" and p not in made and not _under_any(p, SYSTEM_DIRS):
                args += ["--perms", "0755", "--dir", p]
                made.add(p)
        args += ["--ro-bind", d, d]
    return args + ["--chdir", SANDBOX_WORKDIR, "--", *python_argv]


def confine_spec(limits: SandboxLimits, new_root: str) -> dict:
    """What an "unshare" worker builds for itself (confine.enter): the same view as bwrap's. `new_root`:
    an empty host directory it mounts its root tmpfs on (in its own mount namespace only)."""
    return {"root": new_root, "system_dirs": list(SYSTEM_DIRS), "etc_files": list(ETC_ALLOWLIST),
            "binds": bound_dirs(), "workdir": SANDBOX_WORKDIR, "workdir_bytes": limits.workdir_bytes,
            "hostname": WORKER_HOSTNAME, "user_namespace": not host_is_root()}


def command(plan: Plan, python_argv: list[str], limits: SandboxLimits) -> list[str]:
    """bwrap's command line; the other modes start Python directly ("unshare" confines itself)."""
    if plan.mode == BWRAP:
        return bwrap_command(python_argv, limits, plan.drop_root)
    return list(python_argv)


def worker_environment(workdir: str) -> dict[str, str]:
    """The worker's whole environment: nothing of the host's (no API keys, tokens, proxies)."""
    return {
        "PATH": WORKER_PATH,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": workdir,
        "TMPDIR": workdir,
        "PYTHONDONTWRITEBYTECODE": "1",  # the package is read-only to the worker; do not try to cache
    }


# ---------------------------------------------------------------------------------------------
# Choosing a plan


def readable_by_others(paths: list[str]) -> bool:
    """Whether an unrelated user can reach every path (each parent searchable, each path readable)."""
    for path in paths:
        p = Path(path)
        for parent in [*reversed(p.parents), p]:
            try:
                mode = parent.stat().st_mode
            except OSError:
                return False
            if not mode & stat.S_IXOTH or (parent == p and not mode & stat.S_IROTH):
                return False
    return True


@functools.lru_cache(maxsize=None)
def probe(mode: str, drop_root: bool) -> str | None:
    """Start a trivial worker under this containment, confined, sealed and (if asked) without root, as
    a real one is. None when it works, else why not (cached)."""
    from .worker import PROBE_BOOTSTRAP  # the worker's own code does the trial

    tool = {BWRAP: "bwrap"}.get(mode)
    if tool and shutil.which(tool) is None:
        return f"{tool} is not installed"
    needed = [os.path.dirname(os.__file__), str(package_dir())]
    if drop_root and mode == NONE and not readable_by_others(needed + [sys.executable]):
        return "Python or the recursivelm package is not readable by other users (e.g. it lives under /root)"
    scratch = tempfile.mkdtemp(prefix="rlm-probe-")  # the new root's mount point, or the workdir (none)
    try:
        spec = {"confine": confine_spec(SandboxLimits(), scratch) if mode == UNSHARE else None,
                "uid": new_sandbox_uid() if drop_root else None, "needed": needed,
                "workdir": scratch if mode == NONE else SANDBOX_WORKDIR}
        argv = [sys.executable, "-I", "-c", PROBE_BOOTSTRAP, str(package_dir().parent), json.dumps(spec)]
        plan = Plan(mode, drop_root, user_namespace=not host_is_root())
        try:
            done = subprocess.run(command(plan, argv, SandboxLimits()), env=worker_environment("/"), cwd="/",
                                  capture_output=True, timeout=PROBE_TIMEOUT_S, start_new_session=True)
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"{tool or 'python'} could not start: {e}"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
        return f"{tool or mode} failed (exit {done.returncode}): {detail[-1] if detail else 'no message'}"
    return None


def choose_plan(containment: str = "auto", allow_network: bool = False) -> Plan:
    """The strongest containment that works here (or the one asked for). Raises SandboxUnavailable."""
    if containment not in CONTAINMENTS:
        raise ValueError(f"unknown containment {containment!r}: use one of {', '.join(CONTAINMENTS)}")
    allow_network = allow_network or os.environ.get(ALLOW_NO_NETNS_ENV, "") not in ("", "0")
    modes = [BWRAP, UNSHARE, NONE] if containment == "auto" else [containment]
    root = host_is_root()
    failures: list[str] = []
    for mode in modes:
        if mode == NONE and not allow_network:
            failures.append("none: refused, since model code could then reach the network (unless "
                            f"allow_network=True or {ALLOW_NO_NETNS_ENV}=1)")
            continue
        # As root, a worker that keeps root is contained far less: try dropping it first. "unshare" never
        # keeps it: its namespaces belong to the host's root, who must not be the one running model code.
        for drop_root in ([True] if root and mode == UNSHARE else [True, False] if root else [False]):
            reason = probe(mode, drop_root)
            if reason is None:
                return Plan(mode, drop_root, user_namespace=not root and mode != NONE, passed_over=tuple(failures))
            failures.append(f"{mode}{' (as an unprivileged uid)' if drop_root else ''}: {reason}")
    raise SandboxUnavailable(  # one line: the CLI prints it as it is
        f"the isolated sandbox cannot contain model code on this machine ({'; '.join(failures)}): install "
        "bubblewrap (apt-get install bubblewrap) and allow user namespaces, or use --sandbox inprocess "
        "(sandbox='inprocess') for trusted models only")


# ---------------------------------------------------------------------------------------------
# Saying what is active


def _size(n: int) -> str:
    return f"{n / GiB:g} GiB" if n >= GiB else f"{n / MiB:g} MiB"


def describe(plan: Plan, limits: SandboxLimits, uid: int | None) -> str:
    """One paragraph in plain words: what the worker cannot do, and what it still can."""
    if plan.drop_root:
        who = f"runs as uid {uid} (not root, no capabilities)"
    elif host_is_root():
        who = ("runs as ROOT" + (" with no capabilities" if plan.mode == BWRAP else " with root's full rights"))
    else:
        who = "runs as your user" + (" inside its own user namespace" if plan.user_namespace else "")
    nproc = (f"{limits.max_processes} processes/threads" if plan.limits_processes
             else "process count NOT limited (root, or a user shared with the host)")
    rlimits = (f"limits: memory {_size(limits.memory_bytes)} (address space), CPU {limits.cpu_seconds} s per process, "
               f"{nproc}, {limits.max_open_files} open files, files up to {_size(limits.max_file_bytes)}; "
               f"each cell is killed (SIGKILL) {limits.kill_grace_s:g} s after its timeout if it does not stop")
    if plan.mode in (BWRAP, UNSHARE):
        fs = (f"no network (own network namespace, loopback only); own pid/ipc/uts namespaces; filesystem: only the "
              f"system directories, Python and the recursivelm package, read-only (host home directories, /tmp, "
              f"/work, /var and other processes are not visible); writable: a private {_size(limits.workdir_bytes)} "
              f"tmpfs at {SANDBOX_WORKDIR}, lost when the worker restarts")
    else:
        fs = ("NO NETWORK ISOLATION and NO FILESYSTEM ISOLATION: the worker can reach the network and the host's "
              "files with its user's rights; only a separate process with a clean environment")
    made = {BWRAP: "bubblewrap", UNSHARE: "namespaces the worker makes itself, as bubblewrap would"}.get(plan.mode)
    seccomp = ("seccomp filter: no namespaces, mounts, ptrace, memory files (memfd), SysV shared memory, bpf, "
               "perf, keyrings, io_uring or module loading" if confine.seccomp_supported()
               else f"NO seccomp filter (not written for {platform.machine()})")
    return (f"isolated worker process ({plan.mode}{f': {made}' if made else ''}): environment cleared (no host "
            f"secrets); {fs}; {who}; {seccomp}; {rlimits}. Sub-calls go through the host, which holds every API key.")


# ---------------------------------------------------------------------------------------------
# Warning about it, and ending it


def warn_if_weak(plan: Plan) -> None:
    """One line when the containment is weaker than bubblewrap (a WeakIsolationWarning; the CLI prints it
    once, `-q` silences it). Called by the sandbox's constructor: the warning names its caller."""
    if plan.mode == BWRAP or (plan.mode == UNSHARE and not plan.passed_over):
        return  # bubblewrap, or what the caller asked for
    if plan.mode == NONE:
        message = ("ISOLATED SANDBOX WITHOUT NETWORK ISOLATION: model code can reach the network and the "
                   "host's files. You opted in (allow_network / RECURSIVELM_ALLOW_NO_NETNS); install "
                   "bubblewrap to contain it.")
        log.warning(message)
    else:
        message = (f"sandbox: {plan.passed_over[0]}, so the worker contains itself (own namespaces, "
                   "read-only allowlisted files, seccomp; see docs/sandbox.md); apt-get install bubblewrap "
                   "for the widely used tool")
    if plan.mode == NONE and plan.passed_over:
        message += " Not used: " + "; ".join(plan.passed_over)
    warnings.warn(message, WeakIsolationWarning, stacklevel=3)


def kill_children(pid: int) -> bool:
    """SIGKILL the direct children of `pid` (where the kernel lists them). Whether there were any."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(c) for c in f.read().split()]
    except (OSError, ValueError):
        return False
    for child in children:
        try:
            os.kill(child, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    return bool(children)


def exit_status(proc: subprocess.Popen, wait_s: float) -> str:
    try:
        code = proc.wait(timeout=wait_s)
    except subprocess.TimeoutExpired:
        return "it closed its channel but kept running"
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    if code > 128 and code - 128 in signal.valid_signals():  # bwrap and shells report a signal death so
        return f"killed by {signal.Signals(code - 128).name}"
    return f"exit status {code}"
