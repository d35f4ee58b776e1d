"""The `vmservice` CLI: `console NAMESPACE/VM` (a web console URL), `preview-report` (a pull-request report of
a preview) and `import --namespace NS` (adopt kubectl-made objects into a stack)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vmservice", description="vSphere VM Service helpers")
    commands = parser.add_subparsers(dest="command", required=True)
    console = commands.add_parser("console", help="print a web console URL for a VM (valid ~2 minutes)")
    console.add_argument("target", help="NAMESPACE/VM")
    console.add_argument("--kubeconfig", help="Supervisor kubeconfig (default: $KUBECONFIG)")
    console.add_argument("--context", help="kubeconfig context")
    console.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the ticket")
    from pulumi_vmservice_provider.report.cli import add_parser as add_preview_report

    add_preview_report(commands)
    from pulumi_vmservice_provider.adoption.cli import add_parser as add_import

    add_import(commands)
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is not None:
        return int(args.handler(args))

    from pulumi_vmservice_provider.errors import ProviderError
    from pulumi_vmservice_provider.kinds.virtualmachinewebconsolerequest.functions import request_console
    from pulumi_vmservice_provider.resources.state import ProviderState
    from pulumi_vmservice_provider.settings import resolve

    namespace, _, vm = args.target.partition("/")
    if not vm:
        parser.error("target must be NAMESPACE/VM")
    state = ProviderState(settings=resolve({"kubeconfig": args.kubeconfig, "context": args.context}))
    try:
        result = request_console(state, namespace, vm, args.timeout)
    except ProviderError as error:
        print(f"vmservice console: {error}", file=sys.stderr)
        return 1
    print(result["url"])
    if result.get("expiryTime"):
        print(f"expires at {result['expiryTime']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
