"""`vmservice preview-report` as pure functions: parsing both JSON shapes, disruption classes from the model
corrected by the engine's detailed diff, capacity from real class data, missing references, size limit, secrets,
--fail-on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pulumi_vmservice_provider.console_cli import main
from pulumi_vmservice_provider.report.build import Options, build
from pulumi_vmservice_provider.report.inventory import from_objects, quantity
from pulumi_vmservice_provider.report.preview import parse

VM = "vmservice:index:VirtualMachine"
PASSWORD = "s3cret-Passw0rd-in-user-data"


def urn(name: str, type_: str = VM) -> str:
    return f"urn:pulumi:pr::shop::{type_}::{name}"


def vm(name: str, cls: str, image: str = "ubuntu-22.04", ns: str = "dev", **extra: Any) -> dict[str, Any]:
    spec = {"className": cls, "imageName": image, "storageClass": "vsan-default-storage-policy", **extra}
    return {"metadata": {"name": name, "namespace": ns}, "spec": spec, "userData": "[secret]"}


def step(op: str, name: str, old: Any, new: Any, detailed: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "op": op,
        "urn": urn(name),
        "oldState": {"type": VM, "inputs": old} if old else None,
        "newState": {"type": VM, "inputs": new} if new else None,
        "detailedDiff": {p: {"kind": k, "inputDiff": True} for p, k in detailed.items()}
        if detailed
        else None,
    }


def warning(name: str, text: str) -> dict[str, str]:
    return {"urn": urn(name), "message": f"warning: {text}\n", "severity": "warning"}


def vm_class(name: str, cpus: int, memory: str, reserved: bool) -> dict[str, Any]:
    spec: dict[str, Any] = {"hardware": {"cpus": cpus, "memory": memory}}
    if reserved:
        spec["policies"] = {"resources": {"requests": {"cpu": f"{cpus * 1000}m", "memory": memory}}}
    return {"kind": "VirtualMachineClass", "metadata": {"name": name, "namespace": "dev"}, "spec": spec}


INVENTORY = from_objects(
    [
        vm_class("best-effort-small", 2, "4Gi", False),
        vm_class("guaranteed-large", 4, "16Gi", True),
        {
            "kind": "VirtualMachineImage",
            "metadata": {"name": "vmi-1", "namespace": "dev"},
            "status": {"name": "ubuntu-22.04"},
        },
        {
            "kind": "ResourceQuota",
            "metadata": {"name": "q", "namespace": "dev"},
            "spec": {
                "hard": {"vsan-default-storage-policy.storageclass.storage.k8s.io/requests.storage": "1Ti"}
            },
        },
    ]
)

DIGEST = {
    "steps": [
        step(
            "replace",
            "db",
            vm("db", "best-effort-small"),
            vm("db", "guaranteed-large", image="photon-5"),
            {"spec.imageName": "update-replace", "spec.className": "update-replace"},
        ),
        step(
            "update",
            "web",
            vm("web", "best-effort-small"),
            vm("web", "guaranteed-large", storageClass="gold", powerState="PoweredOn"),
            {"spec.className": "update", "spec.storageClass": "update"},
        ),
        step(
            "update",
            "api",
            {**vm("api", "best-effort-small"), "metadata": {"name": "api", "namespace": "dev"}},
            {
                **vm("api", "best-effort-small"),
                "metadata": {"name": "api", "namespace": "dev", "labels": {"a": "b"}},
            },
            {"metadata.labels": "add"},
        ),
        step("delete", "old", vm("old", "best-effort-small"), None),
        step("create", "new", None, vm("new", "guaranteed-large")),
    ],
    "diagnostics": [
        warning("db", "spec.imageName forces a replacement: the image of a VM cannot change after creation"),
        warning("db", "spec.className forces a replacement: this Supervisor cannot resize VMs"),
        warning("web", "spec.className is applied with a power cycle of the VM (allowPowerCycle)"),
    ],
    "changeSummary": {"replace": 1, "update": 2, "delete": 1, "create": 1},
}


def report(document: Any = DIGEST, **options: Any) -> Any:
    text = document if isinstance(document, str) else json.dumps(document)
    return build(parse(text), INVENTORY, None, None, Options(**options))


def test_destructive_changes_come_first_with_field_and_reason() -> None:
    markdown = report().markdown
    destructive = markdown.index("### Destructive changes")
    assert destructive < markdown.index("### Power cycles") < markdown.index("### In-place updates")
    assert (
        "| `VirtualMachine` **db** | dev | **replace** | `spec.imageName` | the image of a VM cannot change after creation |"
        in markdown
    )
    assert "this Supervisor cannot resize VMs" in markdown
    assert "| `VirtualMachine` **old** | dev | **delete** |" in markdown
    assert "1 to create, 2 to update, 1 to replace, 1 to delete" in markdown


def test_the_classes_are_what_the_provider_said_when_it_planned() -> None:
    markdown = report().markdown
    power = markdown[markdown.index("### Power cycles") : markdown.index("### Capacity")]
    # web's class change is an in-place resize per the engine, applied with a power cycle per the provider's
    # warning; the report computes nothing again
    assert (
        "**web** | dev | power-cycle | `spec.className` | the provider powers the VM off and on (allowPowerCycle)"
        in power
    )
    # a change the provider did not warn about, that the engine updates in place, is in place
    assert "**web** | dev | in-place | `spec.storageClass`" in markdown
    in_place = markdown[markdown.index("### In-place updates") :]
    assert "**api** | dev | in-place | `metadata.labels`" in in_place
    assert "web" not in markdown[: markdown.index("### Power cycles")].split("### Destructive changes")[1]


def test_capacity_delta_from_the_classes_reservations() -> None:
    markdown = report().markdown
    # db +2 vCPU/+12 GiB (+4/+16 GiB reserved), web the same, old -2/-4 GiB, new +4/+16 GiB reserved
    assert "| `dev` | +6 | +36 GiB | +12 | +48 GiB |" in markdown


def test_class_data_unavailable_is_said() -> None:
    result = build(parse(json.dumps(DIGEST)), {}, "no kubeconfig", None, Options())
    assert "Class data unavailable: no kubeconfig" in result.markdown
    assert "`best-effort-small`, `guaranteed-large`" in result.markdown


def test_references_the_namespace_does_not_have() -> None:
    markdown = report().markdown
    refs = markdown[markdown.index("### References") : markdown.index("### In-place")]
    assert "| `dev` | **db** | image | `photon-5` |" in refs
    assert "| `dev` | **web** | storage class | `gold` |" in refs
    assert "ubuntu-22.04" not in refs  # found by display name


@pytest.mark.parametrize(
    ("fail_on", "failing"),
    [
        (("replace",), "replace (db, old)"),
        (("data-loss",), None),
        (("power-cycle",), "power-cycle (db, old, web)"),
        (("delete",), "delete (old)"),
        (("policy",), None),
    ],
)
def test_fail_on(fail_on: tuple[str, ...], failing: str | None) -> None:
    result = report(fail_on=fail_on)
    assert result.failures == ([failing] if failing else [])
    assert ("Approval required" in result.markdown) is bool(failing)


def test_fail_on_counts_only_the_given_namespaces() -> None:
    assert report(fail_on=("replace",), fail_on_namespaces=("prod",)).failures == []


def test_secrets_never_shown_even_if_the_preview_showed_them() -> None:
    shown = json.loads(json.dumps(DIGEST))
    for raw in shown["steps"]:
        for state in (raw["oldState"], raw["newState"]):
            if state:
                state["inputs"]["userData"] = PASSWORD
    shown["diagnostics"].append(warning("db", f"userData {PASSWORD} changed"))
    markdown = report(shown).markdown
    assert PASSWORD not in markdown


def test_always_under_the_limit_with_a_pointer_to_the_full_diff() -> None:
    steps = [
        step(
            "replace",
            f"vm-{i}",
            vm(f"vm-{i}", "best-effort-small"),
            vm(f"vm-{i}", "best-effort-small", image="photon-5"),
            {"spec.imageName": "update-replace"},
        )
        for i in range(3000)
    ]
    result = report({"steps": steps, "diagnostics": []}, full_diff_url="https://ci.example/job/1")
    size = len(result.markdown.encode())
    assert 50_000 < size <= 60_000
    assert "more rows, see the [full diff](https://ci.example/job/1)" in result.markdown
    assert "3000 to replace" in result.markdown


def test_engine_events_carry_policy_results_and_keep_steps_of_a_failed_preview() -> None:
    events = [
        {
            "resourcePreEvent": {
                "metadata": {
                    "op": "create",
                    "urn": urn("vm"),
                    "type": VM,
                    "old": None,
                    "new": {"inputs": vm("vm", "best-effort-small", ns="prod")},
                }
            }
        },
        {
            "policyEvent": {
                "resourceUrn": urn("vm"),
                "message": "desc\nclass is not reserved\n",
                "policyName": "vm-guaranteed-class-in-production",
                "policyPackName": "vmservice-guardrails",
                "enforcementLevel": "mandatory",
            }
        },
        {
            "policyAnalyzeSummaryEvent": {
                "policyPackName": "vmservice-guardrails",
                "passed": [],
                "failed": ["x"],
            }
        },
        {"diagnosticEvent": {"message": "preview failed\n", "severity": "error"}},
        {"summaryEvent": {"result": "failed"}},
    ]
    result = report("\n".join(json.dumps(e) for e in events), fail_on=("policy",))
    assert "❌ preview failed: 1 to create" in result.markdown
    assert (
        "| mandatory | `vm-guaranteed-class-in-production` | **vm** | desc class is not reserved |"
        in result.markdown
    )
    assert result.failures == ["policy (vm)"]


def test_digest_says_policy_results_are_not_in_it() -> None:
    assert "PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1" in report().markdown


def test_quantities() -> None:
    assert quantity("4Gi") == 4 * 2**30 and quantity("2000m") == 2 and quantity("1.5") == 1.5
    assert quantity("lots") is None


def test_cli_writes_the_report_and_exits_3_on_fail_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    preview = tmp_path / "preview.json"
    preview.write_text(json.dumps(DIGEST))
    classes = tmp_path / "classes.json"
    classes.write_text(json.dumps({"kind": "List", "items": [vm_class("guaranteed-large", 4, "16Gi", True)]}))
    out = tmp_path / "report.md"
    code = main(
        ["preview-report", str(preview), "--classes", str(classes), "-o", str(out), "--fail-on", "replace"]
    )
    assert code == 3
    assert "approval required: replace (db, old)" in capsys.readouterr().err
    assert "Class data unavailable" not in out.read_text()
    assert main(["preview-report", str(tmp_path / "missing.json")]) == 1
