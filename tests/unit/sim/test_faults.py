"""The simulator's fault ConfigMap keys as the controllers read them (the imageNotReady key records the
vm-image-not-ready readiness fixture). Broken on purpose once (imageNotReady not parsed): the test failed."""

from __future__ import annotations

from vmservice_sim.faults import Faults


def test_image_not_ready_names_an_image_by_any_of_its_names() -> None:
    faults = Faults.parse({"imageNotReady": "dev/ubuntu-22.04, dev/vmi-0a1b"})
    assert faults.image_not_ready("dev", "vmi-9999", "ubuntu-22.04")
    assert faults.image_not_ready("dev", "vmi-0a1b")
    assert not faults.image_not_ready("dev", "photon-5", "vmi-9999")
    assert not faults.image_not_ready("prod", "ubuntu-22.04")
    assert not Faults.parse({}).image_not_ready("dev", "ubuntu-22.04")
