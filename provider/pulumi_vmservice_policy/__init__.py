"""The vmservice policy pack: guardrails for vSphere VM Service stacks, as a versioned, importable package.

`pulumi_vmservice_policy.rules` holds the checks as pure functions of resource properties and config;
`pulumi_vmservice_policy.pack` binds them to pulumi-policy with their config schemas. The runnable pack
directory is `examples/policy-python` (its `run-pack` runs it without the Python language host).
"""

__version__ = "0.1.0"
