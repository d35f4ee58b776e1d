"""Guardrails for VM Service stacks (the `pulumi_vmservice_policy` package), checked at `pulumi preview` /
`pulumi up`, e.g. on pull requests.

    pulumi preview --policy-pack examples/policy-python            # with the Python language host
    pulumi preview --policy-pack examples/policy-python/run-pack   # without it (runs this pack directly)

Configure with `--policy-pack-config config.json`; see `config.example.json` and the README.
"""

from pulumi_vmservice_policy.pack import run

run()
