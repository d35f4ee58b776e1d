"""Finding the simulator's external tools and running them as well-behaved child processes.

Tools (etcd, kube-apiserver, kube-controller-manager, vcsim) and VM Operator CRDs are built by `make tools`
into a checkout's `.tools/bin` and `.tools/crds/<release>`. Lookup, in order: `VMSERVICE_TOOLS_BIN` /
`VMSERVICE_CRDS_DIR` when set; else the first `.tools/` found walking up from the current directory; then
`PATH` for binaries. Nothing depends on where this package is installed.

Every child runs in its own session (so its process group can be signalled as a whole), writes its output to
log files, and is stopped with SIGTERM, a grace period, then SIGKILL.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

TOOLS_BIN_ENV = "VMSERVICE_TOOLS_BIN"
CRDS_DIR_ENV = "VMSERVICE_CRDS_DIR"
TOOLS_DIR = ".tools"
MAKE_TOOLS = "run `make tools` in the pulumi-vmservice checkout"


class ToolMissing(RuntimeError):
    """A binary or CRD set the simulator needs is not there; `make tools` builds it."""


class StartError(RuntimeError):
    """A simulator component did not become ready (it exited, or a readiness wait timed out)."""


def find_tools_dir(start: Path | None = None) -> Path | None:
    """The first `.tools/` directory in `start` (default: the current directory) or one of its parents."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / TOOLS_DIR
        if candidate.is_dir():
            return candidate
    return None


def _located(env_name: str, sub_dir: str) -> tuple[Path | None, str]:
    """Where to look (None: nowhere) and how that place was chosen, for error messages."""
    override = os.environ.get(env_name)
    if override:
        return Path(override), f"${env_name} ({override})"
    tools_dir = find_tools_dir()
    if tools_dir is None:
        return None, f"{TOOLS_DIR}/{sub_dir} in {Path.cwd()} or its parents (none found)"
    return tools_dir / sub_dir, str(tools_dir / sub_dir)


def tools_bin_dir() -> Path | None:
    """The directory tool binaries are looked up in before `PATH` (None when there is none)."""
    return _located(TOOLS_BIN_ENV, "bin")[0]


def crds_root() -> Path | None:
    """The directory holding one folder of VM Operator CRDs per release (None when there is none)."""
    return _located(CRDS_DIR_ENV, "crds")[0]


def find_tool(name: str) -> Path:
    """Path of the executable `name`: `$VMSERVICE_TOOLS_BIN` or a walked-up `.tools/bin`, then `PATH`."""
    directory, looked_at = _located(TOOLS_BIN_ENV, "bin")
    if directory is not None:
        candidate = directory / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    raise ToolMissing(
        f"{name} not found: looked in {looked_at} and on PATH ({os.environ.get('PATH', '')}); "
        f"{MAKE_TOOLS} to build it, or set {TOOLS_BIN_ENV} to a directory holding it"
    )


def crd_dir(release: str) -> Path:
    """Directory holding the VM Operator CRD manifests (`*.yaml`) of `release`, e.g. "8.0u3" or "9.1"."""
    root, looked_at = _located(CRDS_DIR_ENV, "crds")
    directory = root / release if root is not None else None
    if directory is None or not directory.is_dir() or not any(directory.glob("*.yaml")):
        where = f"{directory}" if directory is not None else looked_at
        raise ToolMissing(
            f"VM Operator CRDs for release {release} not found: looked in {where}; "
            f"{MAKE_TOOLS} to generate them, or set {CRDS_DIR_ENV} to their root"
        )
    return directory


def pinned_tool_env() -> dict[str, str]:
    """`VMSERVICE_TOOLS_BIN` / `VMSERVICE_CRDS_DIR` for what this process found, for a child that runs
    elsewhere (the daemon works in its own directory, where walking up would find nothing)."""
    env: dict[str, str] = {}
    for env_name, located in ((TOOLS_BIN_ENV, tools_bin_dir()), (CRDS_DIR_ENV, crds_root())):
        if located is not None and located.is_dir():
            env[env_name] = str(located.resolve())
    return env


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """`count` distinct free ports on `host` (all sockets stay bound until every port is picked)."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            sockets.append(sock)
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def tail_file(path: Path, lines: int = 40, max_bytes: int = 64 * 1024) -> str:
    """The last `lines` lines of a log file (empty when it does not exist)."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - max_bytes))
            data = handle.read()
    except OSError:
        return ""
    return "\n".join(data.decode("utf-8", "replace").splitlines()[-lines:])


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (zombies count as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def process_group_members(pgid: int) -> list[int]:
    """Live (non-zombie) pids whose process group is `pgid`, read from /proc."""
    members: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[-1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def terminate_group(pgid: int, grace: float = 5.0) -> None:
    """SIGTERM a process group, wait up to `grace` seconds, then SIGKILL what is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while process_group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


class ManagedProcess:
    """One child process in its own session, output kept in log files."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log_path: Path,
        *,
        stdout_path: Path | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = [str(arg) for arg in argv]
        self.log_path = log_path
        self.stdout_path = stdout_path
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self._popen: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen is not None else None

    @property
    def returncode(self) -> int | None:
        return self._popen.poll() if self._popen is not None else None

    def start(self) -> None:
        """Start the process (log files are appended to, so a restart keeps the earlier output)."""
        if self._popen is not None and self._popen.poll() is None:
            raise RuntimeError(f"{self.name} is already running (pid {self._popen.pid})")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as files:
            stderr = files.enter_context(self.log_path.open("ab"))
            stdout = files.enter_context(self.stdout_path.open("ab")) if self.stdout_path else stderr
            self._popen = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    def tail(self, lines: int = 40) -> str:
        return tail_file(self.log_path, lines)

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM the process group, wait `grace` seconds, SIGKILL; reaps the child. Idempotent."""
        popen = self._popen
        if popen is None:
            return
        pgid = popen.pid  # start_new_session: the child leads its own process group
        if popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGTERM)
            try:
                popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pgid, signal.SIGKILL)
                popen.wait()
        # Anything the child left behind in its group goes too.
        if process_group_members(pgid):
            terminate_group(pgid, grace=1.0)

    def kill(self) -> None:
        """SIGKILL the process group at once (a crash, for fault injection) and reap the child."""
        popen = self._popen
        if popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(popen.pid, signal.SIGKILL)
        popen.wait()

    def describe_failure(self, problem: str, lines: int = 40) -> str:
        state = f"exited with code {self.returncode}" if self._popen and not self.alive() else "is running"
        tail = self.tail(lines) or "(empty)"
        return f"{self.name} {problem}; it {state}. Last lines of {self.log_path}:\n{tail}"


def wait_until(
    what: str,
    check: Callable[[], bool],
    *,
    timeout: float,
    watch: Sequence[ManagedProcess] = (),
    interval: float = 0.05,
) -> float:
    """Poll `check` until it returns True; return the seconds waited.

    Raises StartError (with the log tail of the failing process) when a watched process exits or `timeout`
    passes.
    Exceptions from `check` count as "not ready yet"; the last one is reported on timeout.
    """
    started = time.monotonic()
    deadline = started + timeout
    last_error: BaseException | None = None
    while True:
        for proc in watch:
            if not proc.alive():
                raise StartError(proc.describe_failure(f"exited while waiting for {what}"))
        try:
            if check():
                return time.monotonic() - started
        except Exception as exc:
            last_error = exc
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            message = f"timed out after {timeout:.0f}s waiting for {what}{detail}"
            if watch:
                message += "\n" + "\n".join(proc.describe_failure("is not ready") for proc in watch)
            raise StartError(message)
        time.sleep(interval)
