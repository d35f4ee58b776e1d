"""Two things the bad-input fuzzing found, pinned as plain cases: upstream's field paths named as the Pulumi
properties they mean, and secrets masked however many times a message quotes them."""

from __future__ import annotations

import json

from pulumi_vmservice_provider.context import Redactor
from pulumi_vmservice_provider.model.paths import to_property
from pulumi_vmservice_provider.model.registry import RESOURCES

SERVICE = RESOURCES["vmservice:index:VirtualMachineService"].inputs
POLICY = RESOURCES["vmservice:index:VirtualMachineSetResourcePolicy"].inputs
VM = RESOURCES["vmservice:index:VirtualMachine"].inputs


def test_upstream_spellings_become_the_declared_property() -> None:
    assert to_property("spec.clusterIP", SERVICE) == "spec.clusterIp"
    assert to_property("spec.resourcepool.limits.memory", POLICY) == "spec.resourcePool.limits.memory"
    assert to_property("spec.network.interfaces[1].Name", VM) == "spec.network.interfaces[1].name"


def test_map_keys_and_unknown_names_are_kept_as_written() -> None:
    zone = "topology.kubernetes.io/zone"
    assert to_property(f"metadata.labels[{zone}]", VM) == f'metadata.labels["{zone}"]'
    assert to_property(f'metadata.labels["{zone}"]', VM) == f'metadata.labels["{zone}"]'  # already quoted
    assert to_property("spec.clustermodules", POLICY) == "spec.clustermodules"  # 8.0 U3's name, not modelled
    assert to_property("spec.noSuchField.x", VM) == "spec.noSuchField.x"


def test_a_secret_is_masked_plain_and_quoted_once_or_twice() -> None:
    secret = "s3cr3t\x1f\U0006c183ê"
    redact = Redactor([secret])
    once = json.dumps(secret)
    twice = json.dumps(repr({"namespace": secret}))  # a wrongly typed value holding it, quoted by a message
    for text in (secret, once, repr(secret), twice, json.dumps(once), json.dumps(secret, ensure_ascii=False)):
        assert "s3cr3t" not in redact(f"spec.x: Invalid value: {text}: must be a quantity"), text
    assert redact.add(["other"])("other s3cr3t\x1f\U0006c183ê") == "[secret] [secret]"
