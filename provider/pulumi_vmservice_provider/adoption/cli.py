"""The `vmservice import` subcommand."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "import",
        help="write a `pulumi import --file` document for the VM Operator objects of a namespace",
        description="Lists the VirtualMachines, VirtualMachineServices, VirtualMachinePublishRequests and "
        "VirtualMachineSetResourcePolicies of a namespace (leaving out what the Supervisor or a controller owns "
        "and what a stack already manages) and writes a document for `pulumi import --file`.",
    )
    parser.add_argument("--namespace", "-n", required=True, help="the vSphere Namespace")
    parser.add_argument("--kubeconfig", help="Supervisor kubeconfig (default: $KUBECONFIG)")
    parser.add_argument("--context", help="kubeconfig context")
    parser.add_argument("--output", "-o", default="-", help="file to write (default: standard output)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pulumi_vmservice_provider.adoption.namespace_import import plan_import
    from pulumi_vmservice_provider.errors import ProviderError
    from pulumi_vmservice_provider.resources.state import ProviderState
    from pulumi_vmservice_provider.settings import resolve

    state = ProviderState(settings=resolve({"kubeconfig": args.kubeconfig, "context": args.context}))
    try:
        plan = plan_import(state.kube, args.namespace)
    except ProviderError as error:
        print(f"vmservice import: {error}", file=sys.stderr)
        return 1
    text = json.dumps(plan.document(), indent=2) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    for skipped in plan.skipped:
        print(f"skipped {skipped.kind} {args.namespace}/{skipped.name}: {skipped.why}", file=sys.stderr)
    print(
        f"{len(plan.resources)} objects to import; run `pulumi import --file {args.output if args.output != '-' else 'FILE'}`",
        file=sys.stderr,
    )
    return 0
