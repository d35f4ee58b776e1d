"""The simulator daemon's state file (DIR/state.json) and process identities that survive pid reuse."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from pathlib import Path
from typing import Any

from vmservice_sim.tools import pid_alive, process_group_members

STATE_FILE = "state.json"


def state_path(directory: Path) -> Path:
    return directory / STATE_FILE


def read_state(directory: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(state_path(directory).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_state(directory: Path, state: dict[str, Any]) -> None:
    """Atomically replace the state file (mode 0600: it holds the control token)."""
    path = state_path(directory)
    scratch = path.with_suffix(".tmp")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(state, handle, indent=2, sort_keys=True)
    os.replace(scratch, path)


def start_ticks(pid: int) -> int | None:
    """The process start time (clock ticks since boot) from /proc; None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    try:
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (IndexError, ValueError):
        return None


def identity(pid: int | None) -> dict[str, int] | None:
    if pid is None:
        return None
    ticks = start_ticks(pid)
    return {"pid": pid, "start": ticks} if ticks is not None else None


def same_process(ident: Any) -> bool:
    """Whether the process recorded as {pid, start} is still that process (and alive)."""
    if not isinstance(ident, dict) or not isinstance(ident.get("pid"), int):
        return False
    pid = int(ident["pid"])
    return pid_alive(pid) and start_ticks(pid) == ident.get("start")


def kill_group(ident: Any, sig: int = signal.SIGKILL) -> None:
    """Signal the process group led by a recorded process (every child runs in its own session)."""
    if not same_process(ident):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(int(ident["pid"]), sig)


def wait_gone(idents: list[Any], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(same_process(i) for i in idents) and not any(
            process_group_members(int(i["pid"])) for i in idents if isinstance(i, dict) and "pid" in i
        ):
            return True
        time.sleep(0.05)
    return not any(same_process(i) for i in idents)
