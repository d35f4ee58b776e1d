"""Which files make up a library item uploaded from a local path.

Like `govc library.import`, an OVA is unpacked on the fly and its OVF descriptor plus the files the
descriptor references are pushed one by one (vCenter takes OVF items as separate files); an OVF is sent
with the referenced files that sit beside it; an ISO is one file.
"""

from __future__ import annotations

import os
import tarfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from pulumi_vmservice_provider.clients.content_library import UploadFile
from pulumi_vmservice_provider.errors import InvalidInputs

CHUNK = 1024 * 1024


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def ovf_references(descriptor: bytes, where: str) -> list[str]:
    """The `href`s of the descriptor's `<References><File>` entries."""
    try:
        root = ElementTree.fromstring(descriptor)
    except ElementTree.ParseError as error:
        raise InvalidInputs([("filePath", f"{where} is not a valid OVF descriptor: {error}")]) from None
    hrefs: list[str] = []
    for element in root.iter():
        if _local(element.tag) != "File":
            continue
        href = next((v for k, v in element.attrib.items() if _local(k) == "href"), None)
        if not href:
            continue
        if "://" in href or PurePosixPath(href).name != href:
            raise InvalidInputs(
                [
                    (
                        "filePath",
                        f"{where} references {href!r}; only files beside the descriptor can be uploaded",
                    )
                ]
            )
        hrefs.append(href)
    return hrefs


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _member_chunks(archive: Path, name: str) -> Iterator[bytes]:
    with tarfile.open(archive, "r:*") as tar:
        handle = tar.extractfile(name)
        if handle is None:
            raise InvalidInputs([("filePath", f"{archive}: {name!r} is not a regular file")])
        while chunk := handle.read(CHUNK):
            yield chunk


def _local_file(path: Path) -> UploadFile:
    return UploadFile(path.name, path.stat().st_size, lambda: _file_chunks(path))


def _plan_ovf(path: Path) -> list[UploadFile]:
    files = [_local_file(path)]
    for href in ovf_references(path.read_bytes(), str(path)):
        referenced = path.parent / href
        if not referenced.is_file():
            raise InvalidInputs([("filePath", f"{path} references {href!r}, which is not in {path.parent}")])
        files.append(_local_file(referenced))
    return files


def _plan_ova(path: Path) -> list[UploadFile]:
    try:
        with tarfile.open(path, "r:*") as tar:
            members = {m.name: m for m in tar.getmembers() if m.isfile()}
            descriptor = next((n for n in members if n.lower().endswith(".ovf")), None)
            if descriptor is None:
                raise InvalidInputs([("filePath", f"{path} holds no .ovf descriptor")])
            handle = tar.extractfile(members[descriptor])
            assert handle is not None
            hrefs = ovf_references(handle.read(), f"{path}:{descriptor}")
    except tarfile.TarError as error:
        raise InvalidInputs([("filePath", f"{path} is not an OVA (tar) archive: {error}")]) from None
    files = []
    for name in (descriptor, *hrefs):
        if name not in members:
            raise InvalidInputs(
                [("filePath", f"{path}: the descriptor references {name!r}, which the OVA lacks")]
            )

        def chunks(name: str = name) -> Iterator[bytes]:
            return _member_chunks(path, name)

        files.append(UploadFile(PurePosixPath(name).name, members[name].size, chunks))
    return files


def plan_upload(file_path: str) -> tuple[str, list[UploadFile]]:
    """(item type, files) for a local `.ova`, `.ovf` or `.iso`; bad paths fail naming `filePath`."""
    path = Path(os.path.expanduser(file_path))
    if not path.is_file():
        raise InvalidInputs([("filePath", f"no such file {str(path)!r}")])
    suffix = path.suffix.lower()
    if suffix == ".iso":
        return "iso", [_local_file(path)]
    if suffix == ".ovf":
        return "ovf", _plan_ovf(path)
    if suffix == ".ova":
        return "ovf", _plan_ova(path)
    raise InvalidInputs([("filePath", f"{str(path)!r} must end in .ova, .ovf or .iso")])


def item_type_for(source: str) -> str:
    return "iso" if PurePosixPath(source.split("?", 1)[0]).suffix.lower() == ".iso" else "ovf"
