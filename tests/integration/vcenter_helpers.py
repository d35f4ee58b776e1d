"""Helpers for tests against vcsim: a Supervisor cluster, provider settings per TLS mode, tiny OVAs."""

from __future__ import annotations

import contextlib
import hashlib
import io
import ssl
import struct
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUPERVISOR = "WCP-supervisor"  # vcsim reports clusters named WCP-* as Supervisors; the simulator's name too


def soap_connect(vcsim: Any) -> Any:
    from pyVim.connect import SmartConnect

    return SmartConnect(
        host="127.0.0.1",
        port=vcsim.port,
        user=vcsim.username,
        pwd=vcsim.password,
        sslContext=ssl.create_default_context(cafile=str(vcsim.cert_file)),
    )


@dataclass(frozen=True)
class Cluster:
    id: str
    name: str  # the name it has while the Supervisor context is active
    plain_name: str


def _rename(vcsim: Any, cluster_id: str, name: str) -> None:
    from pyVim.connect import Disconnect
    from pyVim.task import WaitForTask
    from pyVmomi import vim

    si = soap_connect(vcsim)
    try:
        WaitForTask(vim.ClusterComputeResource(cluster_id, si._stub).Rename_Task(name))
    finally:
        Disconnect(si)


@contextlib.contextmanager
def supervisor_cluster(vcsim: Any) -> Iterator[Cluster]:
    """Make the inventory's cluster a Supervisor by naming it WCP-supervisor, and rename it back afterwards.

    vcsim cannot delete clusters and the session's vcsim is shared, so the inventory is left as it was found.
    """
    from pyVim.connect import Disconnect
    from pyVmomi import vim

    si = soap_connect(vcsim)
    try:
        content = si.RetrieveContent()
        view = content.viewManager.CreateContainerView(content.rootFolder, [vim.ClusterComputeResource], True)
        try:
            name, cluster_id = sorted((c.name, str(c._moId)) for c in view.view)[0]
        finally:
            view.Destroy()
    finally:
        Disconnect(si)
    # Already renamed (an earlier module did not get to clean up): restore the default inventory name.
    cluster = Cluster(cluster_id, SUPERVISOR, "DC0_C0" if name == SUPERVISOR else name)
    _rename(vcsim, cluster.id, cluster.name)
    try:
        yield cluster
    finally:
        _rename(vcsim, cluster.id, cluster.plain_name)


@contextlib.contextmanager
def not_a_supervisor(vcsim: Any, cluster: Cluster) -> Iterator[str]:
    """Temporarily give the cluster its plain name (Workload Management "disabled"); yields that name."""
    _rename(vcsim, cluster.id, cluster.plain_name)
    try:
        yield cluster.plain_name
    finally:
        _rename(vcsim, cluster.id, cluster.name)


def sha256_thumbprint(cert_file: Path) -> str:
    der = ssl.PEM_cert_to_DER_cert(Path(cert_file).read_text())
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def settings(vcsim: Any, **tls: Any) -> Any:
    from pulumi_vmservice_provider.settings import Settings

    return Settings(
        vsphere_server=vcsim.host, vsphere_user=vcsim.username, vsphere_password=vcsim.password, **tls
    )


def stream_optimized_vmdk(name: str, sectors: int = 2048) -> bytes:
    """The smallest streamOptimized VMDK vcsim accepts: a sparse header and the embedded descriptor."""
    header = struct.pack(
        "<IIIqqqqIqqqBccccH",
        0x564D444B,  # "KDMV"
        3,
        0x00030001,  # valid new-line detection, compressed grains, markers
        sectors,
        128,  # grain size
        1,  # descriptor offset (sectors)
        1,  # descriptor size (sectors)
        512,
        0,
        -1,  # grain directory at the end
        2,
        0,
        b"\n",
        b" ",
        b"\r",
        b"\n",
        1,  # deflate
    ).ljust(512, b"\0")
    descriptor = (
        "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
        f'createType="streamOptimized"\nRW {sectors} SPARSE "{name}"\nddb.adapterType = "lsilogic"\n'
    ).encode()
    return header + descriptor.ljust(512, b"\0")


OVF_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References><File ovf:href="{disk}" ovf:id="file1"/></References>
  <DiskSection><Info>disks</Info></DiskSection>
  <VirtualSystem ovf:id="{name}"><Info>A tiny test VM</Info></VirtualSystem>
</Envelope>
"""


def tiny_ova(path: Path, name: str = "tiny") -> Path:
    disk = f"{name}-disk1.vmdk"
    members = {
        f"{name}.ovf": OVF_TEMPLATE.format(disk=disk, name=name).encode(),
        disk: stream_optimized_vmdk(disk),
    }
    with tarfile.open(path, "w") as tar:
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path
