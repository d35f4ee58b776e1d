"""Admission = VM Operator's webhook rules (`vmservice_api.rules`), answered the way VM Operator answers.

Each AdmissionReview becomes a `rules.Request`: the kind, operation, object and old object; the release the
simulator runs; the caller from `userInfo`; the cluster read through the apiserver; the feature switches and
privileged users of the simulated VM Operator's deployment (`vmop_config`). The mutating webhook answers
with a JSON patch of what the rules changed, or a denial (HTTP 403, the rule's text as the message:
controller-runtime's `admission.Denied`); the validating webhook with HTTP 422 and the field errors joined by
", " as the status reason (VM Operator's `pkg/builder/validating_webhook.go`). The apiserver shows either as
`admission webhook "<name>" denied the request: <text>`. The simulator holds no rule of its own.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from typing import Any, Literal

from vmservice_api import rules

from vmservice_sim import jsonpatch, vmop_config
from vmservice_sim.cluster import Reader, ReadError, RequestCluster

log = logging.getLogger("vmservice-sim")

# Test-only affordances (`--test-fixtures`), groups a test adds to the identity it impersonates; the
# simulator recognises them only when started with test fixtures on, and no kubeconfig it writes has them:
# - requests of a member of this group are admitted without mutation or validation (a test sets up the old
#   object of an UPDATE exactly as its case states it);
FIXTURE_ADMIT_UNJUDGED = "vmservice-sim:test-fixtures:admit-unjudged"
# - requests of a member of this group skip the validating webhook (a test reads what the mutating webhook
#   alone makes of an object, as upstream's mutation tests do);
FIXTURE_MUTATION_ONLY = "vmservice-sim:test-fixtures:mutation-only"
# - requests of a member of this group skip the mutating webhook (a test asks the validating webhook alone,
#   as upstream's validation tests do).
FIXTURE_VALIDATION_ONLY = "vmservice-sim:test-fixtures:validation-only"

Webhook = Literal["mutating", "validating"]


@dataclass
class Verdict:
    """The outcome of one admission call, and its AdmissionResponse."""

    allowed: bool = True
    code: int = 200
    reason: str = ""
    message: str = ""
    patch: jsonpatch.Patch | None = None

    @classmethod
    def validation(cls, reason: str) -> Verdict:
        return cls(allowed=False, code=422, reason=reason) if reason else cls()

    @classmethod
    def denied(cls, message: str) -> Verdict:
        return cls(allowed=False, code=403, reason="Forbidden", message=message)

    @classmethod
    def errored(cls, code: int, message: str) -> Verdict:
        return cls(allowed=False, code=code, message=message)

    def response(self, uid: str) -> dict[str, Any]:
        body: dict[str, Any] = {"uid": uid, "allowed": self.allowed}
        if not self.allowed:
            status: dict[str, Any] = {"code": self.code}
            if self.reason:
                status["reason"] = self.reason
            if self.message:
                status["message"] = self.message
            body["status"] = status
        elif self.patch:
            body["patchType"] = "JSONPatch"
            body["patch"] = base64.b64encode(json.dumps(self.patch).encode()).decode()
        return body


@dataclass(frozen=True)
class Judge:
    """Runs the rules for the simulator's release against what the apiserver sends."""

    release: rules.Release
    cluster: Reader
    test_fixtures: bool = False

    def __call__(self, kind: str, webhook: Webhook, request: dict[str, Any]) -> Verdict:
        operation = str(request.get("operation") or "")
        if operation not in ("CREATE", "UPDATE"):
            return Verdict()  # VM Operator registers its webhooks for create and update only
        user = request.get("userInfo") or {}
        username = str(user.get("username") or "")
        if self.test_fixtures and _skips(webhook, user.get("groups") or ()):
            return Verdict()
        try:
            return self._judge(kind, webhook, operation, request, username, user)
        except ReadError as error:
            log.warning("admission of %s could not read the cluster: %s", kind, error)
            return Verdict.errored(500, str(error))

    def _judge(
        self,
        kind: str,
        webhook: Webhook,
        operation: str,
        request: dict[str, Any],
        username: str,
        user: dict[str, Any],
    ) -> Verdict:
        reads = RequestCluster(self.cluster)
        config = vmop_config.read(reads)
        old = request.get("oldObject")
        subject: dict[str, Any] = request.get("object") or {}
        rules_request: rules.Request[Any] = rules.Request(
            kind=kind,
            operation=operation,  # type: ignore[arg-type]
            object=subject,
            release=self.release,
            old=old if isinstance(old, dict) else None,
            user=rules.Identity(username, tuple(str(g) for g in user.get("groups") or ())),
            cluster=reads,
            features=config.features,
            privileged_users=config.privileged_users,
            dry_run=bool(request.get("dryRun")),
        )
        if webhook == "mutating":
            mutated = rules.mutate(rules_request)
            _report_unjudged(kind, mutated.unjudged)
            if mutated.denied is not None:
                return Verdict.denied(mutated.denied)
            return Verdict(patch=jsonpatch.diff(subject, mutated.object) if mutated.changed else None)
        validated = rules.validate(rules_request)
        _report_unjudged(kind, validated.unjudged)
        return Verdict.validation(validated.reason)


def _skips(webhook: Webhook, groups: object) -> bool:
    members = set(groups) if isinstance(groups, list | tuple) else set()
    skipped = FIXTURE_MUTATION_ONLY if webhook == "validating" else FIXTURE_VALIDATION_ONLY
    return FIXTURE_ADMIT_UNJUDGED in members or skipped in members


def _report_unjudged(kind: str, unjudged: tuple[rules.Skipped, ...]) -> None:
    """Every fact is known here; a rule that still could not judge is a gap worth a log line."""
    for skipped in unjudged:
        log.warning("admission of %s: %s", kind, skipped)
