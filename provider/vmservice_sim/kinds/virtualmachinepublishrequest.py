"""VirtualMachinePublishRequest: VM Operator's controller (its webhook is the rules package's).

The controller exports the VM as an OVF item into the content library its target names: a ContentLibrary
object of the namespace (`cl-...`, `content_libraries`), which must be writable and ready (vcsim's
/rest/com/vmware/vcenter/ovf/library-item); the item becomes a VirtualMachineImage. Conditions SourceValid,
TargetValid, Uploaded, ImageAvailable and Complete as VM Operator sets them, with its failure reasons; the
request is deleted `ttlSecondsAfterFinished` after completion.
"""

from __future__ import annotations

import copy
import datetime
import logging

from vmservice_sim.images import ensure_image
from vmservice_sim.kube import CONTENT_LIBRARY, Obj
from vmservice_sim.objects import is_true, now, parse_time, rfc3339, set_condition
from vmservice_sim.registry import KindReconciler, register

log = logging.getLogger("vmservice-sim")

PUBLISH_REQUEST = register("VirtualMachinePublishRequest", "virtualmachinepublishrequests")

# ========================================================================== controller

SOURCE_VALID = "SourceValid"
TARGET_VALID = "TargetValid"
UPLOADED = "Uploaded"
IMAGE_AVAILABLE = "ImageAvailable"
COMPLETE = "Complete"
TARGET_NOT_EXIST = "TargetContentLibraryNotExist"
TARGET_NOT_WRITABLE = "TargetContentLibraryNotWritable"
TARGET_NOT_READY = "TargetContentLibraryNotReady"


@PUBLISH_REQUEST.reconcile()
class PublishRequestReconciler(KindReconciler):
    def __call__(self, namespace: str, name: str) -> float | None:
        kube = self.ctx.kube
        request = kube.get(self.kind, namespace, name)
        if request is None:
            return None
        meta = request["metadata"]
        finalizers = list(meta.get("finalizers") or [])
        if meta.get("deletionTimestamp"):
            if self.finalizer in finalizers:
                kube.remove_finalizer(self.kind, request, self.finalizer)
            return None
        if kube.add_finalizer(self.kind, request, self.finalizer):
            return 0.0

        status = copy.deepcopy(request.get("status") or {})
        if status.get("ready"):
            return self._expire(request, status)
        try:
            after = self._publish(request, status)
        finally:
            if status != (request.get("status") or {}):
                kube.replace_status(self.kind, namespace, name, status)
        if status.get("ready"):
            return self._expire(request, status)
        return after

    def _expire(self, request: Obj, status: Obj) -> float | None:
        ttl = (request.get("spec") or {}).get("ttlSecondsAfterFinished")
        completed = parse_time(status.get("completionTime"))
        if ttl is None or completed is None:
            return None
        remaining = (completed + datetime.timedelta(seconds=int(ttl)) - now()).total_seconds()
        if remaining > 0:
            return remaining
        meta = request["metadata"]
        self.ctx.kube.delete(self.kind, meta["namespace"], meta["name"])
        return None

    def _publish(self, request: Obj, status: Obj) -> float | None:
        meta = request["metadata"]
        namespace, name = meta["namespace"], meta["name"]
        generation = meta.get("generation")
        spec = request.get("spec") or {}
        source = spec.get("source") or {}
        target = spec.get("target") or {}
        location = target.get("location") or {}
        source_name = source.get("name") or name
        item_name = (target.get("item") or {}).get("name") or f"{source_name}-image"
        description = (target.get("item") or {}).get("description") or ""
        moment = rfc3339()
        status.setdefault("startTime", moment)
        if not status.get("attempts"):
            status["attempts"] = 1
            status["lastAttemptTime"] = moment
        status["sourceRef"] = {
            "name": source_name,
            "apiVersion": source.get("apiVersion") or self.ctx.release.api_version,
            "kind": source.get("kind") or "VirtualMachine",
        }
        status["targetRef"] = {
            "item": {"name": item_name, **({"description": description} if description else {})},
            "location": {
                "name": location.get("name") or "",
                "apiVersion": location.get("apiVersion") or "imageregistry.vmware.com/v1alpha1",
                "kind": location.get("kind") or "ContentLibrary",
            },
        }
        for kind in (SOURCE_VALID, TARGET_VALID, UPLOADED, IMAGE_AVAILABLE, COMPLETE):
            if kind not in {c.get("type") for c in status.get("conditions") or []}:
                set_condition(
                    status,
                    kind,
                    False,
                    "NotReady" if kind != COMPLETE else "HasNotBeenUploaded",
                    "",
                    generation,
                )

        vm = self.ctx.kube.get(self.ctx.kinds.vm, namespace, source_name)
        moref = ((vm or {}).get("status") or {}).get("uniqueID")
        if vm is None or not moref or self.ctx.vcenter.vm_info(str(moref)) is None:
            set_condition(
                status,
                SOURCE_VALID,
                False,
                "SourceVirtualMachineNotExist",
                f"The source VirtualMachine {namespace}/{source_name} does not exist",
                generation,
            )
            return 5.0
        set_condition(status, SOURCE_VALID, True, generation=generation)

        library = self._target_library(namespace, str(location.get("name") or ""), status, generation)
        if library is None:
            return 5.0
        if not is_true({"status": status}, UPLOADED):
            if self.ctx.vcenter.find_item(str(library["id"]), item_name):
                set_condition(
                    status,
                    TARGET_VALID,
                    False,
                    "TargetItemAlreadyExists",
                    f"An item named {item_name} already exists in the content library {library.get('name')}",
                    generation,
                )
                return 10.0
            set_condition(status, TARGET_VALID, True, generation=generation)
            try:
                item_id = self.ctx.vcenter.publish_vm(str(moref), str(library["id"]), item_name, description)
            except Exception as error:
                set_condition(status, UPLOADED, False, "UploadFailure", str(error), generation)
                return 5.0
            set_condition(status, UPLOADED, True, generation=generation)
            log.info("published %s/%s as item %s (%s)", namespace, source_name, item_id, item_name)
        else:
            set_condition(status, TARGET_VALID, True, generation=generation)
            item_id = self.ctx.vcenter.find_item(str(library["id"]), item_name) or ""
        item = self.ctx.vcenter.get_item(item_id) if item_id else None
        if item is None:
            set_condition(
                status,
                IMAGE_AVAILABLE,
                False,
                "ImageUnavailable",
                "the published item is not available yet",
                generation,
            )
            return 2.0
        status["imageName"] = ensure_image(self.ctx, namespace, item)
        set_condition(status, IMAGE_AVAILABLE, True, generation=generation)
        set_condition(status, COMPLETE, True, generation=generation)
        status["ready"] = True
        status["completionTime"] = rfc3339()
        return None

    def _target_library(
        self, namespace: str, name: str, status: Obj, generation: object
    ) -> dict[str, str] | None:
        """The vCenter library (id, name) behind the target ContentLibrary, or None with TargetValid false as
        VM Operator's publish controller marks it (checkIsTargetValid, getTargetLibrary): the object does not
        exist, is not writable, or is not ready."""
        found = self.ctx.kube.get(CONTENT_LIBRARY, namespace, name) if name else None
        display = str(((found or {}).get("status") or {}).get("name") or "")
        if found is None:
            reason = TARGET_NOT_EXIST
            message = f'contentlibraries.imageregistry.vmware.com "{name}" not found'
        elif not (found.get("spec") or {}).get("writable"):
            reason, message = TARGET_NOT_WRITABLE, f"target location {display} is not writable"
        elif not is_true(found, "Ready"):
            reason, message = TARGET_NOT_READY, f"target location {display} is not ready"
        else:
            return {"id": str((found.get("spec") or {}).get("uuid") or ""), "name": display}
        set_condition(status, TARGET_VALID, False, reason, message, generation)
        return None
