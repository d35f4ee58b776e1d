"""`make dist`: the provider's wheel and sdist, the Python SDK's wheel and sdist, and the plugin archive.

    python -m pulumi_vmservice_provider.packaging [--out dist] [--python-version 3.11 ...]

The plugin archive installs like any Pulumi provider, offline:

    pulumi plugin install resource vmservice VERSION --file dist/pulumi-resource-vmservice-vVERSION-linux-amd64.tar.gz

Its root holds `pulumi-resource-vmservice` (a POSIX shell launcher), `bootstrap.py` and `wheels/`: the provider's
wheel and every dependency's wheel for the chosen Python versions and this platform, plus pip. On its first start
the launcher finds a Python >= 3.11 on the machine (`PULUMI_VMSERVICE_PYTHON`, else `python3`, `python3.14` ...
`python3.11`), makes a virtual environment beside itself from those wheels (no index is consulted) and runs the
provider from it; later starts run the provider from that environment directly. Nothing refers to the checkout.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pulumi_vmservice_provider import PACKAGE_NAME, __version__

PLUGIN = f"pulumi-resource-{PACKAGE_NAME}"
DISTRIBUTION = "pulumi-vmservice-provider"
PIP = "pip==26.3"
# Oldest glibc the bundled binary wheels may need (manylinux_2_28: RHEL 8, Debian 10, Ubuntu 20.04 and newer).
GLIBC_FLOOR = (2, 28)
DEFAULT_PYTHON_VERSIONS = ("3.11", "3.12", "3.13", "3.14")

_MACHINES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}

LAUNCHER = """#!/bin/sh
# {plugin} {version}: started by the Pulumi engine. Runs the provider from a Python environment made on first
# use from the wheels beside this file (offline); needs Python >= 3.11 on the machine.
here=$(cd "$(dirname "$0")" && pwd)
for env in "$here/venv" "${{XDG_CACHE_HOME:-$HOME/.cache}}/pulumi-vmservice/plugin-{version}"; do
  if [ -f "$env/.ready" ]; then
    exec "$env/bin/python" -m pulumi_vmservice_provider.cli "$@"
  fi
done
for py in "${{PULUMI_VMSERVICE_PYTHON:-}}" python3 python3.14 python3.13 python3.12 python3.11; do
  [ -n "$py" ] && command -v "$py" >/dev/null 2>&1 || continue
  if "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    exec "$py" "$here/bootstrap.py" "$@"
  fi
done
echo "{plugin}: needs Python >= 3.11 (python3 on PATH, or set PULUMI_VMSERVICE_PYTHON)" >&2
exit 1
"""

BOOTSTRAP = '''"""First start of {plugin} {version}: make its Python environment from the bundled wheels, then run it.

Standard library only. Output goes to stderr: the engine reads the provider's port from stdout.
"""

import fcntl
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERSION = "{version}"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pulumi-vmservice" / f"plugin-{{VERSION}}"


def environment_dir() -> Path:
    return HERE / "venv" if os.access(HERE, os.W_OK) else CACHE


def prepare(env: Path) -> None:
    print(f"{plugin}: preparing its Python environment in {{env}} (first start only)", file=sys.stderr)
    shutil.rmtree(env, ignore_errors=True)
    venv.EnvBuilder(with_pip=False, clear=True).create(env)
    python = env / "bin" / "python"
    pip = next((HERE / "wheels").glob("pip-*.whl")) / "pip"
    command = [str(python), str(pip), "install", "--isolated", "--quiet", "--disable-pip-version-check",
               "--no-index", "--find-links", str(HERE / "wheels"), "{distribution}==" + VERSION]
    subprocess.run(command, check=True, stdout=sys.stderr)
    (env / ".ready").touch()


def main() -> None:
    env = environment_dir()
    env.parent.mkdir(parents=True, exist_ok=True)
    with open(env.parent / (env.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (env / ".ready").exists():
            prepare(env)
    python = str(env / "bin" / "python")
    os.execv(python, [python, "-m", "pulumi_vmservice_provider.cli", *sys.argv[1:]])


if __name__ == "__main__":
    main()
'''


def platform_name() -> str:
    """Pulumi's name for this platform, as in plugin archive names (`linux-amd64`, `darwin-arm64`)."""
    machine = platform.machine().lower()
    return f"{sys.platform.replace('win32', 'windows')}-{_MACHINES.get(machine, machine)}"


def archive_name(version: str = __version__, platform_id: str | None = None) -> str:
    return f"{PLUGIN}-v{version}-{platform_id or platform_name()}.tar.gz"


def wheel_platforms() -> list[str]:
    """This machine's platform tags, manylinux ones only down to GLIBC_FLOOR so the archive runs on older hosts."""
    from packaging.tags import platform_tags

    chosen = []
    for tag in platform_tags():
        if tag.startswith("manylinux_"):
            major, minor = (int(part) for part in tag.split("_")[1:3])
            if (major, minor) > GLIBC_FLOOR:
                continue
        chosen.append(tag)
    return chosen


def _run(command: Sequence[str], cwd: Path | None = None) -> None:
    subprocess.run(list(command), cwd=cwd, check=True, stdout=sys.stderr)


def build_distributions(project: Path, out: Path, sdist: bool = True) -> list[Path]:
    """Wheel (and sdist) of one project (the provider at the root, or sdk/python) into `out`."""
    before = set(out.glob("*")) if out.exists() else set()
    kinds = ["--sdist", "--wheel"] if sdist else ["--wheel"]
    _run([sys.executable, "-m", "build", *kinds, "--outdir", str(out), str(project)])
    return sorted(set(out.glob("*")) - before)


def download_wheels(provider_wheel: Path, dest: Path, python_versions: Sequence[str]) -> None:
    """Every wheel the provider needs on each Python version, and pip, into `dest` (from the index, once)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(provider_wheel, dest)
    platforms = [arg for tag in wheel_platforms() for arg in ("--platform", tag)]
    pip = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--dest",
        str(dest),
    ]
    for version in python_versions:
        _run([*pip, "--only-binary=:all:", "--python-version", version, *platforms, str(provider_wheel)])
    _run([*pip, "--no-deps", PIP])


def write_plugin_archive(provider_wheel: Path, out: Path, python_versions: Sequence[str]) -> Path:
    """The archive for `pulumi plugin install resource vmservice VERSION --file ARCHIVE`."""
    fields = {"plugin": PLUGIN, "version": __version__, "distribution": DISTRIBUTION}
    archive = out / archive_name()
    with tempfile.TemporaryDirectory(prefix="plugin-archive-") as staging_dir:
        staging = Path(staging_dir)
        download_wheels(provider_wheel, staging / "wheels", python_versions)
        (staging / PLUGIN).write_text(LAUNCHER.format(**fields))
        (staging / PLUGIN).chmod(0o755)
        (staging / "bootstrap.py").write_text(BOOTSTRAP.format(**fields))
        out.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive, "w:gz") as tar:
            for path in sorted(staging.rglob("*")):
                tar.add(path, arcname=str(path.relative_to(staging)), recursive=False)
    return archive


def provider_wheel_in(paths: Sequence[Path]) -> Path:
    wheel = f"{DISTRIBUTION.replace('-', '_')}-{__version__}-py3-none-any.whl"
    for path in paths:
        if path.name == wheel:
            return path
    raise SystemExit(f"no {wheel} among {', '.join(p.name for p in paths)}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_vmservice_provider.packaging", description=__doc__
    )
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the checkout (default: .)")
    parser.add_argument("--out", type=Path, default=Path("dist"))
    parser.add_argument(
        "--python-version",
        action="append",
        dest="python_versions",
        help=f"Python versions the plugin archive carries wheels for (default: {' '.join(DEFAULT_PYTHON_VERSIONS)})",
    )
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    if out.exists():
        shutil.rmtree(out)
    provider = build_distributions(args.root, out)
    build_distributions(args.root / "sdk" / "python", out)
    archive = write_plugin_archive(
        provider_wheel_in(provider), out, args.python_versions or list(DEFAULT_PYTHON_VERSIONS)
    )
    for path in sorted(out.iterdir()):
        print(path)
    print(f"install: pulumi plugin install resource {PACKAGE_NAME} {__version__} --file {archive}")


if __name__ == "__main__":
    main()
