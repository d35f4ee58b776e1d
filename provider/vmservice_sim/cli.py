"""`vmservice-sim`: run a simulated vSphere Supervisor (VM Service) on this machine.

vmservice-sim up --dir .demo/sim [--api-release 8.0u3|9.1] [--power-on-delay S] [--ip-delay S]
                  [--capability NAME=on|off ...] [--feature NAME=on|off ...] [--privileged-user NAME ...]
source .demo/sim/env           # KUBECONFIG, VSPHERE_* and VMSERVICE_NAMESPACE
vmservice-sim status --dir .demo/sim
vmservice-sim fault apiserver-restart --dir .demo/sim
vmservice-sim fault set --dir .demo/sim reconcileError dev/web-1
vmservice-sim down --dir .demo/sim
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from vmservice_sim import capabilities, vmop_config
from vmservice_sim.release import RELEASES
from vmservice_sim.state import kill_group, read_state, same_process, state_path, wait_gone
from vmservice_sim.tools import pinned_tool_env, tail_file

FAULT_KEYS = ["reconcileError", "stuckCondition", "stuckDeletion", "imageNotReady"]
UP_TIMEOUT = 180.0
DOWN_TIMEOUT = 30.0
COMPONENT_LOGS = {
    "etcd": "controlplane/etcd.log",
    "kube-apiserver": "controlplane/kube-apiserver.log",
    "kube-controller-manager": "controlplane/kube-controller-manager.log",
    "vcsim": "vcsim/vcsim.log",
}


def _print(*lines: str) -> None:
    for line in lines:
        sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _error(message: str) -> None:
    sys.stderr.write(message.rstrip() + "\n")
    sys.stderr.flush()


# ------------------------------------------------------------------------------------------ up


def _leftovers(state: dict[str, Any]) -> list[Any]:
    return [state.get("daemon"), *(state.get("children") or {}).values()]


def _cleanup(directory: Path, state: dict[str, Any]) -> None:
    """Stop whatever a crashed or stale daemon left behind and forget its state."""
    idents = [i for i in _leftovers(state) if same_process(i)]
    for ident in idents:
        kill_group(ident, signal.SIGTERM)
    if not wait_gone(idents, 5.0):
        for ident in idents:
            kill_group(ident, signal.SIGKILL)
        wait_gone(idents, 5.0)
    state_path(directory).unlink(missing_ok=True)


def _summary(directory: Path, state: dict[str, Any], elapsed: float | None) -> None:
    components = state.get("components") or {}
    head = (
        f"vmservice-sim is up in {elapsed:.1f}s"
        if elapsed is not None
        else "vmservice-sim is already running"
    )
    release = (state.get("options") or {}).get("api_release", "8.0u3")
    _print(
        f"{head} ({directory}, VM Operator API {release})",
        f"  Supervisor API  {components.get('kube-apiserver', {}).get('url', '?')}",
        f"  vCenter (vcsim) {components.get('vcsim', {}).get('url', '?')}",
        "  namespace       dev",
        f"  use it:         source {directory / 'env'}   (KUBECONFIG={directory / 'kubeconfig'})",
        f"  stop it:        vmservice-sim down --dir {directory}",
    )


def cmd_up(args: argparse.Namespace) -> int:
    directory: Path = args.dir.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    state = read_state(directory)
    if state is not None:
        if same_process(state.get("daemon")) and state.get("state") in ("ready", "starting"):
            if state.get("state") == "ready":
                _summary(directory, state, None)
                running = state.get("options") or {}
                asked = {
                    "api_release": args.api_release,
                    "power_on_delay": args.power_on_delay,
                    "ip_delay": args.ip_delay,
                    "capabilities": capabilities.resolve(args.api_release, dict(args.capability)),
                    "features": vmop_config.resolve_switches(args.api_release, dict(args.feature)),
                    "privileged_users": list(args.privileged_user),
                    "test_fixtures": args.test_fixtures,
                }
                different = {k: v for k, v in asked.items() if running.get(k) != v}
                if different:
                    _print(
                        "  note: it runs with "
                        + ", ".join(f"{k}={running.get(k)}" for k in different)
                        + "; run `vmservice-sim down` first to change that"
                    )
                return 0
            return _wait_ready(directory, state.get("daemon"), time.monotonic())
        _cleanup(directory, state)

    log_path = directory / "daemon.log"
    argv = [
        sys.executable,
        "-m",
        "vmservice_sim.daemon",
        "--dir",
        str(directory),
        "--api-release",
        args.api_release,
        "--power-on-delay",
        str(args.power_on_delay),
        "--ip-delay",
        str(args.ip_delay),
    ]
    for name, on in args.capability:
        argv += ["--capability", f"{name}={'on' if on else 'off'}"]
    for name, on in args.feature:
        argv += ["--feature", f"{name}={'on' if on else 'off'}"]
    for user in args.privileged_user:
        argv += ["--privileged-user", user]
    if args.test_fixtures:
        argv.append("--test-fixtures")
    if args.audit_log:
        argv.append("--audit-log")
    if args.verbose:
        argv.append("--verbose")
    env = {**os.environ, **pinned_tool_env()}  # the daemon runs in DIR, away from the checkout
    package_root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    begun = time.monotonic()
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
            start_new_session=True,
            env=env,
            cwd=str(directory),
        )
    return _wait_ready(directory, {"pid": process.pid}, begun, process)


def _wait_ready(
    directory: Path, daemon: Any, begun: float, process: subprocess.Popen[bytes] | None = None
) -> int:
    log_path = directory / "daemon.log"
    deadline = begun + UP_TIMEOUT
    while time.monotonic() < deadline:
        state = read_state(directory)
        if state is not None and state.get("state") == "ready":
            _summary(directory, state, time.monotonic() - begun)
            return 0
        if state is not None and state.get("state") == "failed":
            if process is not None:
                process.wait(timeout=30)
            _error(f"vmservice-sim failed to start: {state.get('error')}")
            _error(f"--- last lines of {log_path}:\n{tail_file(log_path, 30)}")
            state_path(directory).unlink(missing_ok=True)
            return 1
        exited = process.poll() if process is not None else None if _alive(daemon) else 1
        if exited is not None:
            _error(f"vmservice-sim: the simulator process exited ({exited}) before it was ready")
            _error(f"--- last lines of {log_path}:\n{tail_file(log_path, 40)}")
            if state is not None:
                _cleanup(directory, state)
            return 1
        time.sleep(0.1)
    _error(f"vmservice-sim: not ready after {UP_TIMEOUT:.0f}s; stopping it")
    state = read_state(directory) or {"daemon": daemon}
    _cleanup(directory, state)
    _error(f"--- last lines of {log_path}:\n{tail_file(log_path, 40)}")
    return 1


def _alive(daemon: Any) -> bool:
    from vmservice_sim.tools import pid_alive

    return isinstance(daemon, dict) and isinstance(daemon.get("pid"), int) and pid_alive(daemon["pid"])


# ------------------------------------------------------------------------------------------ down


def cmd_down(args: argparse.Namespace) -> int:
    directory: Path = args.dir.resolve()
    state = read_state(directory)
    if state is None:
        _print(f"vmservice-sim is not running in {directory}")
        return 0
    begun = time.monotonic()
    daemon = state.get("daemon")
    if same_process(daemon):
        kill_group(daemon, signal.SIGTERM)
        deadline = time.monotonic() + DOWN_TIMEOUT
        while same_process(daemon) and time.monotonic() < deadline:
            time.sleep(0.05)
    state = read_state(directory) or state  # children may have changed (apiserver restarts)
    leftovers = [i for i in _leftovers(state) if same_process(i)]
    if leftovers:
        for ident in leftovers:
            kill_group(ident, signal.SIGKILL)
        wait_gone(leftovers, 5.0)
    still = [i for i in _leftovers(state) if same_process(i)]
    if still:
        _error(f"vmservice-sim: could not stop pids {', '.join(str(i['pid']) for i in still)}")
        return 1
    state_path(directory).unlink(missing_ok=True)
    for name in ("env", "kubeconfig", "admin.kubeconfig"):
        (directory / name).unlink(missing_ok=True)
    forced = f" (killed {len(leftovers)} leftover process group(s))" if leftovers else ""
    _print(f"vmservice-sim stopped in {time.monotonic() - begun:.1f}s; no process left{forced}")
    return 0


# ------------------------------------------------------------------------------------------ status


def _control(state: dict[str, Any], method: str, path: str, timeout: float = 60.0) -> dict[str, Any]:
    control = state.get("control") or {}
    request = urllib.request.Request(
        f"http://127.0.0.1:{control.get('port')}{path}",
        method=method,
        headers={"Authorization": f"Bearer {control.get('token')}"},
        data=b"" if method == "POST" else None,
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body: dict[str, Any] = json.load(response)
            return body
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")
        raise RuntimeError(f"{method} {path}: {error.code} {detail}") from None


def cmd_status(args: argparse.Namespace) -> int:
    directory: Path = args.dir.resolve()
    state = read_state(directory)
    if state is None or not same_process(state.get("daemon")):
        _print(f"vmservice-sim is not running in {directory}")
        if state is not None:
            leftovers = [i for i in _leftovers(state) if same_process(i)]
            if leftovers:
                _print(
                    f"  stale processes: {', '.join(str(i['pid']) for i in leftovers)} (run `vmservice-sim down`)"
                )
        return 3
    components = state.get("components") or {}
    live: dict[str, Any] = {}
    if state.get("state") == "ready":
        try:
            live = _control(state, "GET", "/status", timeout=10)
            components = live.get("components") or components
        except Exception as error:
            _print(f"  (the daemon did not answer: {error})")
    if args.json:
        _print(
            json.dumps(
                {"state": state.get("state"), "daemon": state.get("daemon"), "components": components},
                indent=2,
            )
        )
        return 0
    options = state.get("options") or {}
    _print(
        f"vmservice-sim {state.get('state')} in {directory} since {state.get('started_at')}",
        f"  daemon pid {state['daemon']['pid']}; VM Operator API {options.get('api_release')}; "
        f"power-on delay {options.get('power_on_delay')}s, IP delay {options.get('ip_delay')}s",
    )
    states = options.get("capabilities") or {}
    if states:
        _print("  capabilities: " + ", ".join(f"{k}={'on' if v else 'off'}" for k, v in states.items()))
    switches = options.get("features") or {}
    if switches:
        _print("  features: " + ", ".join(f"{k}={'on' if v else 'off'}" for k, v in switches.items()))
    children = state.get("children") or {}
    healthy = True
    for name, info in components.items():
        pid = info.get("pid")
        ident = (
            children.get(name)
            if name in children
            else ({"pid": pid, "start": state["daemon"].get("start")} if pid else None)
        )
        alive = same_process(ident) if name != "webhook" else same_process(state.get("daemon"))
        healthy = healthy and alive
        url = info.get("url") or ""
        version = info.get("version") or ""
        _print(
            f"  {name:<24} pid {pid or '-':<8} {'running' if alive else 'NOT RUNNING':<12} {url:<30} {version}"
        )
    return 0 if healthy else 1


# ------------------------------------------------------------------------------------------ faults


def cmd_fault(args: argparse.Namespace) -> int:
    directory: Path = args.dir.resolve()
    state = read_state(directory)
    if state is None or not same_process(state.get("daemon")) or state.get("state") != "ready":
        _error(f"vmservice-sim is not running in {directory}")
        return 3
    if args.fault == "apiserver-restart":
        result = _control(state, "POST", "/fault/apiserver-restart", timeout=120)
        _print(f"kube-apiserver restarted; ready again after {result.get('seconds')}s")
        return 0
    from kubernetes import client, config

    from vmservice_sim.faults import FAULTS_CONFIGMAP, FAULTS_NAMESPACE

    api = config.new_client_from_config(str(directory / "admin.kubeconfig"))
    core = client.CoreV1Api(api)
    if args.fault == "set":
        patch: dict[str, Any] = {"data": {args.key: args.value}}
        message = f"fault {args.key}={args.value} set"
    else:
        patch = {"data": {args.key: None} if args.key else None}
        if not args.key:
            current = core.read_namespaced_config_map(FAULTS_CONFIGMAP, FAULTS_NAMESPACE)
            patch = {"data": {k: None for k in (current.data or {})}}
        message = f"fault {args.key or 'all'} cleared"
    core.patch_namespaced_config_map(FAULTS_CONFIGMAP, FAULTS_NAMESPACE, patch)
    api.close()
    _print(message)
    return 0


# ------------------------------------------------------------------------------------------ main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vmservice-sim",
        description="A simulated vSphere Supervisor (VM Service) for local development and CI: a real "
        "kube-apiserver with the VM Operator CRDs, vcsim as vCenter and an emulation of VM Operator.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def with_dir(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--dir", required=True, type=Path, help="state, logs, kubeconfig and env live here")
        return p

    up = with_dir(sub.add_parser("up", help="start the simulator (returns once it is ready)"))
    up.add_argument(
        "--api-release", choices=sorted(RELEASES), default="8.0u3", help="VM Operator API release"
    )
    up.add_argument(
        "--power-on-delay", type=float, default=1.0, metavar="S", help="seconds before a VM powers on"
    )
    up.add_argument("--ip-delay", type=float, default=2.0, metavar="S", help="seconds from power-on to an IP")
    up.add_argument(
        "--capability",
        action="append",
        default=[],
        type=capabilities.parse_flag,
        metavar="NAME=on|off",
        help="switch a Supervisor capability on or off against the release's default "
        f"({', '.join(capabilities.KEYS)}); repeatable",
    )
    up.add_argument(
        "--feature",
        action="append",
        default=[],
        metavar="NAME=on|off",
        help="switch one of VM Operator's feature switches that is not a capability (VM Operator's own name, "
        f"e.g. {', '.join(sorted(vmop_config.SWITCHES['9.1'])[:3])}, ...) against the release's default; "
        "repeatable",
    )
    up.add_argument(
        "--privileged-user",
        action="append",
        default=[],
        metavar="NAME",
        help="a user VM Operator treats as privileged (its PRIVILEGED_USERS setting); repeatable",
    )
    up.add_argument(
        "--test-fixtures",
        action="store_true",
        help="test-only: honour the fixture groups that admit requests unjudged (never on a shared simulator)",
    )
    up.add_argument(
        "--audit-log",
        action="store_true",
        help="kube-apiserver writes a JSON line per request (user, verb, resource, user agent) to "
        "DIR/controlplane/audit.log, to count a tool's requests",
    )
    up.add_argument("--verbose", action="store_true", help="debug logging in DIR/daemon.log")
    up.set_defaults(func=cmd_up)
    down = with_dir(sub.add_parser("down", help="stop everything `up` started"))
    down.set_defaults(func=cmd_down)
    status = with_dir(sub.add_parser("status", help="what runs: pids, ports, versions"))
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)
    fault = sub.add_parser("fault", help="inject faults")
    fault_sub = fault.add_subparsers(dest="fault", required=True)
    with_dir(fault_sub.add_parser("apiserver-restart", help="restart kube-apiserver (same port, same data)"))
    setter = with_dir(fault_sub.add_parser("set", help="set a key of the vmservice-sim-faults ConfigMap"))
    setter.add_argument("key", choices=FAULT_KEYS)
    setter.add_argument(
        "value",
        help="<ns>/<vm> (reconcileError, stuckDeletion), <ns>/<vm>:<ConditionType> (stuckCondition) or "
        "<ns>/<image> (imageNotReady)",
    )
    clearer = with_dir(fault_sub.add_parser("clear", help="clear one key (or all) of the faults ConfigMap"))
    clearer.add_argument("key", nargs="?", choices=FAULT_KEYS)
    fault.set_defaults(func=cmd_fault)
    return parser


def main(argv: list[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "up":
        try:  # a feature is known only for a release
            args.feature = [vmop_config.parse_flag(args.api_release, text) for text in args.feature]
        except ValueError as error:
            parser.error(f"--feature: {error}")
    try:
        code = int(args.func(args))
    except KeyboardInterrupt:
        code = 130
    except Exception as error:
        _error(f"vmservice-sim {args.command}: {error}")
        code = 1
    sys.exit(code)


if __name__ == "__main__":
    main()
