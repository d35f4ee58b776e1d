"""What the vCenter admin kinds (module `vcenter`) share: limits, name rules and ranged numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pulumi_vmservice_provider.model.common import DNS_LABEL_HINT
from pulumi_vmservice_provider.model.types import Prop, string

MODULE = "vcenter"
DNS_LABEL_63 = r"(?=.{1,63}\Z)[a-z0-9]([-a-z0-9]*[a-z0-9])?"
ROLES = ("OWNER", "EDIT", "VIEW")
SUBJECT_TYPES = ("USER", "GROUP")
MAX_VCPUS = 768  # vSphere 8 per-VM maximum
MAX_MEMORY_MB = 24 * 1024 * 1024  # 24 TiB
ITEM_SUFFIXES = (".ova", ".ovf", ".iso")


@dataclass(frozen=True)
class RangedProp(Prop):
    """A number whose failures state the whole allowed range, e.g. "must be between 1 and 768, got -2"."""

    def check_scalar(self, value: Any) -> str | None:
        problem = super().check_scalar(value)
        if problem and problem.startswith("must be at"):
            low = "" if self.minimum is None else f"{self.minimum:g}"
            high = "" if self.maximum is None else f"{self.maximum:g}"
            return f"must be between {low} and {high}, got {value:g}" if low and high else problem
        return problem


def ranged(description: str, low: int, high: int, **kw: Any) -> Prop:
    return RangedProp("integer", description, minimum=low, maximum=high, **kw)


def dns_label(description: str, replace: str) -> Prop:
    return string(
        description, required=True, replace=replace, pattern=DNS_LABEL_63, pattern_hint=DNS_LABEL_HINT
    )
