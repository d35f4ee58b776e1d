"""`vmservice preview-report PREVIEW.json`: the pull-request report (Markdown) of a `pulumi preview --json`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from pulumi_vmservice_provider.report.build import FAIL_ON, Options, build
from pulumi_vmservice_provider.report.inventory import Inventory, NamespaceInventory, fetch, load_file
from pulumi_vmservice_provider.report.preview import Preview, parse

EXIT_FAIL_ON = 3


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "preview-report",
        help="write a Markdown report of a `pulumi preview --json` for a pull-request comment",
        description=(
            "Reads `pulumi preview --json` output (or its engine events, with "
            "PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1, which include policy results) and writes a Markdown report: "
            "destructive changes first, power cycles, in-place updates, capacity per namespace, references the "
            "namespace lacks, policy violations. Exits 3 when a --fail-on condition is met."
        ),
    )
    parser.add_argument("preview", help="the preview JSON file, or - for stdin")
    parser.add_argument("--plan", type=Path, help="the saved update plan (pulumi preview --save-plan FILE)")
    parser.add_argument("-o", "--output", type=Path, help="write the report here (default: stdout)")
    parser.add_argument(
        "--classes",
        type=Path,
        help="class/image/quota data: `kubectl get virtualmachineclasses,virtualmachineimages,resourcequotas "
        "-n NS -o json` (instead of asking the Supervisor)",
    )
    parser.add_argument("--kubeconfig", help="Supervisor kubeconfig for class data (default: $KUBECONFIG)")
    parser.add_argument("--context", help="kubeconfig context")
    parser.add_argument(
        "--fail-on",
        action="append",
        default=[],
        choices=FAIL_ON,
        help="exit 3 when the preview has a change at least this disruptive (in-place < next-power-on < "
        "power-cycle < replace < data-loss; deletions count as replace), any deletion (delete) or a "
        "mandatory policy violation (policy); repeatable",
    )
    parser.add_argument(
        "--fail-on-namespace",
        action="append",
        default=[],
        metavar="NAMESPACE",
        help="count only changes in these namespaces for --fail-on (repeatable; default: all)",
    )
    parser.add_argument("--full-diff-url", help="link to the full diff (e.g. the CI job log)")
    parser.add_argument("--title", default="Pulumi preview", help="the report's heading")
    parser.set_defaults(handler=run)


def _namespaces(preview: Preview) -> list[str]:
    found = set()
    for step in preview.steps:
        for inputs in (step.old, step.new):
            namespace = (inputs.get("metadata") or {}).get("namespace")
            if step.type.startswith("vmservice:index:") and isinstance(namespace, str):
                found.add(namespace)
    return sorted(found)


def _inventory(args: argparse.Namespace, preview: Preview) -> tuple[Inventory, str | None]:
    namespaces = _namespaces(preview)
    if args.classes:
        inventory = load_file(args.classes)
        lacking = [n for n in namespaces if not inventory.get(n, NamespaceInventory()).classes]
        note = f"{args.classes} has no classes for {', '.join(lacking)}" if lacking else None
        return inventory, note
    kubeconfig = args.kubeconfig or os.environ.get("KUBECONFIG")
    if not kubeconfig:
        return {}, "no --classes file and no kubeconfig (--kubeconfig or KUBECONFIG)"
    if not namespaces:
        return {}, None
    from pulumi_vmservice_provider.errors import ProviderError

    try:
        return fetch(namespaces, kubeconfig, args.context), None
    except (ProviderError, OSError, ValueError) as error:
        return {}, f"the Supervisor could not be read ({str(error).splitlines()[0]})"


def run(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.preview == "-" else Path(args.preview).read_text()
        preview = parse(text)
        plan = json.loads(args.plan.read_text()) if args.plan else None
        inventory, note = _inventory(args, preview)
    except (OSError, ValueError) as error:
        print(f"vmservice preview-report: {error}", file=sys.stderr)
        return 1
    options = Options(
        fail_on=tuple(args.fail_on),
        fail_on_namespaces=tuple(args.fail_on_namespace),
        full_diff_url=args.full_diff_url,
        title=args.title,
    )
    result = build(preview, inventory, note, plan, options)
    if args.output:
        args.output.write_text(result.markdown)
    else:
        sys.stdout.write(result.markdown)
    if result.failures:
        print("vmservice preview-report: approval required: " + "; ".join(result.failures), file=sys.stderr)
        return EXIT_FAIL_ON
    return 0
