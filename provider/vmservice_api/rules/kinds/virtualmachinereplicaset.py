"""VirtualMachineReplicaSet admission (vSphere 9.1 only): VM Operator's validating webhook.

The selector must parse and select the template's labels, and the template's labels and annotations must be
valid Kubernetes labels and annotations; the same on create and update. The mutating webhook changes
nothing yet (its create and update branches are empty).

Source: v1.10.0 webhooks/virtualmachinereplicaset/validation/virtualmachinereplicaset_validator.go
(upstream registers the replica-set webhooks only with its K8sWorkloadMgmtAPI feature on; the kind exists
only in 9.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from vmservice_api.rules.fielderrors import FieldError, go_quote, invalid, path
from vmservice_api.rules.framework import Release, Request, validation
from vmservice_api.rules.kinds._support.govalues import GoJSON
from vmservice_api.rules.kinds._support.labels import (
    SelectorError,
    as_selector,
    validate_annotations,
    validate_labels,
)
from vmservice_api.types.release_9_1.virtualmachinereplicaset import VirtualMachineReplicaSet

KIND = "VirtualMachineReplicaSet"
_VALIDATOR = "webhooks/virtualmachinereplicaset/validation/virtualmachinereplicaset_validator.go"
ONLY_9_1: tuple[Release, ...] = ("9.1",)
TEMPLATE_METADATA = path("spec", "template", "metadata")


def _selector_as_json(selector: Mapping[str, Any]) -> GoJSON:
    """A metav1.LabelSelector as encoding/json writes it (empty parts left out)."""
    shown: dict[str, Any] = {}
    if selector.get("matchLabels"):
        shown["matchLabels"] = dict(sorted(dict(selector["matchLabels"]).items()))
    expressions = []
    for expression in selector.get("matchExpressions") or []:
        item: dict[str, Any] = {
            "key": expression.get("key") or "",
            "operator": expression.get("operator") or "",
        }
        if expression.get("values"):
            item["values"] = list(expression["values"])
        expressions.append(item)
    if expressions:
        shown["matchExpressions"] = expressions
    return GoJSON(shown)


def _template_metadata(req: Request[VirtualMachineReplicaSet]) -> dict[str, Any]:
    return dict(dict(req.view.spec.get("template") or {}).get("metadata") or {})


@validation(KIND, source=f"{_VALIDATOR}: validateLabelSelectorLabelMatch", releases=ONLY_9_1)
def selector_selects_template(req: Request[VirtualMachineReplicaSet]) -> Iterable[FieldError]:
    selector = req.view.spec.get("selector")
    labels = _template_metadata(req).get("labels")
    try:
        parsed = as_selector(selector)
    except SelectorError as error:
        return [invalid(path("spec", "selector"), _selector_as_json(dict(selector or {})), str(error))]
    if parsed.matches(labels):
        return []
    shown = GoJSON(None if labels is None else dict(sorted(dict(labels).items())))
    return [
        invalid(TEMPLATE_METADATA.child("labels"), shown, f"must match spec.selector {go_quote(str(parsed))}")
    ]


@validation(
    KIND,
    source=f"{_VALIDATOR}: validateLabelSelectorLabelMatch (template ObjectMeta.Validate)",
    releases=ONLY_9_1,
)
def template_labels_and_annotations_valid(req: Request[VirtualMachineReplicaSet]) -> Iterable[FieldError]:
    metadata = _template_metadata(req)
    return [
        *validate_labels(metadata.get("labels"), TEMPLATE_METADATA.child("labels")),
        *validate_annotations(metadata.get("annotations"), TEMPLATE_METADATA.child("annotations")),
    ]
