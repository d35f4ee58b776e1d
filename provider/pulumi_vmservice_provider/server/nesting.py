"""Requests nested too deeply to decode: answered INVALID_ARGUMENT naming the property, not INTERNAL.

The protobuf runtime refuses messages nested more than 100 levels (a `google.protobuf.Struct` spends two
levels per object: Struct, then Value). A program that passes an input nested around 50 objects deep would get
gRPC's "Exception deserializing request" (INTERNAL). Here the request's bytes are walked with a small reader of
the wire format, without recursion limits, to find the property that nests too deeply; the RPC then answers
INVALID_ARGUMENT naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import DecodeError

# The deepest input the provider decodes, in objects and lists (the protobuf runtime's 100 levels, two per
# nested object, less the request's own).
MAX_NESTING = 45


@dataclass(frozen=True)
class Undecodable:
    """What a request's deserializer answers when the protobuf runtime refuses the bytes."""

    path: str  # the property that nests too deeply ("" when none was found)
    depth: int

    def message(self) -> str:
        if not self.path:
            return "the request cannot be decoded"
        return (
            f"{self.path}: nested {self.depth} levels deep; the provider takes inputs nested at most "
            f"{MAX_NESTING} levels"
        )


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7


def _fields(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(field number, wire type, payload of a length-delimited field) of one message."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, at = _varint(data, at)
            yield number, wire, b""
        elif wire == 1:
            at += 8
            yield number, wire, b""
        elif wire == 5:
            at += 4
            yield number, wire, b""
        elif wire == 2:
            size, at = _varint(data, at)
            yield number, wire, data[at : at + size]
            at += size
        else:
            return


def _join(base: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base and key.isidentifier() else (key if not base else f'{base}["{key}"]')


def deepest_in_struct(data: bytes, base: str = "", depth: int = 1) -> tuple[str, int]:
    """The deepest path below a serialized Struct, and its depth in objects and lists."""
    best = (base, depth)
    stack: list[tuple[str, bytes, str, int]] = [("struct", data, base, depth)]
    while stack:
        kind, payload, path, level = stack.pop()
        if level > best[1]:
            best = (path, level)
        if kind == "struct":
            for number, _, entry in _fields(payload):
                if number != 1:
                    continue
                key, value = "", b""
                for entry_number, _, part in _fields(entry):
                    if entry_number == 1:
                        key = part.decode("utf-8", "replace")
                    elif entry_number == 2:
                        value = part
                stack.append(("value", value, _join(path, key), level))
        elif kind == "list":
            index = 0
            for number, _, value in _fields(payload):
                if number == 1:
                    stack.append(("value", value, _join(path, index), level))
                    index += 1
        else:  # a Value: struct_value is field 5, list_value field 6
            for number, _, inner in _fields(payload):
                if number == 5:
                    stack.append(("struct", inner, path, level + 1))
                elif number == 6:
                    stack.append(("list", inner, path, level + 1))
    return best


def _struct_fields(message_class: Any) -> list[int]:
    """The numbers of a request message's Struct fields (properties, news, olds, args, ...)."""
    return [
        f.number
        for f in message_class.DESCRIPTOR.fields
        if f.message_type is not None and f.message_type.full_name == "google.protobuf.Struct"
    ]


def tolerant(message_class: Any) -> Callable[[bytes], Any]:
    """A request deserializer that answers `Undecodable` where the protobuf runtime refuses the bytes."""
    struct_fields = _struct_fields(message_class)

    def deserialize(data: bytes) -> Any:
        try:
            return message_class.FromString(data)
        except (DecodeError, RecursionError):
            deepest = ("", 0)
            try:
                for number, wire, payload in _fields(data):
                    if number in struct_fields and wire == 2:
                        found = deepest_in_struct(payload)
                        deepest = max(deepest, found, key=lambda item: item[1])
            except IndexError:
                pass  # truncated bytes: nothing more to say than that they cannot be decoded
            return Undecodable(*deepest)

    return deserialize


def add_servicer(servicer: Any, server: Any) -> None:
    """Register the ResourceProvider servicer like the generated `add_ResourceProviderServicer_to_server`,
    with request deserializers that turn an undecodable request into INVALID_ARGUMENT naming the property."""
    import grpc
    from google.protobuf import message_factory

    from pulumi_vmservice_provider.server.proto import provider_pb2

    service = provider_pb2.DESCRIPTOR.services_by_name["ResourceProvider"]
    handlers: dict[str, Any] = {}
    for method in service.methods:
        implementation = getattr(servicer, method.name, None)
        if implementation is None:
            continue
        request_class = message_factory.GetMessageClass(method.input_type)
        response_class = message_factory.GetMessageClass(method.output_type)
        if method.client_streaming:
            continue  # the provider serves no client-streaming method
        if method.server_streaming:
            handlers[method.name] = grpc.unary_stream_rpc_method_handler(
                implementation,
                request_deserializer=request_class.FromString,
                response_serializer=response_class.SerializeToString,
            )
            continue
        handlers[method.name] = grpc.unary_unary_rpc_method_handler(
            _refusing_undecodable(implementation),
            request_deserializer=tolerant(request_class),
            response_serializer=response_class.SerializeToString,
        )
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(service.full_name, handlers),))


def _refusing_undecodable(implementation: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def handle(request: Any, context: Any) -> Any:
        if isinstance(request, Undecodable):
            import grpc

            context.abort(grpc.StatusCode.INVALID_ARGUMENT, request.message())
        return implementation(request, context)

    return handle
