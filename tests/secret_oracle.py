"""The one check that a secret never shows in plain text, used by every test that handles a secret.

A secret is plain when it appears outside Pulumi's secret wrapper (`{SIG_KEY: SECRET_SIG, ...}`, which the
state also uses around its ciphertext): in a gRPC answer (every field walked, Structs value by value, so Check
inputs, Diff, Create/Read/Update outputs, Invoke results and Check failures), in an RPC error, or anywhere at
all in text (the plugin's stderr, the engine's log messages, CLI output, `preview --json`, `stack export`,
a `-v=9 --logtostderr` run). It looks for the value itself, JSON-escaped, base64-encoded (as a Kubernetes
Secret's data carries it) and, for a multi-line value, each of its lines of 12 characters or more.

    oracle = SecretOracle("hunter2-passw0rd")
    oracle.answer("Check", response)
    oracle.text("pulumi up", result.stdout + result.stderr)
    oracle.plugin(plugin)          # stderr and engine log messages of a tests/protocol Plugin

Each call records where it looked (`oracle.looked`), so a test can assert what it covered."""

from __future__ import annotations

import base64
import json
from typing import Any

import grpc
from google.protobuf import struct_pb2
from google.protobuf.message import Message
from pulumi_vmservice_provider.wire import SECRET_SIG, SIG_KEY, struct_to_dict


class SecretShown(AssertionError):
    pass


class SecretOracle:
    def __init__(self, *secrets: str) -> None:
        assert secrets and all(len(s) >= 8 for s in secrets), "secrets must be distinctive (8+ characters)"
        self.secrets = secrets
        self.looked: list[str] = []
        self._forms = [(form, shown) for secret in secrets for form, shown in self.forms(secret).items()]

    @staticmethod
    def forms(secret: str) -> dict[str, str]:
        found = {
            "plain": secret,
            "JSON-escaped": json.dumps(secret)[1:-1],
            "base64": base64.b64encode(secret.encode()).decode(),
        }
        for number, line in enumerate(secret.splitlines()):
            if len(line.strip()) >= 12 and "\n" in secret:
                found[f"line {number + 1}"] = line.strip()
        return found

    def text(self, where: str, text: str | bytes | None) -> None:
        """No form of any secret anywhere in `text`."""
        self.looked.append(where)
        if not text:
            return
        body = text.decode(errors="replace") if isinstance(text, bytes) else text
        for form, shown in self._forms:
            at = body.find(shown)
            if at >= 0:
                raise SecretShown(
                    f"{where}: a secret ({form}) in plain text, after: {body[max(0, at - 80) : at]!r}"
                )

    def value(self, where: str, value: Any) -> None:
        """No secret outside a secret wrapper in decoded data (JSON, a Struct as a dict)."""
        self.looked.append(where)
        self._walk(where, value)

    def _walk(self, path: str, value: Any) -> None:
        if isinstance(value, dict):
            if value.get(SIG_KEY) == SECRET_SIG:
                return  # a secret (or the state's ciphertext of one), as it should be
            for key, item in value.items():
                self._strings(f"{path}.{key} (key)", str(key))
                self._walk(f"{path}.{key}", item)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                self._walk(f"{path}[{index}]", item)
        elif isinstance(value, str):
            self._strings(path, value)

    def _strings(self, path: str, text: str) -> None:
        for form, shown in self._forms:
            if shown in text:
                raise SecretShown(f"{path}: a secret ({form}) outside a secret wrapper")

    def answer(self, where: str, message: Message) -> None:
        """Every field of a gRPC answer: Structs walked as values, strings as text, nested messages too."""
        self.looked.append(where)
        self._message(where, message)

    def _message(self, path: str, message: Message) -> None:
        if isinstance(message, struct_pb2.Struct):
            self._walk(path, struct_to_dict(message))
            return
        for field, content in message.ListFields():
            name = f"{path}.{field.name}"
            items = content if field.label == field.LABEL_REPEATED else [content]
            for index, item in enumerate(items):
                at = f"{name}[{index}]" if field.label == field.LABEL_REPEATED else name
                if isinstance(item, Message):
                    self._message(at, item)
                elif isinstance(item, str):
                    self._strings(at, item)
                elif isinstance(item, bytes):
                    self._strings(at, item.decode(errors="replace"))

    def error(self, where: str, error: grpc.RpcError) -> None:
        """An RPC error's message and its details (a partial create's properties travel there)."""
        self.text(f"{where} error", str(error.details() or ""))
        for key, value in error.trailing_metadata() or ():  # type: ignore[attr-defined]
            if key.endswith("-bin") and isinstance(value, bytes):
                self._details(f"{where} error {key}", value)
            else:
                self.text(f"{where} error {key}", str(value))

    def _details(self, where: str, blob: bytes) -> None:
        from pulumi_vmservice_provider.server.proto import provider_pb2, status_pb2

        status = status_pb2.Status.FromString(blob)
        self.text(f"{where} message", status.message)
        for detail in status.details:
            init_failed = provider_pb2.ErrorResourceInitFailed()
            if detail.Unpack(init_failed):
                self.answer(f"{where} ErrorResourceInitFailed", init_failed)
            else:
                self.text(f"{where} {detail.type_url}", detail.value)

    def plugin(self, plugin: Any) -> None:
        """A tests/protocol Plugin's stderr so far and every message it sent to the engine's Log service."""
        self.text("plugin stderr", plugin.stderr_text())
        self.text("engine log messages", "\n".join(plugin.engine.messages()))
